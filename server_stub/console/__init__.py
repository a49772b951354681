"""The HQ console: a small web console for HQ staff, served by the sync server under /console.

Server-rendered pages (Jinja2 templates, one stylesheet, no JavaScript, no build step):
stations online/offline with pending uploads, today's figures per station, batches with their
reconciliation, the needs-review queue (resolve), notices (retry), CSV exports.
Chinese first, English by a switch (texts.py). HQ users sign in with a password (users.py,
passwords.py; made with `pickup-sync-server user add NAME --role admin|viewer`); a session is
a server-side row (sessions.py), its cookie HttpOnly and SameSite=Strict (Secure over https);
every form carries a CSRF token; a viewer sees no actions and any change it posts is 403.
The admin API token is untouched: integrations keep using /api/v1 with it.

Modules: web (plumbing) · signin · pages · actions · exports (routes) · figures · worklists
(data; the review and notices pages call services/review.py and services/notice_view.py) ·
users · sessions · passwords.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import actions, exports, pages, signin
from .users import LoginThrottle
from .web import install_handlers

STATIC_DIR = Path(__file__).with_name("static")


def install(app: FastAPI) -> None:
    """Adds the console's routes, its stylesheet and its HTML error answers to the app."""
    install_handlers(app)
    app.state.console_throttle = LoginThrottle()  # failed sign-ins per client address
    for module in (signin, pages, actions, exports):
        app.include_router(module.router)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
