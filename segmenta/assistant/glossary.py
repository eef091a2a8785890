"""The bilingual e-commerce glossary: Spanish and English words for the same thing.

A marketer writes "botas de fútbol" about a shop whose catalog says ``Football / Boots``, or
"shoes" about one that says ``Zapatillas``; catalog linking bridges the two languages through
this glossary. It holds general vocabulary of the verticals segmenta serves (footwear, fashion,
sports, electronics, food and drink, pharmacy and cosmetics, pet supplies, books and music), the
generic commerce words (product, brand, store, coupon, payment methods...) and the names of
lifecycle messages ("bienvenida" = "welcome"), built from general knowledge and never from one
shop's catalog. The data lives in ``glossary.json`` (one concept per line,
``"spanish forms = english forms @code"``), read once and indexed by folded words and by stems,
so plural and singular, accents and case all find the same concept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from segmenta.assistant.text import STOPWORDS_EN, STOPWORDS_ES, fold, stem
from segmenta.errors import SegmentaError

Lang = Literal["es", "en"]
_STOP = STOPWORDS_ES | STOPWORDS_EN
_MAX_WORDS = 6


class GlossaryError(SegmentaError):
    """The packaged glossary.json is missing or has a line that is not ``es forms = en forms``."""

    title = "Glossary"


@dataclass(frozen=True)
class Concept:
    """One thing named in both languages: its forms as written and, for warehouse codes, the code."""

    vertical: str
    es: tuple[str, ...]
    en: tuple[str, ...]
    code: str | None = None

    def forms(self) -> tuple[str, ...]:
        """Every form of the concept as written, Spanish first (plurals are matched by stem)."""
        return tuple(dict.fromkeys((*self.es, *self.en)))


def content_words(phrase: str) -> tuple[str, ...]:
    """The folded words of a phrase without stop words (all of them when every word is one).

    >>> content_words("Tarjeta de Crédito")
    ('tarjeta', 'credito')
    >>> content_words("de")
    ('de',)
    """
    words = fold(phrase).split()
    kept = tuple(w for w in words if w not in _STOP)
    return kept or tuple(words)


def pluralize(form: str, lang: Lang) -> str:
    """The regular plural of a form: the first word in Spanish, the last word in English.

    >>> pluralize("tarjeta de crédito", "es"), pluralize("camión", "es"), pluralize("luz", "es")
    ('tarjetas de crédito', 'camiones', 'luces')
    >>> pluralize("credit card", "en"), pluralize("battery", "en"), pluralize("box", "en")
    ('credit cards', 'batteries', 'boxes')
    """
    words = form.split()
    if not words:
        return form
    k = 0 if lang == "es" else len(words) - 1
    w = words[k]
    low = w.lower()
    if lang == "es":
        if low.endswith(("s", "x")) or not low[-1:].isalpha():
            plural = w
        elif low[-1] in "aeiouáéó":
            plural = w + "s"
        elif low.endswith("z"):
            plural = w[:-1] + "ces"
        else:
            plural = fold(w[:-2] + w[-2:]) + "es" if low.endswith(("ón", "án", "és", "ín")) else w + "es"
    elif low.endswith(("s", "x", "ch", "sh", "z")):
        plural = w if low.endswith("s") else w + "es"
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        plural = w[:-1] + "ies"
    else:
        plural = w + "s"
    words[k] = plural
    return " ".join(words)


def _stem_key(words: tuple[str, ...], lang: Lang) -> tuple[str, ...]:
    return tuple(stem(w, lang) for w in words)


def _parse_line(vertical: str, line: str) -> Concept:
    code = None
    body = line
    if " @" in line:
        body, code = line.rsplit(" @", 1)
        code = code.strip()
    if body.count(" = ") != 1:
        raise GlossaryError(f"glossary.json, vertical {vertical}: {line!r} is not 'es forms = en forms'")
    es_part, en_part = body.split(" = ")
    es = tuple(f.strip() for f in es_part.split(",") if f.strip())
    en = tuple(f.strip() for f in en_part.split(",") if f.strip())
    if not es or not en:
        raise GlossaryError(f"glossary.json, vertical {vertical}: {line!r} lacks Spanish or English forms")
    return Concept(vertical, es, en, code or None)


class _Index:
    """Concepts by the folded words of each form and by their stems in the form's language."""

    def __init__(
        self, concepts: tuple[Concept, ...], by_key: dict[tuple[str, ...], set[int]] | None = None
    ) -> None:
        self.concepts = concepts
        self.by_key = by_key if by_key is not None else _keys(concepts)

    def find(self, phrase: str) -> list[Concept]:
        words = content_words(phrase)
        if not words or len(words) > _MAX_WORDS:
            return []
        hits: set[int] = set()
        for key in (("f", *words), ("es", *_stem_key(words, "es")), ("en", *_stem_key(words, "en"))):
            hits |= self.by_key.get(key, set())
        return [self.concepts[k] for k in sorted(hits)]


