"""HQ: CSV import of batches for staff without programmers (`POST /api/v1/batches/import`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..deps import AdminDep, CtxDep
from ..schemas import ImportOut
from ..services.csv_import import CsvError, import_csv
from . import AUTH_ERRORS, BODY_ERRORS, UNAVAILABLE

router = APIRouter(prefix="/api/v1/batches", tags=["imports"],
                   responses={**AUTH_ERRORS, **UNAVAILABLE})


@router.post(
    "/import", response_model=ImportOut, responses=BODY_ERRORS,
    summary="Import batches from CSV (one line per order item)",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string"},
        "example": "batch_id,station_id,order_id,customer_name,phone,sku,name,qty,"
                   "unit_price_cents,category,expected_at,pickup_code,shelf_slot\n"
                   "B1,S1,O1,张三,13800001234,SKU-1,苹果,2,1290,fruit,2026-11-23T08:00+08:00,,\n",
    }}}},
)
async def import_batches(request: Request, ctx: CtxDep, _admin: AdminDep) -> dict:
    """Per batch: `imported` with its orders' tokens and codes, or `rejected` with
    `errors: [{line, error}]` (nothing of that batch is stored). Each batch is one transaction.
    UTF-8 (with or without BOM) or GB18030; CR LF, LF or bare CR line ends."""
    raw = await request.body()
    if not raw.strip():
        raise CsvError("the CSV body is empty")
    return await run_in_threadpool(import_csv, lambda: ctx.db.write(feed=True), raw)


@router.api_route("/import", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def not_a_batch() -> None:
    """`/batches/import` is this endpoint, never a batch called "import" (405, Allow: POST)."""
    raise HTTPException(405)
