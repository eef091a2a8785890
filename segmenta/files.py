"""Files segmenta writes for the marketer never replace one without being told to.

Every file (audience CSVs, report CSV and Excel files, charts) is written to a temporary file
beside its place and then put there in one step. ``put`` puts it there only if nothing is there
yet (a hard link, which the system refuses when the name exists, so two writers cannot both
think they won), unless ``force`` says to replace it. ``default_name`` gives a name that says
what the file holds and when it was made, so a second export of the day is a second file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from segmenta.errors import ExportError, say


def exists_message(path: Path) -> str:
    """The one line for a file in the way."""
    return say(
        f"{path} already exists: nothing was written; choose another name, or add --force to replace it",
        f"{path} ya existe: no escribí nada; elige otro nombre, o añade --force para reemplazarlo",
    )


def check_writable(path: Path, *, force: bool) -> None:
    """Refuse, before any work, a path that is a folder, or a file already there without ``force``.

    Raises:
        ExportError: one line naming the path and what to do.
    """
    if path.is_dir():
        raise ExportError(
            say(f"cannot write {path}: it is a folder", f"no puedo escribir {path}: es una carpeta")
        )
    if path.exists() and not force:
        raise ExportError(exists_message(path))


def put(tmp: Path, path: Path, *, force: bool) -> None:
    """Move the finished ``tmp`` to ``path``; refuse when ``path`` exists unless ``force``.

    Raises:
        ExportError: ``path`` exists and ``force`` is not set (``tmp`` is left for the caller).
        OSError: the system refused the move.
    """
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ExportError(exists_message(path)) from None
    except OSError:  # a file system without hard links: the check, then the move
        if path.exists():
            raise ExportError(exists_message(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def slug(text: str, limit: int = 40) -> str:
    """A name for a file from free text: lower-case letters and digits joined by dashes.

    >>> slug("VIP Madrid (élite) 2026!")
    'vip-madrid-elite-2026'
    >>> slug("   ")
    ''
    """
    from unidecode import unidecode

    words = re.findall(r"[a-z0-9]+", unidecode(text).lower())
    out = ""
    for w in words:
        nxt = f"{out}-{w}" if out else w
        if len(nxt) > limit:
            break
        out = nxt
    return out or (words[0][:limit] if words else "")


def default_name(
    folder: Path, kind: str, what: str, as_of: dt.date, suffix: str, now: dt.datetime | None = None
) -> Path:
    """``segmenta-<kind>-<what>-<as_of>-<HHMMSS><suffix>`` in ``folder``, never a name already there.

    >>> default_name(Path("/nowhere"), "meta", "VIP Madrid", dt.date(2026, 6, 30), ".csv",
    ...              dt.datetime(2026, 7, 1, 9, 5, 7)).name
    'segmenta-meta-vip-madrid-2026-06-30-090507.csv'
    """
    stamp = (now or dt.datetime.now()).strftime("%H%M%S")
    parts = ["segmenta", kind, slug(what), as_of.isoformat(), stamp]
    stem = "-".join(p for p in parts if p)
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path
