"""HQ: orders (cancel)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..deps import AdminDep, FeedSessionDep
from ..schemas import ID_PATTERN, CancelIn, CancelOut
from ..services import batches as service
from ..services import notices
from . import AUTH_ERRORS, BODY_ERRORS, CONFLICT, NOT_FOUND, UNAVAILABLE

router = APIRouter(prefix="/api/v1/orders", tags=["orders"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})
PathId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.post("/{order_id}/cancel", response_model=CancelOut,
             responses={**NOT_FOUND, **CONFLICT, **BODY_ERRORS}, summary="Cancel an order")
def cancel(order_id: PathId, _admin: AdminDep, conn: FeedSessionDep,
           body: CancelIn | None = None) -> dict:
    """Body `{reason}` (optional). Idempotent; a picked-up order answers 409."""
    answer = service.cancel_order(conn, order_id, body.reason if body else "")
    notices.order_cancelled(conn, order_id)  # the customer is told when the goods had arrived
    return answer
