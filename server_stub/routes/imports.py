"""CSV import of batches for HQ staff without programmers (`POST /api/v1/batches/import`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..csv_import import CsvError, import_csv
from ..deps import AdminDep, CtxDep
from ..errors import ApiError

router = APIRouter(prefix="/api/v1", tags=["headquarters"])


@router.post(
    "/batches/import",
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
    `errors: [{line, error}]` (nothing of that batch is stored)."""
    raw = await request.body()
    if not raw.strip():
        raise ApiError(422, "invalid_csv", "the CSV body is empty")
    try:
        return await run_in_threadpool(import_csv, ctx.db, raw)
    except CsvError as exc:
        raise ApiError(422, "invalid_csv", str(exc)) from None
