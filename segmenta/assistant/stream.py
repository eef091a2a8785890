"""A request as a stream of words the grammar marks as it understands them.

The parser runs recognisers over the stream; each one claims the words it understood, so what no
recogniser claimed is exactly what the answer reports as unrecognised (a condition is never
silently dropped). Clause breaks (commas, semicolons, full stops) are kept as positions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from segmenta.assistant.lexicon import Pattern
from segmenta.assistant.text import Token, fold, tokenize

_BREAK_CHARS = frozenset(",;.!?¿¡:()[]{}")


@dataclass
class Word:
    """One word of the request: as typed, folded, and which recogniser claimed it."""

    raw: str
    f: str
    start: int
    end: int
    quoted: bool = False
    used: str | None = None


@dataclass
class Stream:
    """The words of a request, the clause breaks between them, and the base tokens for numbers."""

    text: str
    words: list[Word]
    tokens: list[Token]
    breaks: set[int] = field(default_factory=set)  # a break stands before word i

    @classmethod
    def of(cls, text: str) -> Stream:
        """Tokenise a request; punctuation between words becomes a clause break."""
        words: list[Word] = []
        tokens: list[Token] = []
        breaks: set[int] = set()
        toks = tokenize(text)
        for k, tok in enumerate(toks):
            if tok.kind == "punct":
                if tok.text in _BREAK_CHARS and not _abbreviation_dot(toks, k):
                    breaks.add(len(words))
                continue
            tokens.append(tok)
            words.append(Word(tok.text, tok.folded, tok.start, tok.end, tok.quoted))
        return cls(text, words, tokens, breaks)

    def __len__(self) -> int:
        return len(self.words)

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.words) and self.words[i].used is None

    def claim(self, i: int, j: int, by: str) -> None:
        for k in range(i, j):
            self.words[k].used = by

    def span_text(self, i: int, j: int) -> str:
        """The request's own text from word i to word j (exclusive)."""
        if i >= j:
            return ""
        return self.text[self.words[i].start : self.words[j - 1].end]

    def match(self, i: int, pats: Iterable[Pattern], *, fuzzy: bool = True, free_only: bool = True) -> int:
        """The number of words a pattern matches at word i (longest pattern first), 0 when none.

        A pattern word ending in ``*`` matches any word with that prefix; words of 6+ letters also
        match with a typo (rapidfuzz ratio >= 86). A pattern never crosses a clause break.
        """
        words, breaks = self.words, self.breaks
        if i >= len(words) or (free_only and words[i].used):
            return 0
        first = words[i].f
        for pat in pats:
            n = len(pat)
            if i + n > len(words) or not word_matches(first, pat[0], fuzzy):
                continue
            if n == 1:
                return 1
            if any(i + k in breaks for k in range(1, n)):
                continue
            if free_only and any(words[i + k].used for k in range(1, n)):
                continue
            if all(word_matches(words[i + k].f, pat[k], fuzzy) for k in range(1, n)):
                return n
        return 0

    def find(
        self, pats: Iterable[Pattern], start: int = 0, stop: int | None = None
    ) -> tuple[int, int] | None:
        """The first free position in [start, stop) where a pattern matches, with its length."""
        plist = list(pats)
        for i in range(start, len(self.words) if stop is None else min(stop, len(self.words))):
            n = self.match(i, plist)
            if n:
                return i, n
        return None

    def clause_end(self, i: int) -> int:
        """The index of the next clause break at or after word i (or the end)."""
        for k in range(i + 1, len(self.words) + 1):
            if k in self.breaks:
                return k
        return len(self.words)


def _abbreviation_dot(toks: list[Token], k: int) -> bool:
    """A full stop that closes an abbreviation, not a clause: "Co. Cork", "St. Albans", "Av. Diagonal"
    (right after a word of at most three letters, with a word right after it), or a dot or colon
    inside a name ("Vaktro.Garpel")."""
    if toks[k].text not in ".:" or k == 0 or k + 1 >= len(toks):
        return False
    prev, nxt = toks[k - 1], toks[k + 1]
    if prev.end == toks[k].start and nxt.start == toks[k].end and prev.kind == nxt.kind == "word":
        return True  # inside a name: "Vaktro.Garpel", "Dr.Martens"
    return toks[k].text == "." and (
        prev.kind == "word"
        and prev.end == toks[k].start
        and 1 < len(prev.text) <= 3
        and prev.text.isalpha()
        and nxt.kind in ("word", "quoted")
        and nxt.start > toks[k].end
    )


@lru_cache(maxsize=200_000)
@lru_cache(maxsize=1 << 16)
def word_matches(word: str, pat: str, fuzzy: bool = True) -> bool:
    """Whether a folded word matches one pattern word.

    >>> word_matches("compraron", "compr*"), word_matches("conpraron", "compraron")
    (True, True)
    >>> word_matches("men", "mens"), word_matches("rfm", "rfm")
    (False, True)
    """
    if pat.endswith("*"):
        stem = pat[:-1]
        if word.startswith(stem):
            return True
        return (
            fuzzy and len(stem) >= 5 and len(word) >= len(stem) and fuzz.ratio(word[: len(stem)], stem) >= 80
        )
    if word == pat:
        return True
    return fuzzy and len(pat) >= 6 and len(word) >= 6 and fuzz.ratio(word, pat) >= 86


def folded(text: str) -> str:
    return fold(text)
