"""The limits of sync protocol v1: part of the contract (docs/protocol.md), used by both
sides through `pickup_station.sync.protocol`."""

API_PREFIX = "/api/v1"
PULL_LIMIT_DEFAULT = 500
PULL_LIMIT_MAX = 2000
FEED_LIMIT_DEFAULT = 500
FEED_LIMIT_MAX = 2000
PUSH_MAX_EVENTS = 500
PUSH_MAX_BYTES = 2 * 1024 * 1024
BATCH_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_BYTES = 256 * 1024
# room for the {"events": [...]} frame and separators when packing a batch under the limit
PUSH_BYTES_BUDGET = PUSH_MAX_BYTES - 4096
CLOCK_SKEW_LIMIT_S = 300
ID_MAX = 64
TEXT_MAX = 500
