"""The embedded rule parser: a Spanish or English request -> a segment Plan, deterministically.

How it reads a request:
1. the words become a :class:`~segmenta.assistant.stream.Stream`; time windows are found first;
2. recognisers claim what they understand, left to right: RFM, lead score, genders, ages,
   consent, companies, languages, postal codes, order metrics, quantities, and the verbs that
   open a *frame* (bought, paid, spent, viewed, searched, opened, clicked, ...);
3. the words nobody claimed are linked to the shop's own catalog: after a buying or viewing
   verb they are products (or order details: payment method, card, store, coupon); elsewhere
   they are places (city, region, country);
4. the pieces are assembled in order: frames take the windows, amounts and counts that follow
   them; negations and "or" attach to the next piece; a window closing a list of purchase
   conditions applies to those without one (DATA_MODEL settled reading 2).

What no recogniser and no catalog value explains is returned as ``unrecognized``; the engine
turns it into a clarification rather than dropping it.
"""

from __future__ import annotations

import re

from segmenta.assistant import lexicon as L
from segmenta.assistant.plan import (
    Any_,
    AttributeCondition,
    ReportPlan,
    SegmentPlan,
)
from segmenta.assistant.reading.base import CatalogLike, Grammar
from segmenta.assistant.reading.behaviour import BehaviourWords
from segmenta.assistant.reading.linking import Linking
from segmenta.assistant.reading.people import PeopleWords
from segmenta.assistant.reading.pieces import (
    Item,
    ParseResult,
)
from segmenta.assistant.reading.postal import PostalWords
from segmenta.assistant.reading.quantities import QuantityWords
from segmenta.assistant.reading.repeats import RepeatWords
from segmenta.assistant.reading.scores import ScoreWords
from segmenta.assistant.reading.words import discourse, is_reason_verb, operator_class, reason_openers
from segmenta.assistant.report_words import read_report
from segmenta.assistant.text import detect_language
from segmenta.assistant.timewords import find_windows


def parse(text: str, catalog: CatalogLike, *, saved_segments: list[str] | None = None) -> ParseResult:
    """Parse one request into a segment Plan (or say what it could not read).

    Args:
        text: the marketer's request, Spanish or English.
        catalog: the shop's catalog (linking of products, places, payment methods, workflows).
        saved_segments: names of saved segments that may be referred to by name.
    """
    from segmenta.assistant.reading.normalise import normalise

    holds = getattr(catalog, "holds", None)
    norm = normalise(text, detect_language(text), holds)
    result = _Parser(norm.text, catalog, saved_segments or []).run()
    result.rewritten = norm.changes
    typed = [(a, b) for a, b in norm.changes if a != "'"]
    if typed:
        said = ", ".join(f"'{a}' = {b}" for a, b in typed)
        result.assumptions.insert(0, ("leído como: " if result.language == "es" else "read as: ") + said)
    return result


# a window said again by reference
_SAME_PERIOD = (
    ("en", "ese", "periodo"),
    ("durante", "ese", "periodo"),
    ("in", "that", "time"),
    ("in", "that", "period"),
    ("during", "that", "time"),
    ("during", "that", "period"),
    ("in", "the", "same", "period"),
    ("en", "el", "mismo", "periodo"),
)
# openers of a restatement ("o sea", "es decir", "i.e."), and where the restated words begin
_RESTATE = (("o", "sea"), ("osea",), ("es", "decir"), ("ie",), ("i", "e"), ("that", "is"), ("aka",))
_TIME_PREPS = frozenset({"en", "in", "durante", "during", "on", "for", "por", "para"})


