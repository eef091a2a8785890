"""Adding a shop word, one way for every door: ``segmenta vocab add``, ``ask N --continue
--remember`` and a request that says it ("recuerda 'tíos' = hombres para esta tienda").

A meaning is checked against the shop before it is written: one that segmenta cannot read over
this shop with nothing left unknown is refused with the words it did not know, so a shop word can
never hide a condition (``segmenta.warehouse.vocab``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from segmenta.assistant.text import fold
from segmenta.warehouse import vocab


@dataclass(frozen=True)
class Added:
    """A shop word written: its folded key, the meaning, what it meant before, and the file."""

    key: str
    meaning: str
    before: str | None
    path: Path
    bought: bool = False
    """Whether the meaning reads only as something bought (a product, category, brand)."""


def check_meaning(db: Path, word: str, meaning: str) -> bool:
    """Refuse a meaning segmenta cannot read over this shop (VocabError says which words).

    Returns whether it reads only as something bought ("compraron X").
    """
    from segmenta.assistant.parser import parse
    from segmenta.tools.engines import open_engine

    if vocab._key(word) == vocab._key(meaning):
        raise vocab.VocabError(f"'{word}' would mean itself: give what it stands for")
    with open_engine(db) as engine:
        saved = engine.saved_segment_names()
        result = parse(meaning, engine.catalog, saved_segments=saved)
        if result.unrecognized or result.clarifications or result.plan is None:
            # a product, category or brand: read as what was bought
            bought = parse(f"compraron {meaning}", engine.catalog, saved_segments=saved)
            if not (bought.unrecognized or bought.clarifications) and bought.plan is not None:
                return True
    unknown = list(dict.fromkeys([*result.unrecognized]))
    if unknown or result.clarifications or result.plan is None:
        said = ", ".join(f"'{u}'" for u in unknown) or f"'{meaning}'"
        raise vocab.VocabError(
            f"cannot add '{word}': its meaning '{meaning}' names nothing segmenta can read in this shop "
            f"({said}); say it with the shop's own values (a product, category, brand, place...)"
        )
    return False


def add_word(db: Path, word: str, meaning: str) -> Added:
    """Add (or change) a shop word after checking its meaning over the shop.

    Raises:
        VocabError: the word is empty, would mean itself, names nothing of the shop, or the shop
            has its limit of words already.
    """
    key, meaning = vocab._key(word), " ".join(meaning.split())
    if not key or not meaning:
        raise vocab.VocabError("a shop word needs the word and what it means: WORD MEANING")
    words = vocab.load(db)
    if len(words) >= vocab.MAX_WORDS and key not in words:
        raise vocab.VocabError(f"this shop has {vocab.MAX_WORDS} words already; remove some first")
    bought = check_meaning(db, word, meaning)
    before = words.get(key)
    words[key] = meaning
    path = vocab.save(db, words)
    return Added(key, meaning, before, path, bought)


_REMEMBER_VERBS = (
    "recuerda",
    "recuerdalo",
    "recordar",
    "recuerdame",
    "aprende",
    "apunta",
    "remember",
    "learn",
)
_REMEMBER = re.compile(
    r"^(?:(?:que|that) )?['\"‘’“”]?(?P<word>[^'\"‘’“”=:]+?)['\"‘’“”]?"
    r"\s*(?:=|:|\bes\b|\bson\b|\bsignifica\b|\bquiere decir\b|\bmeans\b|\bis\b|\bare\b|\bstands for\b)\s*"
    r"['\"‘’“”]?(?P<meaning>[^'\"‘’“”]+?)['\"‘’“”]?"
    r"(?:\s+(?:para|en) (?:esta|la) tienda|\s+(?:for|in) (?:this|the) (?:shop|store))?$",
    re.IGNORECASE,
)


def remember_language(text: str) -> str:
    """The language of a "remember" sentence, from its verb."""
    return "en" if fold(text.split()[0]) in ("remember", "learn") else "es"


def read_remember(text: str) -> tuple[str, str] | None:
    """The shop word a sentence asks to keep, as typed: "recuerda 'tíos' = hombres para esta
    tienda", "remember custs means customers". None for anything else.

    >>> read_remember("recuerda 'tíos' = hombres para esta tienda")
    ('tíos', 'hombres')
    >>> read_remember("Remember that PS5 means PlayStation 5.")
    ('PS5', 'PlayStation 5')
    >>> read_remember("mujeres de Madrid") is None
    True
    >>> read_remember("remember women in Madrid") is None
    True
    """
    raw = " ".join(text.strip().rstrip(".!").split())
    head, _, rest = raw.partition(" ")
    if fold(head) not in _REMEMBER_VERBS or not rest:
        return None
    m = _REMEMBER.match(rest)
    if not m:
        return None
    word, meaning = m.group("word").strip(), m.group("meaning").strip()
    return (word, meaning) if word and meaning else None


def request_again(asked: str | None, added: Added, said: str) -> str:
    """What to answer once a word is kept: the last question back, when it held the word (so the
    request it could not read is read now), or else the word itself (what it now stands for;
    "bought <word>" for a product), in the language of ``said``."""
    if asked and f" {fold(added.key)} " in f" {fold(asked)} ":
        return asked
    if added.bought:
        return ("bought " if remember_language(said) == "en" else "compraron ") + added.key
    return added.key


def kept_note(lang: str, word: str, meaning: str) -> str:
    """The assumption line that says a shop word was kept."""
    if lang == "es":
        return f"recordado para esta tienda: '{word}' = {meaning} (segmenta vocab list)"
    return f"remembered for this shop: '{word}' = {meaning} (segmenta vocab list)"
