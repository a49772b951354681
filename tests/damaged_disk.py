"""Real broken disks for tests, the most realistic way this machine allows.

The suite runs as root, so `chmod` does not stop a write. In order of preference:

- **tmpfs**: `mount -t tmpfs -o size=N` gives a real small disk (writes fail with ENOSPC) and
  `mount -o remount,ro` a real read-only one (EROFS). Needs root with CAP_SYS_ADMIN.
- **chattr +i** on the folder (EPERM even for root) for read-only, and `RLIMIT_FSIZE` in the
  child process (SIGXFSZ ignored, so a write past the limit fails with EFBIG) for disk full.
- plain `chmod 0555` when not running as root.

`how` on each helper says which one was used, so a test report shows it.
`PICKUP_TEST_NO_MOUNT=1` skips tmpfs, to exercise the fallbacks on a machine that can mount.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path


def _run(*cmd: str) -> bool:
    if shutil.which(cmd[0]) is None:
        return False
    return subprocess.run(cmd, check=False, capture_output=True, timeout=30).returncode == 0


def can_mount() -> bool:
    if os.geteuid() != 0 or os.environ.get("PICKUP_TEST_NO_MOUNT"):  # the env: try fallbacks
        return False
    probe = Path(f"/tmp/.pickup-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        if _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)):
            _run("umount", str(probe))
            return True
        return False
    finally:
        probe.rmdir()


@contextmanager
def small_disk(folder: Path, size_kib: int):
    """`folder` on a tmpfs of `size_kib` KiB. Yields True, or False when mounting is not
    possible here (the caller falls back to `file_size_limit`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not can_mount() or not _run("mount", "-t", "tmpfs", "-o", f"size={size_kib}k",
                                   "tmpfs", str(folder)):
        yield False
        return
    try:
        yield True
    finally:
        _run("umount", "-l", str(folder))


def fill(folder: Path) -> None:
    """Write zeros until the disk under `folder` is full."""
    fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_size_limit(limit_bytes: int):
    """A `preexec_fn` for subprocess: files cannot grow past `limit_bytes` (EFBIG)."""
    import resource

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


@contextmanager
def read_only(folder: Path):
    """Make `folder` read-only for everyone, root included. Yields how ("remount-ro",
    "chattr", "chmod"), or None when nothing works here. The folder must already hold what
    the test needs; for "remount-ro" its contents are copied onto a tmpfs mounted over it."""
    how = None
    if can_mount():
        keep = folder.with_name(folder.name + ".orig")
        shutil.copytree(folder, keep)
        if _run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)):
            shutil.copytree(keep, folder, dirs_exist_ok=True)
            shutil.rmtree(keep)
            if _run("mount", "-o", "remount,ro", str(folder)):
                how = "remount-ro"
            else:
                _run("umount", "-l", str(folder))
        else:
            shutil.rmtree(keep)
    if how is None and os.geteuid() == 0 and _run("chattr", "+i", str(folder)):
        how = "chattr"
    if how is None and os.geteuid() != 0:
        folder.chmod(0o555)
        how = "chmod"
    try:
        yield how
    finally:
        if how == "remount-ro":
            _run("umount", "-l", str(folder))
        elif how == "chattr":
            _run("chattr", "-i", str(folder))
        elif how == "chmod":
            folder.chmod(0o755)