class _Parser(
    ScoreWords, PostalWords, PeopleWords, BehaviourWords, RepeatWords, QuantityWords, Linking, Grammar
):
    """The whole grammar: the recogniser and linking mixins over the shared state, and the passes."""

    # ----------------------------------------------------------------- passes
    def run(self) -> ParseResult:
        self.mark_purpose()
        self.mark_label()
        self.mark_reason()
        self.find_windows()
        self.mark_restated()
        for k in range(len(self.s)):  # "en el mismo pedido" before a report could read "pedido" as a metric
            if self.s.free(k):
                self.rx_same_order(k)
        self.multiword_order_values()
        self.report = read_report(self)
        i = 0
        while i < len(self.s):
            if not self.s.free(i):
                i += 1
                continue
            n = self.recognise(i)
            i += max(n, 1)
        self.mark_discourse()
        self.resolve_free_runs()
        plan: SegmentPlan | ReportPlan | None = self.assemble()
        if self.report is not None:
            plan = self.report.plan(plan if isinstance(plan, SegmentPlan) else None)
        ignored = self.account_words()
        return ParseResult(
            plan, self.lang, self.unrec, self.assumptions, self.clar, self.free_window, ignored=ignored
        )

    def mark_purpose(self) -> None:
        """ "para un win-back: clientes que …", "for the Xmas campaign: women who …": a short
        purpose said before a colon (or dash) frames the request and carries no condition."""
        s = self.s
        if not s.words or s.words[0].f not in ("para", "pa", "for"):
            return
        cut = min((b for b in s.breaks if 1 < b <= 6), default=None)
        if cut is None or cut >= len(s):
            return
        raw = self.text.casefold()
        head = " ".join(w.raw.casefold() for w in s.words[:cut] if w.raw != "-")
        if not re.search(r"[:\u2013\u2014]|\s-\s", raw[: raw.find(s.words[cut].raw.casefold())]):
            return
        s.claim(0, cut, "ignored")
        self.assumptions.append(
            self.es(f"'{head}': el propósito, sin condición", f"'{head}': the purpose, no condition")
        )

    def mark_label(self) -> None:
        """ "hot leads: lead score over 40 …", "VIPs (anyone who's spent £500+) that …", "suppression
        list pls - anyone opted out of …": a name the marketer gives the audience, said first and
        defined by what follows, carries no condition of its own. Only marketing label words
        ("VIPs", "hot", "suppression list"), none of them a value of the shop, and never audience
        words alone ("leads: …")."""
        s = self.s
        cut = min((b for b in s.breaks if 1 <= b <= 4), default=None)
        if cut is None or cut >= len(s) or not s.free(0):
            return
        head = [w for w in s.words[:cut] if w.raw not in ("-", "+")]
        words = [w.f for w in head if not self.filler(s.words.index(w)) and w.f not in L.DISCOURSE_LABEL]
        holds = getattr(self.cat, "product_word", None)
        if not words or not all(w in L.LABEL_WORDS or w in L.AUDIENCE_WORDS for w in words):
            return
        if all(w in L.AUDIENCE_WORDS for w in words) or (holds is not None and any(holds(w) for w in words)):
            return
        if any(self.links(w, ["custom_field"], 95) for w in words):
            return  # the shop has a field of that name ("vip"): a condition, not a label
        s.claim(0, cut, "ignored")
        said = " ".join(w.raw for w in head)
        self.assumptions.append(self.es(f"'{said}' = lo que sigue", f"'{said}' = what follows"))

    def mark_reason(self) -> None:
        """A clause that gives the request's reason ("xq les quiero mandar un cupón", "so we can send
        them a code") carries no condition: its words are ignored (and shown), from the opener to the
        end of the clause, when it holds a verb of sending, offering or wanting."""
        s = self.s
        for i in range(len(s)):
            for p in reason_openers(self.lang):
                n = len(p)
                if i + n > len(s) or any(s.words[i + k].f != p[k] for k in range(n)):
                    continue
                end = s.clause_end(i + n - 1) if n > 1 else s.clause_end(i)
                if i == 0 and end >= len(s):
                    continue  # a request that is all one "para …" clause is the request itself
                if (
                    i + n < end
                    and is_reason_verb(s.words[i + n].f, self.lang)
                    or any(
                        is_reason_verb(s.words[k].f, self.lang) and s.words[k].f not in ("para", "pa")
                        for k in range(i + n, min(end, i + n + 3))
                    )
                ):
                    s.claim(i, end, "ignored")
                    return

    def mark_restated(self) -> None:
        """ "en el buen fin del año pasado, o sea del 14 al 17 de nov", "in hot sale, i.e. 25 May to
        2 June": what a restatement opener introduces replaces the words it restates. When a time
        window follows the opener, the words before it back to the previous verb, item or
        preposition of time are a name for that window (a sale, an event) and carry nothing else;
        they are ignored and shown so."""
        s = self.s
        for i in range(len(s)):
            n = next((len(p) for p in _RESTATE if tuple(w.f for w in s.words[i : i + len(p)]) == p), 0)
            if not n:
                continue
            after = next(
                (it for it in self.items if it.kind == "window" and i + n <= it.pos <= i + n + 1), None
            )
            inside = next((it for it in self.items if it.kind == "window" and it.pos < i < it.end), None)
            if after is None and inside is None:
                continue
            # the restated name follows a preposition of time ("en hot sale", "during Prime Day")
            r = inside.pos if inside is not None else i
            k = r - 1
            while k >= 0 and r - k <= 5 and s.words[k].f not in _TIME_PREPS:
                k -= 1
            if k < 0 or r - k > 5 or not all(s.free(x) for x in range(k, r)):
                continue
            start = k + 1
            named = [x for x in range(start, r) if s.free(x) and not self.filler(x)]
            if not named or len(named) > 4:
                continue
            for x in [*range(start, r), *range(i, i + n)]:
                if s.free(x):
                    s.claim(x, x + 1, "ignored")
            self.assumptions.append(
                self.es(
                    f"'{' '.join(s.words[x].raw for x in named)}' = {(after or inside).data.text}",  # type: ignore[union-attr]
                    f"'{' '.join(s.words[x].raw for x in named)}' = {(after or inside).data.text}",  # type: ignore[union-attr]
                )
            )

    def mark_discourse(self) -> None:
        """Claim the free discourse phrases of two or more words ("a ver", "right now", "so far")."""
        s = self.s
        other = "en" if self.lang == "es" else "es"
        phrases = sorted(
            {p for lg in (self.lang, other) for p in discourse(lg) if len(p) > 1}, key=len, reverse=True
        )
        for i in range(len(s)):
            for p in phrases:
                n = len(p)
                if i + n > len(s) or any(i + k in s.breaks for k in range(1, n)):
                    continue
                if all(s.free(i + k) and s.words[i + k].f == p[k] for k in range(n)):
                    s.claim(i, i + n, "ignored")
                    break

    def account_words(self) -> list[str]:
        """Every word ends used, ignored (returned, shown to the marketer) or asked about: an operator
        word no condition used is a clarification naming it, never an answer without it."""
        s = self.s
        ignored: list[str] = []
        k = 0
        while k < len(s):
            w = s.words[k]
            if w.used not in (None, "ignored"):
                k += 1
                continue
            two = (
                f"{w.f} {s.words[k + 1].f}"
                if k + 1 < len(s) and k + 1 not in s.breaks and s.words[k + 1].used in (None, "ignored")
                else ""
            )
            op, n = (operator_class(two), 2) if two and operator_class(two) else (operator_class(w.f), 1)
            if op is not None and w.used is None and (n == 2 or self.loose_operator(k)):
                self.ask_operator(k, k + n, op)
                k += n
                continue
            ignored.append(w.raw)
            k += 1
        return ignored

    def find_windows(self) -> None:
        try:
            spans = find_windows(self.s.tokens, self.lang)
        except Exception:  # a time phrase that cannot be read is left to the other recognisers
            spans = []
        for sp in spans:
            if all(self.s.free(k) for k in range(sp.start_token, sp.end_token)):
                self.add(sp.start_token, sp.end_token, "window", sp.window)
        # "y no compraron nada en ese periodo", "in that time": the window said before, again
        s = self.s
        for i in range(len(s)):
            n = next((len(p) for p in _SAME_PERIOD if tuple(w.f for w in s.words[i : i + len(p)]) == p), 0)
            if not n or not all(s.free(k) for k in range(i, i + n)):
                continue
            before = [it for it in self.items if it.kind == "window" and it.end <= i]
            if before:
                last = max(before, key=lambda it: it.pos)
                self.add(i, i + n, "window", last.data.model_copy(update={"text": s.span_text(i, i + n)}))

    def multiword_order_values(self) -> None:
        """Payment methods and card brands of two or three words ("Apple Pay", "American Express") are
        claimed first, so their words are not read as verbs ("pay") or anything else."""
        from segmenta.assistant.text import fold

        s = self.s
        for n in (3, 2):
            for i in range(len(s) - n + 1):
                if not all(s.free(k) for k in range(i, i + n)) or any(
                    k in s.breaks for k in range(i + 1, i + n)
                ):
                    continue
                phrase = s.span_text(i, i + n)
                if len([w for w in fold(phrase).split() if w not in L.FILLER]) < 2:
                    continue
                links = self.links(phrase, ("payment_method", "card_brand"), 97)
                if links:
                    self.add(i, i + n, "orderattr", (links[0].field, [links[0].value]))

    def recognise(self, i: int) -> int:
        for rx in (
            self.rx_quoted,
            self.rx_column_flag,
            self.rx_rfm,
            self.rx_segment_name,
            self.rx_lead_score,
            self.rx_postal,
            self.rx_first_last_purchase,
            self.rx_aov,
            self.rx_cart_value,
            self.rx_order_amount,
            self.rx_not_again,
            self.rx_only,
            self.rx_orders_with,
            self.rx_again,
            self.rx_signup,
            self.rx_birthday,
            self.rx_consent,
            self.rx_company,
            self.rx_language,
            self.rx_question,
            self.rx_gender,
            self.rx_buyer_words,
            self.rx_audience,
            self.rx_store,
            self.rx_status,
            self.rx_same_order,
            self.rx_device,
            self.rx_channel,
            self.rx_decade,
            self.rx_quantity,
            self.rx_verb,
            self.rx_latest,
            self.rx_msg_channel,
            self.rx_connector,
            self.rx_region_word,
        ):
            n = rx(i)
            if n:
                return n
        return 0

    # ----------------------------------------------------------------- assembly
    def assemble(self) -> SegmentPlan | None:
        from segmenta.assistant.assemble import Assembler

        groups = self.or_groups()
        if groups is None:
            return Assembler(self).build()
        # "mujeres de Madrid o hombres de Barcelona": (women AND Madrid) OR (men AND Barcelona), each
        # side read on its own with what the request says besides (shared by both)
        shared, sides = groups
        every = self.items
        plans = []
        for side in sides:
            self.items = [*shared, *side]
            plans.append(Assembler(self).build())
        self.items = every
        if any(pl is None or pl.where is None for pl in plans):
            return Assembler(self).build()
        first = plans[0]
        assert first is not None
        where = Any_(items=[pl.where for pl in plans if pl is not None and pl.where is not None])
        return SegmentPlan(where=where, question=first.question, language=self.lang)

    def or_groups(self) -> tuple[list[Item], list[list[Item]]] | None:
        """Two runs of person conditions with the same fields in the same order, joined by "or"."""
        ors = [it for it in self.items if it.kind == "or"]
        if len(ors) != 1:
            return None
        o = ors[0]
        items = sorted((it for it in self.items if it is not o), key=lambda x: x.pos)

        def sig(it: Item) -> str | None:
            if it.kind == "gender":
                return "gender"
            if it.kind == "cond" and isinstance(it.data, AttributeCondition):
                return it.data.field
            return None

        before = [it for it in items if it.end <= o.pos]
        after = [it for it in items if it.pos >= o.end]
        left: list[Item] = []
        for it in reversed(before):
            if sig(it) is None:
                break
            left.insert(0, it)
        right: list[Item] = []
        for it in after:
            if sig(it) is None:
                break
            right.append(it)
        for k in range(min(len(left), len(right)), 1, -1):
            a, b = left[-k:], right[:k]
            if [sig(x) for x in a] == [sig(x) for x in b] and len({sig(x) for x in a}) == k:
                shared = [it for it in items if it not in a and it not in b]
                return shared, [a, b]
        return None
