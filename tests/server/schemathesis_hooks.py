"""Schemathesis hooks for tests/server/test_schema_fuzz.py (loaded with SCHEMATHESIS_HOOKS).

Two rules of our contract that JSON Schema cannot state, made explicit here instead of being
silently tolerated:

- Integers are written as integers. JSON Schema counts `2.0` as the integer 2 and schemathesis
  sends such spellings on purpose; the server refuses them (422, strict types: see
  tests/server/test_odd_input.py). Generated bodies write whole numbers as integers.
- Some 422s are about meaning, not shape: an event id sent twice with different bodies
  (`event_id_conflict`), a batch for a station that is not registered (`unknown_station`), an
  order id, token or code twice in one batch (`detail.reason: duplicate_in_batch`), a CSV
  whose columns or lines are wrong (`invalid_csv`: JSON Schema cannot describe CSV). The
  built-in `positive_data_acceptance` check is replaced by one that allows exactly these.
"""

from __future__ import annotations

import schemathesis

SEMANTIC_422 = {"event_id_conflict", "unknown_station", "invalid_csv",
                # HQ lists (issue 11): 2026-02-30 has the shape of a date; a cursor is opaque
                "invalid_date", "invalid_cursor"}
ACCEPTED = {401, 403, 404, 409, 429}  # no/another token, no such thing, conflicts, flood control


def _ints(value):
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    return value


@schemathesis.hook
def map_body(_ctx, body):
    return _ints(body)


def _semantic(response) -> bool:
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    detail = error.get("detail") or {}
    return error.get("code") in SEMANTIC_422 or detail.get("reason") == "duplicate_in_batch"


@schemathesis.check
def schema_valid_data_accepted(_ctx, response, case):
    """Schema-valid input is answered 2xx, or refused for who is asking, for what is stored,
    or for a meaning the schema cannot carry (SEMANTIC_422) - never for its shape."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    status = response.status_code
    if status < 300 or status in ACCEPTED or status >= 500:  # 5xx: not_a_server_error's job
        return
    if status == 422 and _semantic(response):
        return
    raise AssertionError(f"schema-valid request refused with {status}: {response.text[:300]}")
