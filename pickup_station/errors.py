"""Errors with a message a person at the counter can act on.

`UserFacingError.message()` gives the text in the user's language; the core keeps both
languages here so the CLI (no Qt) and the window say the same thing.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is meant for the host, in zh_CN first and English."""

    code = "error"

    def __init__(self, zh: str, en: str | None = None, *, code: str | None = None):
        super().__init__(en or zh)
        self.zh = zh
        self.en = en or zh
        if code:
            self.code = code

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


class Refused(UserFacingError):
    """The counter says no (wrong PIN, order already picked up, ...): exit status 1 in the CLI."""

    code = "refused"


class StoreTooNew(UserFacingError):
    code = "store_too_new"

    def __init__(self, found: int, supported: int):
        super().__init__(
            f"本地数据库版本 {found} 比本程序支持的 {supported} 新，请升级程序。",
            f"The local store is schema version {found}, newer than this app supports "
            f"({supported}). Please upgrade the app.",
        )


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
