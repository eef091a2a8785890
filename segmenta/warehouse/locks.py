"""One writer of a warehouse at a time, and no leftovers of writers that died.

An import or a demo build takes ``<warehouse>.write.lock`` (an OS lock, released by the system when
the process ends, however it ends); a second one is refused with who holds it and since when. With
the lock held, the partial files of earlier writers that were killed (``*.importing-<pid>``, their
``.wal``, ``.*.demo-<pid>.tmp``) are removed: no live writer can own them.

``open_retrying`` opens a DuckDB file another process may hold for a moment (a save), waiting
briefly, and says who may hold it when it stays locked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

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


LOCK_WAIT_S = 5.0
"""How long opening a warehouse waits for another segmenta's short write (a save) to end."""


def open_retrying(db: Path, *, read_only: bool, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, waiting up to ``wait`` seconds while another process holds it.

    Saves are short transactions, so a reader or a writer that meets one tries again a few times;
    when the file stays locked, the message says who may hold it, never DuckDB's raw lock text.

    Raises:
        WarehouseError: the file is still locked after ``wait``, or cannot be opened at all.
    """
    import time

    wait = LOCK_WAIT_S if wait is None else wait
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise WarehouseError(f"cannot open the warehouse {db}: {_first_line(e)}") from e
            if time.monotonic() >= deadline:
                doing = "read" if read_only else "write to"
                raise WarehouseError(
                    f"cannot {doing} the warehouse {db}: another segmenta is "
                    + (
                        "writing to it (a save or an import)"
                        if read_only
                        else "using it (the chat, or an ask still running)"
                    )
                    + f" and kept it for {wait:g} s: close it or wait, then try again; nothing was changed"
                ) from e
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        except duckdb.Error as e:
            raise WarehouseError(f"cannot open the warehouse {db}: {_first_line(e)}") from e


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
