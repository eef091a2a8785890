"""Stage 2 of reading: which words carry nothing, and which are operators that never can be dropped.

A word no recogniser and no catalog value used ends in one of two places:

* **ignored** (shown to the marketer as "ignoré: …"): a function word of the request's language
  (the maintained stop-word lists of the ``stop-words`` package for Spanish and ``stopwords``
  for English), a discourse marker or politeness ("a ver", "porfa", "basically", "right now"),
  or a verb that frames the request ("sácame", "could you pull", "I need"), found by its lemma
  (``simplemma``) so every form counts;
* **asked about**: anything else, and always an **operator word** (negation, only, also, again,
  or, except, comparisons and their symbols, between, per, versus, same, then): a closed list in
  ``data/words.toml``. Reading a request without one of those would answer another question.

>>> is_filler("porfa", "es"), is_filler("the", "en"), is_filler("solo", "es"), is_filler("boots", "en")
(True, True, False, False)
>>> operator_class("nunca"), operator_class("also"), operator_class("zapatillas")
('negation', 'also', None)
"""

from __future__ import annotations

import atexit
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from segmenta.assistant.text import fold


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    raw = resources.files("segmenta.assistant.reading").joinpath("data/words.toml").read_text("utf-8")
    return tomllib.loads(raw)


@lru_cache(maxsize=1)
def operators() -> dict[str, str]:
    """Every operator word or phrase (folded) -> its class (``negation``, ``only``, ...)."""
    out: dict[str, str] = {}
    for cls, words in _data()["operators"].items():
        for w in words:
            out[w if not w.isalnum() and len(w) <= 2 else fold(w)] = cls
    return out


def operator_class(word: str) -> str | None:
    """The operator class of a folded word or phrase, None when it is no operator."""
    return operators().get(word)


@lru_cache(maxsize=2)
def stop_words(lang: str) -> frozenset[str]:
    """The maintained function-word list of a language, folded, less the operator and content words."""
    words: set[str] = set()
    try:
        if lang == "es":
            from stop_words import get_stop_words

            words.update(fold(w) for w in get_stop_words("es"))
        else:
            import stopwords as _sw

            words.update(fold(w) for w in _sw.get_stopwords("english"))
    except Exception:  # pragma: no cover - a missing list leaves only our own words
        pass
    from segmenta.assistant.text import STOPWORDS_EN, STOPWORDS_ES

    words |= STOPWORDS_ES if lang == "es" else STOPWORDS_EN
    words = {w.replace(" ", "") for w in words if w}
    content = {fold(w) for w in _data()[lang]["content"]}
    return frozenset(w for w in words if w not in operators() and w not in content)


@lru_cache(maxsize=2)
def discourse(lang: str) -> tuple[tuple[str, ...], ...]:
    """The discourse phrases of a language, as word tuples, longest first."""
    phrases = {tuple(fold(p).split()) for p in _data()[lang]["discourse"]}
    return tuple(sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=2)
def reason_openers(lang: str) -> tuple[tuple[str, ...], ...]:
    """Words that open a reason clause ("porque", "so that"), as word tuples, longest first."""
    phrases = {tuple(fold(p).split()) for p in _data()[lang].get("reason_openers", [])}
    return tuple(sorted(phrases, key=len, reverse=True))


def is_reason_verb(word: str, lang: str) -> bool:
    """A verb of sending, offering or wanting, in any form, that makes a clause the request's reason."""
    lemmas = {fold(w) for w in _data()[lang].get("reason_lemmas", [])}
    if word in lemmas or lemma(word, lang) in lemmas:
        return True
    base = _clitic_base(word) if lang == "es" else word
    return base != word and (lemma(base, lang) in lemmas or lemma(base + "r", lang) in lemmas)


@lru_cache(maxsize=2)
def _request_lemmas(lang: str) -> frozenset[str]:
    return frozenset(fold(w) for w in _data()[lang]["request_lemmas"])


