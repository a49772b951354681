"""Regular expressions of the wire contract (docs/protocol.md), written so that the server's
validation (pydantic: Rust or Python regex), its OpenAPI schema (JSON Schema / ECMA 262) and
schema-driven test generators all read them the same way: explicit character classes (no `\\s`
or `\\d`, which differ between engines), no look-around.
"""

from __future__ import annotations

# Text that is stored: no NUL (PostgreSQL text cannot hold it; no field of ours needs one).
NO_NUL = r"^[^\x00]*$"
# A SKU: 1-64 characters, none of them a control character or a space of any kind.
SKU_PATTERN = (r"^[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000"
               r"\ufeff]{1,64}$")
_HEX = "[0-9a-fA-F]"  # a UUID as canonical_uuid() reads it
_UUID_BODY = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}|{_HEX}{{32}}"
UUID_PATTERN = (f"^(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?(?:\\{{(?:{_UUID_BODY})\\}}|"
                f"{_UUID_BODY})$")


def rfc3339_pattern(year: str, leap_year: str) -> str:
    """An RFC 3339 date-time with offset whose calendar date exists (29 February only in
    `leap_year`s), as a regex both JSON Schema generators and Python/Rust regex engines read."""
    any_day = r"(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    long_day = r"(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
    date = f"(?:{year})-(?:{any_day}|{long_day})|(?:{leap_year})-02-29"
    clock = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    offset = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
    return f"^(?:{date})T{clock}{offset}$"


# times we store: years 1970-2199 (local), RFC 3339
TIME_PATTERN = rfc3339_pattern(
    r"19[7-9][0-9]|2[01][0-9]{2}",
    r"19(?:7[26]|8[048]|9[26])|20(?:[02468][048]|[13579][26])|21(?:0[48]|[2468][048]|[13579][26])")


def uint_pattern(maximum: int, *, minimum: int = 0) -> str:
    """ASCII digits without leading zeros for a whole number in [minimum, maximum] (minimum 0
    or 1): what `int()` would accept is far more (`²`, `１２`, `1_000`, ` 1`)."""
    top = str(maximum)
    alts = ["0"] if minimum == 0 else []
    if len(top) > 1:
        alts.append(f"[1-9][0-9]{{0,{len(top) - 2}}}")
    for i, ch in enumerate(top):  # as many digits as `maximum`, and not above it
        low = 1 if i == 0 else 0
        if int(ch) > low:
            rest = len(top) - i - 1
            alts.append(top[:i] + f"[{low}-{int(ch) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    alts.append(top)
    return "^(?:" + "|".join(alts) + ")$"
