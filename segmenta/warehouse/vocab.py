"""A shop's own words: "PS5" = PlayStation 5, "tíos" = hombres, "libros" = Novela o Infantil.

They are kept in ``<warehouse stem>.vocab.toml`` beside the warehouse, one ``word = "meaning"`` a
line under ``[words]``, and applied before anything else reads the request: each shop word, said
as a whole word (case and accents ignored), is replaced by its meaning, and the answer says so
("palabra de la tienda: 'ps5' = PlayStation 5"). A meaning is accepted only when segmenta reads it
over this shop with nothing left unknown, so a shop word can never hide a condition.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from segmenta.assistant.text import fold
from segmenta.errors import SegmentaError

MAX_WORDS = 500  # a vocabulary is a shop's handful of words, not a second glossary


class VocabError(SegmentaError):
    """A shop word that cannot be added, removed or read (what and where)."""


def vocab_path(db: Path) -> Path:
    """The file beside a warehouse that keeps its shop words."""
    return db.with_name(db.stem + ".vocab.toml")


def _key(word: str) -> str:
    return " ".join(fold(word).split())


def load(db: Path) -> dict[str, str]:
    """The shop words of a warehouse (folded word -> meaning); none when there is no file.

    Raises:
        VocabError: the file is there but is not valid TOML, with the line it stopped at.
    """
    path = vocab_path(db)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise VocabError(f"cannot read the shop words in {path}: {e}") from e
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise VocabError(f'{path}: [words] must be a table of word = "meaning" lines')
    return {_key(k): str(v) for k, v in words.items() if _key(k) and str(v).strip()}


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save(db: Path, words: dict[str, str]) -> Path:
    """Write the shop words (sorted) beside the warehouse."""
    path = vocab_path(db)
    lines = [
        "# Shop words of this warehouse: each is read as its meaning (segmenta vocab add / remove).",
        "[words]",
        *(f"{_toml_string(k)} = {_toml_string(v)}" for k, v in sorted(words.items())),
    ]
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise VocabError(f"cannot write the shop words to {path}: {e}") from e
    return path


@dataclass(frozen=True)
class Applied:
    """The request with the shop words replaced, and which were."""

    text: str
    used: list[tuple[str, str]]


def apply(text: str, words: dict[str, str]) -> Applied:
    """Replace every shop word said as a whole word (case and accents ignored), longest first."""
    used: list[tuple[str, str]] = []
    out = text
    for word in sorted(words, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        folded = fold(out)
        # fold keeps one character per character here, so a match in it is a match in the text
        source = folded if len(folded) == len(out) else out
        spans = [m.span() for m in pattern.finditer(source)]
        if not spans:
            continue
        for a, b in reversed(spans):
            out = out[:a] + words[word] + out[b:]
        used.append((word, words[word]))
    return Applied(out, used)
