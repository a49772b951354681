"""Delivery of notices to customers (issue 11): the outbox rows (services/notices.py) go to a
notifier, chosen by the settings (`notify_notifier`):

- `webhook` (webhook.py): POST JSON to the chain's own SMS / mini-program service, signed with
  HMAC-SHA256 (docs/protocol.md "Notices");
- `log` (message.py `LogNotifier`): one masked line per notice, for the demo;
- `off`: notices stay pending (HQ still sees them).

The worker (worker.py) runs in the server process, started and stopped by the app's lifespan.
"""

from __future__ import annotations

from ..config import ServerConfig
from .message import Delivery, LogNotifier, Notifier, Outgoing
from .webhook import WebhookNotifier

__all__ = ["Delivery", "LogNotifier", "Notifier", "Outgoing", "WebhookNotifier",
           "make_notifier"]


def make_notifier(config: ServerConfig) -> Notifier | None:
    """The notifier the settings ask for (None: `off`). `auto`: the webhook when a URL is set,
    else the log. A webhook without its secret is a configuration error (said at start)."""
    choice = config.notify_notifier
    if choice == "off":
        return None
    if choice == "log" or (choice == "auto" and not config.notify_webhook_url):
        return LogNotifier()
    if not config.notify_webhook_url or not config.notify_webhook_secret:
        raise ValueError("the webhook notifier needs PICKUP_NOTIFY_WEBHOOK_URL and "
                         "PICKUP_NOTIFY_WEBHOOK_SECRET")
    return WebhookNotifier(config.notify_webhook_url, config.notify_webhook_secret,
                           timeout_s=config.notify_webhook_timeout_s)
