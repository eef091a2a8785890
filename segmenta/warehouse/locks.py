"""One writer of a warehouse at a time, and no leftovers of writers that died.

An import or a demo build takes ``<warehouse>.write.lock`` (an OS lock, released by the system when
the process ends, however it ends); a second one is refused with who holds it and since when. With
the lock held, the partial files of earlier writers that were killed (``*.importing-<pid>``, their
``.wal``, ``.*.demo-<pid>.tmp``) are removed: no live writer can own them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from segmenta.errors import WarehouseError


def lock_path(db: Path) -> Path:
    """The lock file of a warehouse's writers."""
    return db.with_name(db.name + ".write.lock")


@contextlib.contextmanager
def write_lock(db: Path, what: str, wait: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's writer lock while the block runs, waiting up to ``wait`` seconds for it.

    Imports, demo builds and saves of segments all take it: a save can never land in the old file
    while an import is replacing it (and be lost with it).

    Raises:
        WarehouseError: another writer holds it (says which one, its process and since when).
    """
    try:
        import fcntl
    except ImportError:  # no POSIX locks (Windows): one writer is the marketer's to keep
        yield
        return
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    import time

    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            busy = (
                "another import is running"
                if held.startswith(("import", "demo"))
                else "another change is running"
            )
            raise WarehouseError(
                f"{busy} on {db} ({held}): wait for it to finish, then try again; nothing was changed"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file as we opened it: take the new one
    try:
        since = dt.datetime.now().isoformat(sep=" ", timespec="seconds")
        os.pwrite(fd, f"{what}, pid {os.getpid()}, since {since}".encode(), 0)
        remove_stale(db)
        yield
    finally:
        # removed while still held, so nobody can take a lock on a file that is going away
        with contextlib.suppress(OSError):
            path.unlink()
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(db: Path) -> list[Path]:
    """Remove partial files of writers of ``db`` whose process is gone; returns what was removed."""
    removed: list[Path] = []
    folder = db.parent
    if not folder.is_dir():
        return removed
    patterns = (f"{db.name}.importing-*", f".{db.name}.demo-*.tmp", f".{db.name}.demo-*.tmp.wal")
    for pattern in patterns:
        for p in folder.glob(pattern):
            pid = _pid_of(p.name)
            if pid is None or _alive(pid):
                continue
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def remove_stale_partials(path: Path) -> list[Path]:
    """Remove the hidden partial files of ``path`` (``.<name>.<pid>.tmp``) left by writers that died."""
    removed: list[Path] = []
    if not path.parent.is_dir():
        return removed
    for p in path.parent.glob(f".{path.name}.*.tmp"):
        digits = p.name[len(path.name) + 2 : -len(".tmp")]
        if digits.isdigit() and not _alive(int(digits)):
            with contextlib.suppress(OSError):
                p.unlink()
                removed.append(p)
    return removed


def owner_only(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (a partial file of PII)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


def discard(path: Path) -> None:
    """Remove a partial file if it is there; a path that cannot hold it is nothing to remove."""
    with contextlib.suppress(OSError):
        path.unlink()


def _pid_of(name: str) -> int | None:
    """The writer's pid in a partial file's name (``shop.duckdb.importing-123.wal`` -> 123)."""
    for marker in (".importing-", ".demo-"):
        if marker in name:
            digits = name.split(marker, 1)[1].split(".", 1)[0]
            return int(digits) if digits.isdigit() else None
    return None
