"""Errors with a message a person at the counter can act on.

A `UserFacingError` carries a code (`.code`, machine-readable: the CLI's JSON `error.code`) and
a message from the one catalogue (`pickup_station.messages`): `Refused("counter.no_such_pickup")`
or `Refused("counter.unknown_order", order_id="A1", code="unknown")`. `.message(lang)` renders it
in the user's language, so the CLI (no Qt) and the window say the same thing.

There is no other way to word an error: the older `UserFacingError(zh, en)` (both texts written
at the raise) is gone, and `tests/unit/test_messages.py` fails on any text written at a raise.
"""

from __future__ import annotations

from typing import Any

from pickup_station.messages import Message


class UserFacingError(Exception):
    """An error whose message is meant for the host, in zh_CN first and English."""

    code = "error"

    def __init__(self, key: str | Message, /, *, code: str | None = None, **params: Any):
        if isinstance(key, Message):
            key, params = key.key, {**key.params, **params}
        # A key the catalogue lacks renders as itself (messages.render), never a crash in the
        # middle of an error; tests/unit/test_messages.py makes it a test failure instead.
        self.key: str = key
        self.params: dict[str, Any] = params
        if code:
            self.code = code
        super().__init__(self.en)

    @property
    def msg(self) -> Message:
        """The catalogue message."""
        return Message(self.key, **self.params)

    def message(self, lang: str | None = "zh_CN") -> str:
        return Message(self.key, **self.params).render(lang)

    @property
    def zh(self) -> str:
        return self.message("zh_CN")

    @property
    def en(self) -> str:
        return self.message("en")


class Refused(UserFacingError):
    """The counter says no (wrong PIN, order already picked up, ...): exit status 1 in the CLI."""

    code = "refused"


class StoreTooNew(UserFacingError):
    code = "store_too_new"

    def __init__(self, found: int, supported: int):
        super().__init__("store_too_new", found=found, supported=supported)


class ManifestError(UserFacingError):
    code = "bad_manifest"


class DeviceNotFound(UserFacingError):
    code = "device_not_found"


class SyncAuthError(UserFacingError):
    code = "sync_auth"


class Cancelled(Exception):
    """The user cancelled: not an error, nothing to show."""


# --- a damaged machine (issue 8): the disk, the store file or the settings file is at fault --
# One class per code, so the CLI's JSON `error.code` and the window's status name the cause.
# `store.damage.failure_of(exc)` turns a low-level exception into one of these.


class MachineError(UserFacingError):
    """This computer (its disk, files or folders) is at fault, not the input or the server."""

    code = "machine_error"


class StoreCorrupt(MachineError):
    """The store file is not a database, is cut short, or failed its integrity check."""

    code = "store_corrupt"


class StoreLocked(MachineError):
    """Another program holds the store's write lock past the busy timeout."""

    code = "store_locked"


class DataDirReadOnly(MachineError):
    """The data folder (or a file in it) cannot be written: read-only disk, permissions."""

    code = "data_dir_read_only"


class DiskFull(MachineError):
    code = "disk_full"


class InternalError(UserFacingError):
    """Anything unexpected: said in one sentence, with the log file that holds the details."""

    code = "internal_error"