def _keys(concepts: tuple[Concept, ...]) -> dict[tuple[str, ...], set[int]]:
    """Each concept under the folded words of each form and their stems in the form's language."""
    by_key: dict[tuple[str, ...], set[int]] = {}
    langs: tuple[Lang, Lang] = ("es", "en")
    for k, concept in enumerate(concepts):
        for lang in langs:
            for form in concept.es if lang == "es" else concept.en:
                # the plural is indexed too: Snowball stems some singulars and plurals apart
                for variant in (form, pluralize(form, lang)):
                    words = content_words(variant)
                    by_key.setdefault(("f", *words), set()).add(k)
                    by_key.setdefault((lang, *_stem_key(words, lang)), set()).add(k)
    return by_key


@lru_cache(maxsize=1)
def _index() -> _Index:
    try:
        raw = resources.files("segmenta.assistant").joinpath("glossary.json").read_text(encoding="utf-8")
    except OSError as e:
        raise GlossaryError(f"cannot read the packaged glossary.json: {e}") from e

    def build() -> tuple[tuple[Concept, ...], dict[tuple[str, ...], set[int]]]:
        try:
            data = json.loads(raw)
        except ValueError as e:
            raise GlossaryError(f"cannot read the packaged glossary.json: {e}") from e
        concepts = tuple(
            _parse_line(vertical, line) for vertical, lines in data["verticals"].items() for line in lines
        )
        return concepts, _keys(concepts)

    # stemming every form takes half a second, parsing them a few milliseconds more: the concepts
    # and their index are kept on disk under the data, the code and the stemmer (``diskcache``)
    from segmenta import diskcache
    from segmenta.assistant import text

    key = diskcache.key_of(raw, diskcache.source_of(__file__), text.stemming_fingerprint())
    concepts, by_key = diskcache.cached("glossary", key, build)
    return _Index(concepts, by_key)


def concepts() -> tuple[Concept, ...]:
    """Every concept of the glossary, in file order."""
    return _index().concepts


def lookup(word_or_phrase: str, lang: Lang = "es") -> list[Concept]:
    """The concepts that have the phrase as one of their forms (accents, case and plurals ignored).

    ``lang`` is the request's language; both languages are searched, since marketers mix them.
    """
    del lang  # both stemmers are tried: "shoes" in a Spanish request is still English
    return _index().find(word_or_phrase)


@lru_cache(maxsize=4096)
def _translations(phrase: str) -> frozenset[str]:
    return frozenset(f for concept in _index().find(phrase) for f in concept.forms())


def translations(word_or_phrase: str, lang: Lang = "es") -> set[str]:
    """Every form, in both languages, of the concepts the phrase names; empty when it names none.

    >>> sorted(translations("natación"))
    ['nadar', 'natación', 'swim', 'swimming']
    """
    del lang
    return set(_translations(word_or_phrase))


def codes(word_or_phrase: str, lang: Lang = "es") -> set[str]:
    """The warehouse codes (``credit_card``, ``online``...) of the concepts the phrase names."""
    return {c.code for c in lookup(word_or_phrase, lang) if c.code}
