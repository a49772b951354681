"""The first-start wizard: language, connection (pairing code, address and token, or offline
with a manifest file), the leader's PIN, scanner, camera, printer, shelves."""
