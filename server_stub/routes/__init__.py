"""One router per audience: `hq` (admin token), `sync` (station token), `imports` (CSV)."""
