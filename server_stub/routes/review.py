"""HQ: the needs-review queue (issue 11): list it, resolve an item with a note."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..deps import AdminDep, FeedSessionDep, ReadSessionDep
from ..schemas import ID_PATTERN, REVIEW_KINDS, ResolveIn, ReviewItemOut, ReviewListOut
from ..services import review as service
from . import AUTH_ERRORS, BODY_ERRORS, CONFLICT, NOT_FOUND, QUERY_ERRORS, UNAVAILABLE
from .params import CURSOR, PAGE_SIZE, ascii_int

router = APIRouter(prefix="/api/v1/review", tags=["review"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
REVIEW_MAX_LIMIT = 500
KIND = "^(?:|" + "|".join(REVIEW_KINDS) + ")$"
ReviewId = Annotated[str, Path(pattern=PAGE_SIZE, description="the item's `id` (ASCII digits)")]


@router.get("", response_model=ReviewListOut, responses=QUERY_ERRORS,
            summary="The needs-review queue, oldest first (filter by state, kind, station)")
def list_review(
    _admin: AdminDep, conn: ReadSessionDep,
    state: Annotated[str | None, Query(pattern="^(?:|open|resolved)$",
                                       description="open / resolved (default: both)")] = None,
    kind: Annotated[str | None, Query(pattern=KIND, description=" / ".join(REVIEW_KINDS))
                    ] = None,
    station_id: Annotated[str | None, Query(pattern=r"^$|" + ID_PATTERN)] = None,
    limit: Annotated[str | None, Query(pattern=PAGE_SIZE, description=(
        f"page size, 1-{REVIEW_MAX_LIMIT} (larger is capped; default 100)"))] = None,
    offset: Annotated[str | None, Query(pattern=CURSOR, description="items to skip")] = None,
) -> dict:
    """`{items: [{id, station_id, kind, state, order_id, batch_id, event_id, occurred_at,
    created_at, note, resolved_at, resolved_by, detail}], has_more}`; `detail` by kind: docs/protocol.md."""
    size = min(ascii_int(limit, "limit", default=100, minimum=1), REVIEW_MAX_LIMIT)
    skip = ascii_int(offset, "offset", default=0)
    items, more = service.list_items(conn, state=state or None, kind=kind or None,
                                     station_id=station_id or None, limit=size, offset=skip)
    return {"items": [i.as_dict() for i in items], "has_more": more}


@router.post("/{review_id}/resolve", response_model=ReviewItemOut,
             responses={**NOT_FOUND, **CONFLICT, **BODY_ERRORS},
             summary="Resolve an item with a note (the station sees it on its next pull)")
def resolve(review_id: ReviewId, body: ResolveIn, _admin: AdminDep,
            conn: FeedSessionDep) -> dict:
    """Body `{note}` (1-500 characters). 409 `already_resolved` for an item resolved before.
    `resolved_by` of the answer is `api` (the admin token has no owner's name)."""
    item_id = ascii_int(review_id, "review_id", default=0, minimum=1)
    return service.resolve(conn, item_id, body.note, service.API_RESOLVER).as_dict()
