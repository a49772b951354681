"""One router per resource: stations, batches, orders, pickups (HQ, admin token), sync
(station token), imports (CSV for HQ staff), health and limits (no token)."""

from __future__ import annotations

from ..schemas import ErrorOut

# error answers every authenticated route may give (the envelope, documented once)
AUTH_ERRORS: dict = {401: {"model": ErrorOut, "description": "no, malformed or revoked token"},
                     403: {"model": ErrorOut, "description": "this token may not do that"}}
BODY_ERRORS: dict = {
    400: {"model": ErrorOut, "description": "not UTF-8 JSON, or malformed"},
    408: {"model": ErrorOut, "description": "the body did not arrive in time"},
    413: {"model": ErrorOut, "description": "body over the published size"},
    415: {"model": ErrorOut, "description": "the body must be UTF-8 JSON"},
    422: {"model": ErrorOut, "description": "a field is invalid"},
}
QUERY_ERRORS: dict = {422: {"model": ErrorOut, "description": "a parameter is invalid"}}
NOT_FOUND: dict = {404: {"model": ErrorOut, "description": "no such thing"}}
CONFLICT: dict = {409: {"model": ErrorOut, "description": "conflicts with what is stored"}}
RATE_LIMITED: dict = {429: {"model": ErrorOut, "description": "too many requests; see "
                                                             "Retry-After"}}
UNAVAILABLE: dict = {503: {"model": ErrorOut, "description": "database busy; see Retry-After"}}
