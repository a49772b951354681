"""The demo: realistic data, an in-process sync server the app pairs with, sample papers.

- `data.py`             batches in manifest shape (Chinese names, items, phones, tokens), bulk load
- `server.py`           `make run`: the real sync server in this process, a demo station paired
- `receipt_samples.py`  fixed papers for screenshots and printer tests
- `fonts.py`            a CJK font for images drawn with Pillow (the demo QR sheet)

Used by the demo, the tests and the benchmarks; nothing at the counter depends on it.
"""
