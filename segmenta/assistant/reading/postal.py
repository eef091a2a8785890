"""The recogniser of postal codes and their patterns, for any country's format: "CP 28001",
"cp que empiece con 06 o 04", "CP 46xxx", "postcode starts with M", "EH postcodes".
"""

from __future__ import annotations

import re

from segmenta.assistant import lexicon as L
from segmenta.assistant.plan import AttributeCondition
from segmenta.assistant.reading.base import Grammar
from segmenta.assistant.reading.words import known_word

# the start of a postal code written with letters: a UK area or district ("M", "EH", "SW1A", "BT7")
_POSTAL_PREFIX = re.compile(r"^[A-Za-z]{1,2}(?:[0-9]{1,2}[A-Za-z]?)?$")
_WILDCARD = re.compile(r"^[xX*_#]+$")
_NOT_CODES = frozenset(
    {"a", "o", "y", "e", "u", "i", "in", "on", "at", "of", "or", "an", "and", "the", "de", "en"}
)


class PostalWords(Grammar):
    """The postal-code recogniser."""

    def rx_postal(self, i: int) -> int:
        """Postal codes and their patterns: "CP 28001", "cp que empiece con 06 o 04", "CP 46xxx",
        "postcode starts with M", "EH postcodes" (a district prefix written before the word)."""
        s = self.s
        n = s.match(i, L.POSTAL_WORDS)
        if not n:
            m = s.match(i + 1, L.POSTAL_WORDS) if i + 1 < len(s) else 0
            if m and _POSTAL_PREFIX.match(s.words[i].raw) and s.words[i].raw.isupper():
                cond = AttributeCondition(
                    field="postal_code",
                    op="prefix",
                    values=[s.words[i].raw],
                    text=s.span_text(i, i + 1 + m),
                )
                return self.add(i, i + 1 + m, "cond", cond)
            return 0
        j = i + n
        end = j
        op = "in"
        values: list[str] = []
        while j < len(s):
            j = self.skip_filler(
                j,
                3,
                frozenset(
                    {
                        "que",
                        "de",
                        "en",
                        "in",
                        "with",
                        "that",
                        "o",
                        "or",
                        "y",
                        "and",
                        "por",
                        "con",
                        "a",
                        "is",
                        "es",
                    }
                ),
            )
            m = s.match(j, [p for p in L.PREFIX_WORDS if p != ("por",)])
            after_prefix = bool(m)
            if m:
                op = "prefix"
                j += m
                j = self.skip_filler(j, 2, frozenset({"por", "con", "by", "de", "with"}))
            if j >= len(s):
                break
            w = s.words[j]
            if w.raw.isdigit():
                values.append(w.raw)
                j += 1
                if j < len(s) and _WILDCARD.match(s.words[j].raw):  # "46xxx": the digits before the x's
                    op = "prefix"
                    j += 1
                end = j
                continue
            # letters: right after "starts with", or written in capitals; a list keeps to one kind
            letters_ok = not values or not values[0].isdigit()
            if (
                letters_ok
                and _POSTAL_PREFIX.match(w.raw)
                and (after_prefix or (w.raw.isupper() and (len(w.raw) <= 2 or not known_word(w.f))))
                and w.f not in _NOT_CODES
            ):
                values.append(w.raw.upper())
                op = "prefix"
                j += 1
                end = j
                continue
            break
        if not values:
            return 0
        if op == "in" and any(len(v) < 4 for v in values):
            op = "prefix"
        cond = AttributeCondition(field="postal_code", op=op, values=values, text=s.span_text(i, end))  # type: ignore[arg-type]
        return self.add(i, end, "cond", cond)
