"""The station's domain and use cases, plain Python: no Qt, no HTTP, no devices.

- `scanning.py`   what a scanned or typed text is (QR token, 6-digit code, phone last 4)
- `counter.py`    `Counter`: lookup -> verdict, hand-over, undo (one transaction with its event)
- `verdicts.py`   the verdict a lookup gives (what the screen and the CLI show)
- `arrival.py`    the arrival check (到货签收): received, short, damaged
- `operators.py`  operators, PINs, the leader's approval
- `manifest.py`   batch manifests (JSON/CSV) into the store
- `identity.py`   tokens, masking of phones and names
- `timezone.py`   the station's local days
- `papers/`       what is printed: receipt, shelf label, day summary, and their layout
- `reports/`      figures, uncollected orders, the pickups report and its CSV/XLSX export

The window (`ui/`) and the command line (`cli/`) are two clients of it; `sync/` and
`hardware/` are the adapters it is driven with. The layering is checked by `lint-imports`.
"""
