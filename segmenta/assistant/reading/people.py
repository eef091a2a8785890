"""Recognisers of who the contacts are: consent per channel, companies, languages, the question
(list or count), the audience word (customers, buyers), genders and age decades.
"""

from __future__ import annotations

import re

from segmenta.assistant import lexicon as L
from segmenta.assistant.plan import (
    AttributeCondition,
    Compare,
    MetricCondition,
    Not,
    PurchaseCondition,
)
from segmenta.assistant.reading.base import (
    Grammar,
)
from segmenta.assistant.reading.pieces import Item


class PeopleWords(Grammar):
    """Recognisers of who the contacts are: consent per channel, companies, languages, the question."""

    def rx_consent(self, i: int) -> int:
        s = self.s
        end = s.clause_end(i)
        # channel first ("email subscribers", "push notifications enabled") or consent first
        for first in ("channel", "consent"):
            if first == "channel":
                ch = self._consent_channel(i)
                if not ch:
                    continue
                field_, n = ch
                j = self.skip_filler(
                    i + n,
                    3,
                    frozenset(
                        {"de", "del", "a", "al", "the", "to", "are", "is", "con", "with", "estan", "that"}
                    ),
                )
                m = s.match(j, L.CONSENT_WORDS) if j < end else 0
                if not m:
                    continue
                return self._consent(i, j + m, field_)
            n = s.match(i, L.CONSENT_WORDS)
            if not n or s.words[i].f in ("on", "alta"):
                continue
            j = self.skip_filler(
                i + n,
                4,
                frozenset(
                    {
                        "de",
                        "del",
                        "a",
                        "al",
                        "the",
                        "to",
                        "para",
                        "for",
                        "in",
                        "en",
                        "con",
                        "with",
                        "our",
                        "nuestro",
                        "nuestra",
                        "nuestros",
                        "nuestras",
                        "los",
                        "las",
                        "la",
                        "el",
                    }
                ),
            )
            ch = self._consent_channel(j) if j < end else None
            if not ch:
                continue
            return self._consent(i, j + ch[1], ch[0])
        return 0

    def _consent_channel(self, i: int) -> tuple[str, int] | None:
        for field_, pats in L.CONSENT_CHANNEL.items():
            n = self.s.match(i, pats)
            if n:
                return field_, n
        return None

    def _consent(self, i: int, j: int, field_: str) -> int:
        negated = self._negated_before(i)
        w = " ".join(x.f for x in self.s.words[i:j])
        if w.startswith(("unsubscri", "desuscri")) or " unsubscri" in w:
            negated = not negated
        op = "is_false" if negated else "is_true"
        start = self._neg_start(i) if negated else i
        self.s.claim(start, i, "neg")
        return self.add(
            start,
            j,
            "cond",
            AttributeCondition(field=field_, op=op, text=self.s.span_text(start, j)),  # type: ignore[arg-type]
        )

    def _negated_before(self, i: int) -> bool:
        """Whether a negation ("no", "not", "sin", "without") stands just before word i; it is consumed."""
        k = i - 1
        while (
            k >= 0
            and self.s.free(k)
            and self.s.words[k].f
            in ("que", "who", "are", "son", "estan", "is", "esten", "sean", "the", "de", "with", "con")
        ):
            k -= 1
        if k < 0:
            return False
        if self.s.free(k) and (self.s.match(k, L.NEGATORS) or self.s.match(k, L.WITHOUT)):
            return True
        for it in list(self.items):
            if it.kind in ("neg", "without") and it.end == k + 1:
                self.items.remove(it)
                self.s.claim(it.pos, it.end, "neg")
                return True
        return False

    def _neg_start(self, i: int) -> int:
        k = i - 1
        while k >= 0 and (self.s.free(k) or self.s.words[k].used == "neg"):
            if self.s.match(k, L.NEGATORS, free_only=False) or self.s.match(k, L.WITHOUT, free_only=False):
                return k
            k -= 1
        return i

    def rx_company(self, i: int) -> int:
        s = self.s
        if s.match(i, L.PERSON_NOT_COMPANY, fuzzy=False):
            return self.add(
                i,
                i + 1,
                "cond",
                AttributeCondition(field="is_company", op="is_false", text=s.span_text(i, i + 1)),
            )
        n = s.match(i, L.COMPANY, fuzzy=False)
        if not n:
            return 0
        negated = self._negated_before(i)
        start = self._neg_start(i) if negated else i
        s.claim(start, i, "neg")
        return self.add(
            start,
            i + n,
            "cond",
            AttributeCondition(
                field="is_company", op="is_false" if negated else "is_true", text=s.span_text(start, i + n)
            ),
        )

    def rx_language(self, i: int) -> int:
        from segmenta.assistant.places import language_code

        s = self.s
        end = s.clause_end(i)
        n = s.match(i, L.LANGUAGE_WORDS)
        if n:  # "idioma inglés", "que hablan inglés", "language English"
            j = self.skip_filler(i + n, 2, frozenset({"en", "in", "de", "el", "is", "es"}))
            if j < end and self.s.free(j):
                code = language_code(s.words[j].raw)
                if code:
                    return self.add(
                        i,
                        j + 1,
                        "cond",
                        AttributeCondition(
                            field="language", op="in", values=[code], text=s.span_text(i, j + 1)
                        ),
                    )
            return 0
        # "Spanish-speaking", "hispanohablantes", "angloparlantes"
        code = language_code(s.words[i].raw)
        nxt = i + 2 if i + 1 < end and s.words[i + 1].f == "-" else i + 1
        if code and nxt < end and s.match(nxt, L.LANGUAGE_WORDS):
            return self.add(
                i,
                nxt + 1,
                "cond",
                AttributeCondition(field="language", op="in", values=[code], text=s.span_text(i, nxt + 1)),
            )
        if s.words[i].f.endswith(("hablantes", "parlantes", "speakers")):
            code = language_code(s.words[i].raw)
            if code:
                return self.add(
                    i,
                    i + 1,
                    "cond",
                    AttributeCondition(field="language", op="in", values=[code], text=s.span_text(i, i + 1)),
                )
        return 0

    def rx_question(self, i: int) -> int:
        n = self.s.match(i, L.QUESTION_COUNT)
        if n:
            return self.add(i, i + n, "count_q")
        n = self.s.match(i, L.LIST_WORDS)
        if n and i == 0:
            return self.add(i, i + n, "filler")
        return 0

    def rx_buyer_words(self, i: int) -> int:
        """ "repeat buyers" = 2+ completed orders, "one-and-done" = exactly one (settled reading 15);
        "churned", "lapsed" = bought before, with no purchase in the request's window."""
        s = self.s
        for key, pats in L.BUYER_WORDS.items():
            n = s.match(i, pats, fuzzy=False)
            win = self._window_after(i + n) if n and key == "repeat" else None
            if win is not None:
                # "returning buyers in the l30d": bought in the period and had bought before it
                text = s.span_text(i, win.end)
                s.claim(i, i + n, "cond")
                self.items.remove(win)
                self.items.append(Item(i, i + n, "cond", PurchaseCondition(window=win.data, text=text)))
                first = MetricCondition(metric="first_order_at", window=win.data, text=text)
                self.items.append(Item(i, win.end, "cond", Not(item=first, text=text)))
                self.assumptions.append(
                    self.es(
                        f"'{s.span_text(i, i + n)}' = compraron en el periodo y ya habían comprado antes",
                        f"'{s.span_text(i, i + n)}' = bought in the period and had bought before it",
                    )
                )
                return n
            if n:
                cmp = Compare(op=">=", value=2) if key == "repeat" else Compare(op="=", value=1)
                cond = MetricCondition(metric="orders_count", compare=cmp, text=s.span_text(i, i + n))
                self.assumptions.append(
                    self.es(
                        f"'{s.span_text(i, i + n)}' = {'2 o más' if key == 'repeat' else 'exactamente 1'} "
                        "pedidos completados",
                        f"'{s.span_text(i, i + n)}' = {'2 or more' if key == 'repeat' else 'exactly 1'} "
                        "completed orders",
                    )
                )
                return self.add(i, i + n, "cond", cond)
        n = s.match(i, L.CHURN_WORDS, fuzzy=False)
        if n:
            return self.add(i, i + n, "churn", s.span_text(i, i + n))
        return 0

    def _window_after(self, j: int) -> Item | None:
        """The time window right after word j (a preposition or article between), in its clause."""
        for it in self.items:
            if (
                it.kind == "window"
                and j <= it.pos <= j + 1
                and not any(b in self.s.breaks for b in range(j, it.pos + 1))
            ):
                return it
        return None

    def rx_audience(self, i: int) -> int:
        s = self.s
        for pats, who in (
            (L.AUDIENCE_BUYERS, "buyers"),
            (L.AUDIENCE_CUSTOMERS, "customers"),
            (L.AUDIENCE_ALL, "all"),
        ):
            n = s.match(i, pats, fuzzy=who == "customers" and len(s.words[i].f) >= 8)
            if n:
                if (
                    who == "buyers"
                    and i + n < len(s)
                    and s.words[i + n].f in ("de", "of")
                    and i + n + 1 not in s.breaks
                ):
                    # "compradores de Nike" = bought Nike
                    return self.add(i, i + n + 1, "verb", ("purchase", ""))
                return self.add(i, i + n, "audience", who)
        return 0

    def rx_gender(self, i: int) -> int:
        for g, pats in L.GENDER.items():
            n = self.s.match(i, pats, fuzzy=False)
            if n:
                return self.add(i, i + n, "gender", g)
        return 0

    def rx_decade(self, i: int) -> int:
        """Ages by decade: "in their 40s", "los cuarentones", "treintañeros"."""

        s = self.s
        w = s.words[i].f
        m = re.fullmatch(r"([1-9]0)s", w)
        start = i
        if m and i >= 1 and s.words[i - 1].f in ("their", "his", "her", "the", "los", "las"):
            start = i - 1 if s.words[i - 1].f in ("their", "his", "her") else i
            if start > 0 and s.words[start - 1].f == "in":
                start -= 1
            low = int(m.group(1))
        else:
            low = L.DECADES.get(w, 0)
            if not low:
                return 0
        cmp = Compare(op="between", value=low, value2=low + 9)
        return self.add(
            start,
            i + 1,
            "cond",
            AttributeCondition(field="age", op="compare", compare=cmp, text=s.span_text(start, i + 1)),
        )
