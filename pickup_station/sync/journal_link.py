"""The journal link an event carries (`journal: {seq, prev_hash, hash}`), part of the wire
contract, and the chain rule both sides apply (`pickup_station.journal_form`, re-exported here
for the server, which imports nothing of the station but the wire contract).

Optional: a station from before the journal sends events without it, and they are taken as
before. docs/protocol.md, "Journal".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from pickup_station.journal_form import (  # noqa: F401 - the chain rule, for the server
    JOURNALED,
    canonical,
    entry_hash,
    journal_record,
    record_id,
)

HASH_PATTERN = r"^[0-9a-f]{64}$"
SEQ_MAX = 2**53 - 1  # a JSON number every client reads exactly

Hash = Annotated[StrictStr, Field(pattern=HASH_PATTERN, description="SHA-256, lower-case hex")]


class JournalLink(BaseModel):
    """Where an event sits in its station's hand-over journal."""

    model_config = ConfigDict(extra="ignore")
    seq: Annotated[StrictInt, Field(ge=1, le=SEQ_MAX)]
    prev_hash: Hash
    hash: Hash
