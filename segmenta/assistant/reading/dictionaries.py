"""simplemma's Spanish and English dictionaries, read from an indexed file instead of decoded whole.

simplemma keeps each language's dictionary front-coded: before its first lookup a process decodes
all of it (about 1.3 s for Spanish and English), which a one-shot ``segmenta ask`` paid whenever a
request held a word no earlier process had looked up. Here the decoded dictionary is written once
to a SQLite file in segmenta's cache folder (``diskcache``), keyed by simplemma's version, and
every later process looks words up in it one by one (microseconds each, nothing to decode).

``SqliteDictionaries`` is a simplemma ``DictionaryFactory``: simplemma's own strategies (lookup,
affixes, rules) run over it unchanged, so every lemma is the one simplemma gives. When the cache
folder cannot be written, the dictionaries are decoded in memory as before: a cache, never an error.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from segmenta import diskcache

_LANGS = ("es", "en")


class _Table(Mapping[str, str]):
    """One language's dictionary as a read-only mapping over a SQLite table."""

    def __init__(self, con: sqlite3.Connection, lang: str, lock: threading.Lock) -> None:
        self._con, self._lang, self._lock = con, lang, lock
        self._sql = f"SELECT v FROM {lang} WHERE k = ?"

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._con.execute(self._sql, (key,)).fetchone()
        return row[0] if row is not None else default

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return str(value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            keys = [r[0] for r in self._con.execute(f"SELECT k FROM {self._lang}")]
        return iter(keys)

    def __len__(self) -> int:
        with self._lock:
            return int(self._con.execute(f"SELECT count(*) FROM {self._lang}").fetchone()[0])


def _path() -> Path:
    from importlib.metadata import version

    key = diskcache.key_of("simplemma", version("simplemma"), "1")
    return diskcache.cache_dir() / f"simplemma-{key}.sqlite"


def _build(path: Path) -> None:
    """Decode both dictionaries with simplemma's own factory and write them to ``path`` in one step."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".simplemma-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode = OFF")  # a new file put in place whole: no journal needed
            con.execute("PRAGMA synchronous = OFF")
            for lang in _LANGS:
                d = factory.get_dictionary(lang)
                con.execute(f"CREATE TABLE {lang} (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
                con.executemany(f"INSERT INTO {lang} VALUES (?, ?)", ((k, d[k]) for k in d))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
        for old in path.parent.glob("simplemma-*.sqlite"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


class SqliteDictionaries:
    """A simplemma ``DictionaryFactory`` over the cached SQLite file (built on first use)."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            _build(path)
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # the chat looks words up from worker threads
        self._tables = {lang: _Table(self._con, lang, self._lock) for lang in _LANGS}

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        if lang not in self._tables:
            raise ValueError(f"Unsupported language: {lang}")
        return self._tables[lang]


@lru_cache(maxsize=1)
def factory() -> Any:
    """The dictionaries simplemma reads: the cached file, or simplemma's own when it cannot be made."""
    try:
        return SqliteDictionaries(_path())
    except (OSError, sqlite3.Error):
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        return DefaultDictionaryFactory()


@lru_cache(maxsize=1)
def lemmatizer() -> Any:
    """simplemma's ``Lemmatizer`` with its default strategy over ``factory()``."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory()))


@lru_cache(maxsize=1)
def _lookup() -> Any:
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(factory())


def lemmatize(word: str, lang: str) -> str:
    """``simplemma.lemmatize(word, lang=lang)``, over the cached dictionaries.

    >>> lemmatize("compraron", "es"), lemmatize("pulled", "en")
    ('comprar', 'pull')
    """
    return str(lemmatizer().lemmatize(word, lang))


def is_known(word: str, lang: str) -> bool:
    """``simplemma.is_known(word, lang=lang)``: the word (NFC) is a dictionary entry, in any case.

    >>> is_known("compared", "en"), is_known("conpraron", "es")
    (True, False)
    """
    import unicodedata

    return _lookup().get_lemma(unicodedata.normalize("NFC", word), lang) is not None