class _Lookups:
    """simplemma's answers already given, kept on disk (``diskcache``) for the next process.

    simplemma decodes a language's whole dictionary before its first lookup (0.8 s for Spanish):
    a one-shot ``ask`` of words asked before loads none. Keyed by simplemma's version, so a new
    version answers afresh; written once, when the process ends, if it learnt a word.
    """

    def __init__(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        from segmenta import diskcache

        try:
            self.key = diskcache.key_of("simplemma", version("simplemma"))
        except PackageNotFoundError:  # pragma: no cover - no simplemma: nothing to keep
            self.key = ""
        kept = diskcache.load("simplemma-lookups", self.key) if self.key else None
        self.answers: dict[tuple[str, str, str], Any] = kept if isinstance(kept, dict) else {}
        self.learnt = False
        atexit.register(self.keep)

    LIMIT = 200_000
    """The most answers kept (a few MB): past it, new words are answered but not kept."""

    def get(self, kind: str, word: str, lang: str, ask: Any) -> Any:
        key = (kind, lang, word)
        if key in self.answers:
            return self.answers[key]
        answer = ask()
        if len(self.answers) < self.LIMIT:
            self.answers[key] = answer
            self.learnt = True
        return answer

    def keep(self) -> None:
        if self.learnt and self.key:
            from segmenta import diskcache

            diskcache.save("simplemma-lookups", self.key, self.answers)
            self.learnt = False


@lru_cache(maxsize=1)
def _lookups() -> _Lookups:
    return _Lookups()


def _simplemma() -> Any:
    """simplemma over the cached dictionaries (``dictionaries``), imported when a lookup is not
    already known (its import alone takes 0.1 s)."""
    from segmenta.assistant.reading import dictionaries

    return dictionaries


@lru_cache(maxsize=50_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of a folded word (simplemma), the word itself when none is known.

    >>> lemma("pulled", "en"), lemma("compraron", "es")
    ('pull', 'comprar')
    """
    try:
        return fold(_lookups().get("lemma", word, lang, lambda: _simplemma().lemmatize(word, lang)))
    except Exception:  # pragma: no cover - no lemmatiser: the word as typed
        return word


@lru_cache(maxsize=50_000)
def known_word(word: str) -> bool:
    """Whether a folded word is a word of Spanish or English as it stands (simplemma's dictionaries):
    such a word is never read as a typo of another ("compared" is no "compraron", "pagina" no "pagar").

    >>> known_word("compared"), known_word("pagina"), known_word("conpraron")
    (True, True, False)
    """
    try:
        known = _lookups()
        return bool(
            known.get("known", word, "es", lambda: _simplemma().is_known(word, "es"))
            or known.get("known", word, "en", lambda: _simplemma().is_known(word, "en"))
        )
    except Exception:  # pragma: no cover - no dictionary: typos allowed as before
        return False


def _clitic_base(word: str) -> str:
    """A Spanish imperative with its pronouns (sácame, pásamelos, dime) -> the verb's infinitive guess."""
    for clitic in ("melos", "melas", "noslos", "selos", "me", "nos", "los", "las", "les", "lo", "la", "le"):
        if word.endswith(clitic) and len(word) > len(clitic) + 2:
            return word[: -len(clitic)]
    return word


@lru_cache(maxsize=50_000)
def is_filler(word: str, lang: str) -> bool:
    """Whether a folded word carries no condition in a request of this language.

    Operator words never are; a stop word of either language is (requests mix them); so is a
    discourse word or a request verb in any of its forms.
    """
    if not word or operator_class(word) is not None or any(ch.isdigit() for ch in word):
        return False
    for lg in (lang, "en" if lang == "es" else "es"):
        if word in stop_words(lg):
            return True
    if any(p == (word,) for lg in (lang, "en" if lang == "es" else "es") for p in discourse(lg)):
        return True  # Spanglish: "still tienen email", "pa la promo"
    lemmas = _request_lemmas(lang)
    if lemma(word, lang) in lemmas:
        return True
    if lang == "es":
        base = _clitic_base(word)
        if base != word and (lemma(base, lang) in lemmas or lemma(base + "r", lang) in lemmas):
            return True
    return False
