"""What segmenta builds from packaged data at every start, kept on disk for the next process.

A one-shot ``segmenta ask`` is a new process each time. Two things it builds dominate its start:
the glossary's index (every form of every concept stemmed) and the Spanish and English dictionaries
``simplemma`` decodes before its first lookup. Both depend only on packaged data and code, so they
are kept in the user's cache folder (``platformdirs``; ``SEGMENTA_CACHE_DIR`` overrides it), each
under a key that hashes everything it was built from: a change of data, code or library version is a
new key, never a stale value. Each warehouse's built catalog is kept here too
(``catalog._built_key``: one entry per warehouse, keyed by its import stamp and the code). The
cache is only a cache: a folder that cannot be written, or an entry that cannot be read, means
building again, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ENV_CACHE = "SEGMENTA_CACHE_DIR"
_T = TypeVar("_T")


def cache_dir() -> Path:
    """The folder the cache is kept in."""
    given = os.environ.get(ENV_CACHE)
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("segmenta", appauthor=False))


def key_of(*parts: str | bytes) -> str:
    """A short key for an entry built from ``parts`` (data, code, versions).

    >>> key_of("a", b"b") == key_of("a", b"b") != key_of("a", b"c")
    True
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:20]


def source_of(module_file: str) -> bytes:
    """The source of a module (its ``__file__``), for a key; empty when it cannot be read."""
    try:
        return Path(module_file).read_bytes()
    except OSError:
        return b""


def load(name: str, key: str) -> Any | None:
    """The entry ``name`` built under ``key``, or None when there is none (or it cannot be read)."""
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - our own file, written by ``save`` under our key
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None


def save(name: str, key: str, value: Any) -> None:
    """Keep ``value`` as entry ``name`` under ``key``, replacing older keys of the same name.

    Written to a temporary file and put in place in one step: a reader never sees half an entry.
    """
    folder = cache_dir()
    tmp = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=folder)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{name}-{key}.pickle")
        for old in folder.glob(f"{name}-*.pickle"):
            if old.name != f"{name}-{key}.pickle":
                with contextlib.suppress(OSError):
                    old.unlink()
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        # a folder that cannot be written, or a value that cannot be kept: the next process builds it
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def cached(name: str, key: str, build: Callable[[], _T]) -> _T:
    """The entry ``name`` under ``key``, built (and kept) when the cache does not have it."""
    value = load(name, key)
    if value is None:
        value = build()
        save(name, key, value)
    return value
