"""Stage 1 of reading: chat typing spelled out, before any word is read.

Marketers type fast: ``q`` for *que*, ``x`` for *por*, ``ppl``, ``w/o``, ``b4``, ``who've``,
``6mo``, ``l30d``, ``ytd``, emoji and ``??`` at the end. This stage rewrites those forms into
the words the grammar reads, from the per-language table in ``data/chat.toml``, and says what it
rewrote (the answer's assumptions show it). It never touches a word the shop's catalog holds in
that place ("Xbox Series X" keeps its X: ``keep`` is asked about each word with its neighbours),
and never touches quoted text.

>>> normalise("ppl who've bought a tent l30d??", "en").text
'people who have bought a tent last 30 days??'
>>> normalise("clientes q pagaron x bizum 🙏", "es").text
'clientes que pagaron por bizum'
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

Keep = Callable[[str, str, str], bool]  # (previous word, word, next word), folded -> keep as typed

# "'s" is spelled out only after these (who's = who has / is); elsewhere it is a possessive
_S_PRONOUNS = frozenset(
    "who what that it he she there here where how anyone everyone someone somebody everybody anybody".split()
)
_QUOTED = re.compile(r"\"[^\"]+\"|“[^”]+”|«[^»]+»")
# a word as the abbreviation tables see it: letters/digits, with an inner or final "/" or "."
_WORD = re.compile(r"(?<![\w/&])([^\W_][\w]*(?:/[\w]*)?\.?|&)(?![\w/])")


@dataclass(frozen=True)
class Normalised:
    """The request with chat typing spelled out, and what was rewritten (``"q" -> "que"``)."""

    text: str
    changes: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    raw = resources.files("segmenta.assistant.reading").joinpath("data/chat.toml").read_text("utf-8")
    return tomllib.loads(raw)


def abbreviations(lang: str) -> dict[str, str]:
    """The texting abbreviations of one language (folded key -> expansion); a fresh copy."""
    return dict(_abbreviations(lang))


@lru_cache(maxsize=4)
def _abbreviations(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((k.casefold(), v) for k, v in _tables().get(lang, {}).get("abbreviations", {}).items())


def _is_emoji(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cs", "Co") or ch in "\u200d\ufe0f\ufe0e" or 0x1F000 <= ord(ch) <= 0x1FAFF


def strip_emoji(text: str) -> str:
    """Emoji, pictographs and their joiners removed; other symbols (€, £, %, +) kept.

    >>> strip_emoji("gente 🧩 q compra ☀️ £50+")
    'gente  q compra  £50+'
    """
    return "".join(" " if _is_emoji(ch) and ch not in "€£$%+°º" else ch for ch in text)


def _contractions(text: str) -> str:
    """English contractions spelled out (who've -> who have); can't / won't stay as typed."""
    table: dict[str, str] = _tables().get("en", {}).get("contractions", {})

    def one(m: re.Match[str]) -> str:
        word, tail = m.group(1), m.group(2).replace("’", "'").lower()
        if tail == "n't":
            if word.lower() in ("ca", "wo", "sha"):
                return m.group(0)
            return word + table["n't"]
        if tail == "'s" and word.lower() not in _S_PRONOUNS:
            return m.group(0)  # a possessive or a name: Levi's, Hill's, Children's
        return word + table.get(tail, tail)

    return re.sub(r"\b([A-Za-z]+?)(n['’]t|['’](?:ve|re|m|ll|d|s))\b", one, text)


def normalise(text: str, lang: str, keep: Keep | None = None) -> Normalised:
    """Spell out chat typing in ``text`` (a request in ``lang``, ``es`` or ``en``).

    Args:
        text: the request as typed.
        lang: its language; both languages' abbreviations are tried, this one's first.
        keep: asked with (previous, word, next), all folded, before a word is rewritten; True keeps
            it (the shop's catalog holds that word in that place).
    Returns:
        The rewritten text and the list of (as typed, read as) changes.
    """
    changes: list[tuple[str, str]] = []
    out = strip_emoji(text)
    # keep quoted text as typed: cut it out, rewrite the rest, put it back
    quoted: list[str] = []

    def hold(m: re.Match[str]) -> str:
        quoted.append(m.group(0))
        return f"\x00{len(quoted) - 1}\x00"

    out = _QUOTED.sub(hold, out)
    # a hyphen inside a compound reads as a space ("opt-in", "first-time", "in-store"): the catalog
    # is matched on folded text, where "Win-back" and "La Roche-Posay" fold the same way
    out = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", out)
    # a dash between spaces separates clauses ("churned customers - nothing ordered in 12 months")
    out = re.sub(r"(?<=[^\s\d])\s+[-–—]+\s+(?=\S)|(?<=\S)\s+[-–—]+\s+(?=[^\s\d])", ", ", out)
    if lang == "en" or re.search(r"[A-Za-z]['’](?:ve|re|s|ll|d|m)\b|n['’]t\b", out):
        spelled = _contractions(out)
        if spelled != out:
            changes.append(("'", "contractions"))
        out = spelled
    tables = _tables()
    phrases = {**tables.get(lang, {}).get("phrases", {}), **tables.get("all", {}).get("shorthands", {})}
    for pattern, repl in phrases.items():

        def sub(m: re.Match[str], repl: str = repl) -> str:
            new = m.expand(repl)
            if keep is not None and keep("", m.group(0).casefold(), ""):
                return m.group(0)
            changes.append((m.group(0), new))
            return new

        out = re.sub(pattern, sub, out, flags=re.IGNORECASE)
    # the request's own language first; the other's only where no word of this one looks the same
    # (Spanglish "ppl de madrid", but the Spanish "u" stays "or", never the English "you")
    other = abbreviations("en" if lang == "es" else "es")
    table = {k: v for k, v in other.items() if len(k) >= 3 or not k.isalpha()}
    table.update(abbreviations(lang))
    words = [(m.start(1), m.end(1), m.group(1)) for m in _WORD.finditer(out)]
    pieces: list[str] = []
    last = 0
    for k, (a, b, w) in enumerate(words):
        key = w.casefold()
        exp = table.get(key)
        if exp is None and key.endswith(".") and key[:-1] in table and len(key) > 2:
            exp = table[key[:-1]]
            w = w[:-1]
            b -= 1
        if exp is None:
            continue
        if w.isupper() and len(w) > 1 and key not in ("w/", "w/o", "b4"):
            continue  # "PQ", "TB": a code or a name typed in capitals, not chat typing
        prev = words[k - 1][2].casefold() if k else ""
        nxt = words[k + 1][2].casefold() if k + 1 < len(words) else ""
        if keep is not None and keep(prev, key.rstrip("."), nxt):
            continue
        if key in ("x", "n", "d", "k", "u") and not (prev and nxt):
            continue  # a lone letter at either end is no abbreviation ("Series X")
        if key == "x" and prev.isdigit() and nxt.isdigit():
            continue  # "3 x 2": a promotion, not "por"
        pieces.append(out[last:a])
        pieces.append(exp)
        changes.append((w, exp))
        last = b
    pieces.append(out[last:])
    out = "".join(pieces)
    out = re.sub(r"\x00(\d+)\x00", lambda m: quoted[int(m.group(1))], out)
    out = " ".join(out.split())
    return Normalised(out, changes)
