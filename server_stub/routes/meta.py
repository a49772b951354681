"""No token needed: is the server up, and which limits does it apply."""

from __future__ import annotations

from fastapi import APIRouter

from ..config import FEED_MAX_LIMIT, PULL_MAX_LIMIT, PUSH_MAX_EVENTS
from ..db import now_iso
from ..deps import CtxDep
from ..migrations import LATEST
from ..schemas import HealthOut, LimitsOut

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health", response_model=HealthOut, summary="Is the server up (no token needed)")
def health(ctx: CtxDep) -> dict:
    return {"ok": True, "server_time": now_iso(), "schema_version": ctx.db.version,
            "latest_schema": LATEST, "database": ctx.db.dialect}


@router.get("/limits", response_model=LimitsOut,
            summary="Published limits: body sizes, page sizes, time allowed, flood control")
def limits(ctx: CtxDep) -> dict:
    c = ctx.config
    return {"push_max_events": PUSH_MAX_EVENTS, "push_max_bytes": c.push_max_bytes,
            "batch_max_bytes": c.batch_max_bytes, "default_max_bytes": c.default_max_bytes,
            "pull_max_limit": PULL_MAX_LIMIT, "feed_max_limit": FEED_MAX_LIMIT,
            "header_timeout_s": c.header_timeout_s, "body_timeout_s": c.body_timeout_s,
            "keep_alive_timeout_s": c.keep_alive_timeout_s,
            "max_concurrent_sync": c.max_concurrent_sync,
            "station_rate_per_s": c.station_rate_per_s, "station_burst": c.station_burst}
