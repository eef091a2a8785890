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
from typing import Any, Literal, Protocol

from segmenta.assistant import lexicon as L
from segmenta.assistant.catalog import assumption_sentence
from segmenta.assistant.numbers import parse_money, parse_number
from segmenta.assistant.plan import (
    AttributeCondition,
    Compare,
    LeadScoreCondition,
    MetricCondition,
    ProductMatch,
    ReportPlan,
    RfmCondition,
    SavedSegmentCondition,
    SegmentPlan,
    Window,
)
from segmenta.assistant.reading.pieces import (
    Clarification,
    Item,
    ParseResult,
    Quantity,
    operator_question,
)
from segmenta.assistant.reading.words import discourse, is_filler, known_word, operator_class
from segmenta.assistant.report_words import read_report
from segmenta.assistant.stream import Stream
from segmenta.assistant.text import detect_language
from segmenta.assistant.timewords import find_windows

Lang = Literal["es", "en"]
ORDER_FIELDS = ("payment_method", "card_brand", "store", "coupon_code")
PLACE_FIELDS = ("country", "city", "region")
MESSAGE_FIELDS = ("workflow", "message_name", "message_campaign")


class LinkLike(Protocol):
    field: str
    value: str
    score: float


class ProductLinkLike(Protocol):
    match: ProductMatch | None
    uncovered: list[str]
    ambiguous: list[ProductMatch]
    assumption: str


class CatalogLike(Protocol):
    def link(self, phrase: str, fields: Any = None, lang: str = "es") -> list[Any]: ...

    def match_products(self, phrase: str, lang: str = "es") -> Any: ...


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
    return result



_SHOP_MONEY = frozenset(
    "pavos pavo pelas lana varos varo bucks buck quid pasta plata guita luca lucas k".split()
)

class _Parser:
    def __init__(self, text: str, catalog: CatalogLike, saved: list[str]) -> None:
        self.text = text
        self.cat = catalog
        self.saved = saved
        self.lang: Lang = detect_language(text)
        self.s = Stream.of(text)
        self.items: list[Item] = []
        self.assumptions: list[str] = []
        self.clar: list[Clarification] = []
        self.unrec: list[str] = []
        self.free_window: Window | None = None

    # ----------------------------------------------------------------- helpers
    def es(self, es: str, en: str) -> str:
        return es if self.lang == "es" else en

    def links(self, phrase: str, fields: list[str] | tuple[str, ...], min_score: float) -> list[Any]:
        """Catalog links that cover every content word of the phrase, best first; on a tie the
        field listed first wins (a workflow before a campaign of the same name)."""
        from segmenta.assistant.text import fold

        content = {w for w in fold(phrase).split() if w not in L.FILLER}
        order = {f: k for k, f in enumerate(fields)}
        out = [
            lk
            for lk in self.cat.link(phrase, fields=list(fields), lang=self.lang)
            if lk.score >= min_score and content <= set(lk.words)
        ]
        if (
            not out
            and 2 <= len(content) <= 3
            and {"payment_method", "card_brand", "coupon_code"} & set(fields)
        ):
            # "MB Way" for the value mbway, "Pay Pal" for paypal: the words typed apart
            joined = "".join(w for w in fold(phrase).split() if w not in L.FILLER)
            out = [
                lk
                for lk in self.cat.link(joined, fields=list(fields), lang=self.lang)
                if lk.score >= min_score
            ]
        out.sort(key=lambda lk: (-round(lk.score), order.get(lk.field, 99)))
        return out

    def add(self, i: int, j: int, kind: str, data: Any = None) -> int:
        self.s.claim(i, j, kind)
        self.items.append(Item(i, j, kind, data))
        return j - i

    def skip_filler(self, i: int, limit: int = 3, words: frozenset[str] = L.FILLER) -> int:
        """The first position at or after i that is not a free filler word (within the clause)."""
        k = i
        while (
            k < len(self.s)
            and k - i < limit
            and self.s.free(k)
            and self.s.words[k].f in words
            and k not in self.s.breaks - {i}
        ):
            k += 1
        return k

    # ----------------------------------------------------------------- passes
    def run(self) -> ParseResult:
        self.find_windows()
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

    # ----------------------------------------------------------------- every word accounted for
    def filler(self, k: int) -> bool:
        """Whether word k carries no condition: a function word, a discourse word or a request verb.

        A word typed with a capital inside the sentence ("the US", "never UNO", "The Ordinary") is
        first tried as a name; operator words never are filler."""
        w = self.s.words[k]
        if operator_class(w.f) is not None:
            return False
        if self.capitalised(k):
            return False
        return w.f in L.FILLER or is_filler(w.f, self.lang)

    def glued_value(self, a: int, b: int) -> tuple[int, int, ProductMatch] | None:
        """A product value whose text starts with a symbol typed against the word ("=Brand",
        "+Vida"): the words x..y exactly as the shop writes the value."""
        s = self.s
        exact = getattr(self.cat, "exact_product", None)
        if exact is None:
            return None
        for x in range(a, b - 1):
            if s.words[x].f in ("=", "+", "-", "<", ">") and s.words[x].end == s.words[x + 1].start:
                for y in range(b, x + 1, -1):
                    m = exact(s.span_text(x, y))
                    if m is not None:
                        return x, y, m
        return None

    def span_ok(self, a: int, b: int) -> bool:
        """Words a..b may be read as one catalog value: all free, no loose operator word among them."""
        return all(self.s.free(x) and not self.loose_operator(x) for x in range(a, b))

    def loose_operator(self, k: int) -> bool:
        """An operator word that is not part of a catalog value there ("X" in "Xbox Series X" is)."""
        s = self.s
        if operator_class(s.words[k].f) is None:
            return False
        w = s.words[k]
        if (
            w.f in ("-", "+", "&")
            and 0 < k
            and s.words[k - 1].end == w.start
            and (k + 1 >= len(s) or s.words[k + 1].start == w.end)
            and s.words[k - 1].f[-1:].isalpha()
        ):
            return False  # inside a name: "Win-back", "Disney+", "Coca-Cola"
        holds = getattr(self.cat, "holds", None)
        prev = s.words[k - 1].f if k > 0 else ""
        nxt = s.words[k + 1].f if k + 1 < len(s) else ""
        return not (holds is not None and holds(prev, s.words[k].f, nxt))

    def capitalised(self, k: int) -> bool:
        """A word typed with a capital (or in capitals) that does not open the request or a clause."""
        w = self.s.words[k]
        raw = w.raw
        if not raw[:1].isupper() or k == 0 or k in self.s.breaks:
            return False
        letters = [c for c in raw if c.isalpha()]
        return bool(letters) and (len(letters) == 1 or any(c.islower() for c in letters[1:]) or raw.isupper())

    def mark_discourse(self) -> None:
        """Claim the free discourse phrases of two or more words ("a ver", "right now", "so far")."""
        s = self.s
        phrases = [p for p in discourse(self.lang) if len(p) > 1]
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
                text = s.span_text(k, k + n)
                self.unrec.append(text)
                opener = text if all(self.filler(x) or x == k for x in range(k)) else None
                self.clar.append(Clarification(operator_question(text, op, self.lang), opener=opener))
                s.claim(k, k + n, "unknown")
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
            self.rx_order_amount,
            self.rx_not_again,
            self.rx_signup,
            self.rx_birthday,
            self.rx_consent,
            self.rx_company,
            self.rx_language,
            self.rx_question,
            self.rx_gender,
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

    # ----------------------------------------------------------------- recognisers
    def rx_quoted(self, i: int) -> int:
        w = self.s.words[i]
        if not w.quoted:
            return 0
        for name in self.saved:
            if name.casefold() == w.raw.casefold():
                return self.add(i, i + 1, "cond", SavedSegmentCondition(name=name, text=w.raw))
        return 0

    def rx_rfm(self, i: int) -> int:
        s = self.s
        if s.words[i].f in ("r", "f", "m") or s.match(
            i, L.RFM_SCORE_WORDS["r"] + L.RFM_SCORE_WORDS["f"] + L.RFM_SCORE_WORDS["m"], fuzzy=False
        ):
            return self.rx_rfm_score(i)
        w = s.words[i].f
        # "r5", "f4" glued
        if len(w) == 2 and w[0] in "rfm" and w[1] in "12345":
            return self.rx_rfm_score(i)
        start = i
        if w in ("celda", "celdas", "cell", "cells") and i + 1 < len(s) and s.words[i + 1].f == "rfm":
            i += 1  # "celdas RFM 545 y 555"
        if not s.match(i, L.RFM_WORDS):
            return 0
        j = i + 1
        while j < len(s) and s.words[j].f in ("cell", "cells", "celda", "celdas", "code", "codes", "codigo"):
            j += 1
        cells = self.read_cells(j)
        if cells is not None and len(cells[0]) > 1:
            return self.add(
                start, cells[1], "cond", RfmCondition(cells=cells[0], text=s.span_text(start, cells[1]))
            )
        if s.match(j, L.SEGMENT_WORDS):
            j += s.match(j, L.SEGMENT_WORDS)
            n = self.rx_segment_name(j, lead=(i, j))
            return n + (j - i) if n else 0
        if j + 4 < len(s) and s.words[j + 1].f == "-" and s.words[j + 3].f == "-":
            cell = s.words[j].f + s.words[j + 2].f + s.words[j + 4].f
            if len(cell) == 3 and cell.isdigit() and all(c in "12345" for c in cell):
                return self.add(i, j + 5, "cond", RfmCondition(cells=[cell], text=s.span_text(i, j + 5)))
        q = self.read_quantity(j)
        if q is None:
            # "RFM 545" / "RFM 5-4-5" as one token
            w2 = s.words[j].f if j < len(s) else ""
            digits = w2.replace("-", "")
            if len(digits) == 3 and digits.isdigit() and all(c in "12345" for c in digits):
                return self.add(i, j + 1, "cond", RfmCondition(cells=[digits], text=s.span_text(i, j + 1)))
            return 0
        qty, end = q
        raw = s.words[j].f
        if qty.op == "=" and len(raw) == 3 and raw.isdigit() and all(c in "12345" for c in raw):
            return self.add(i, end, "cond", RfmCondition(cells=[raw], text=s.span_text(i, end)))
        if qty.op == "=" and end == j + 5 and all(s.words[j + k].f == "-" for k in (1, 3)):
            cell = s.words[j].f + s.words[j + 2].f + s.words[j + 4].f
            if len(cell) == 3 and cell.isdigit():
                return self.add(i, end, "cond", RfmCondition(cells=[cell], text=s.span_text(i, end)))
        if not (1 <= qty.value <= 5):
            return 0
        c = qty.compare()
        text = s.span_text(i, end)
        if qty.op == "=":
            n = int(qty.value)
            self.assumptions.append(
                self.es(
                    f"'{text}' = las tres puntuaciones R, F y M iguales a {n} (celda {n}-{n}-{n}); "
                    f"otras lecturas: solo R = {n}, o la media de R, F y M = {n}",
                    f"'{text}' = all three scores R, F and M equal {n} (cell {n}-{n}-{n}); "
                    f"other readings: R = {n} only, or the average of R, F and M = {n}",
                )
            )
        return self.add(i, end, "cond", RfmCondition(r=c, f=c, m=c, text=text))

    def read_cells(self, j: int) -> tuple[list[str], int] | None:
        """RFM cells listed from word j ("545 o 555", "545, 554 and 555"), and where the list ends."""
        s = self.s
        cells: list[str] = []
        while j < len(s):
            w = s.words[j].f
            if len(w) == 3 and w.isdigit() and all(c in "12345" for c in w):
                cells.append(w)
                j += 1
                if j < len(s) and s.words[j].f in ("o", "or", "y", "and", "u", "e") and j + 1 < len(s):
                    nxt = s.words[j + 1].f
                    if len(nxt) == 3 and nxt.isdigit():
                        j += 1
                        continue
                if j in s.breaks and j < len(s) and len(s.words[j].f) == 3 and s.words[j].f.isdigit():
                    continue
            break
        return (cells, j) if cells else None

    def rx_rfm_score(self, i: int) -> int:
        s = self.s
        conds: dict[str, Compare] = {}
        j = i
        while j < len(s):
            w = s.words[j].f
            letter = None
            k = j
            if len(w) == 2 and w[0] in "rfm" and w[1] in "12345":
                conds[w[0]] = Compare(op="=", value=float(w[1]))
                j += 1
                # "R5 y F 4 o más": continue after connectors
            else:
                for key in ("r", "f", "m"):
                    n = s.match(j, L.RFM_SCORE_WORDS[key], fuzzy=False)
                    if n:
                        letter, k = key, j + n
                        break
                if letter is None:
                    break
                q = self.read_quantity(k)
                if q is None or not (1 <= q[0].value <= 5):
                    break
                conds[letter] = q[0].compare()
                j = q[1]
            if j < len(s) and s.words[j].f in ("y", "and", "e") and j + 1 < len(s):
                nxt = s.words[j + 1].f
                if (len(nxt) == 2 and nxt[0] in "rfm" and nxt[1] in "12345") or nxt in (
                    "r",
                    "f",
                    "m",
                    "recency",
                    "frequency",
                    "monetary",
                    "recencia",
                    "frecuencia",
                ):
                    j += 1
                    continue
            break
        if not conds:
            return 0
        if j > i and s.words[j - 1].f in ("y", "and", "e"):
            j -= 1
        return self.add(
            i,
            j,
            "cond",
            RfmCondition(r=conds.get("r"), f=conds.get("f"), m=conds.get("m"), text=s.span_text(i, j)),
        )

    def rx_segment_name(self, i: int, lead: tuple[int, int] | None = None) -> int:
        s = self.s
        names: list[str] = []
        j = i
        while j < len(s):
            found = None
            for name, pats in L.RFM_SEGMENTS.items():
                n = s.match(j, pats, fuzzy=False)
                if n:
                    found = (name, n)
                    break
            if not found:
                break
            # "nuevos"/"lost"/"dormidos" alone are weak: require a segment word, RFM, or a clientes word
            name, n = found
            weak = (
                s.words[j].f
                in (
                    "nuevos",
                    "lost",
                    "dormidos",
                    "sleeping",
                    "recent",
                    "loyal",
                    "fieles",
                    "perdidos",
                    "perdidas",
                    "leal",
                    "leales",
                )
                and n == 1
            )
            if weak and lead is None and not names and not self._near_segment_context(j):
                break
            names.append(name)
            j += n
            if j < len(s) and s.words[j].f in ("o", "or", "u", "y", "and") and j + 1 < len(s):
                k = j + 1
                if s.match(k, L.SEGMENT_WORDS):
                    k += s.match(k, L.SEGMENT_WORDS)
                if any(s.match(k, p, fuzzy=False) for p in L.RFM_SEGMENTS.values()):
                    j = k
                    continue
            break
        if not names:
            return 0
        start = lead[0] if lead else i
        # "segmento X" before
        if not lead and i > 0 and s.free(i - 1) and s.match(i - 1, L.SEGMENT_WORDS):
            start = i - 1
        text = s.span_text(start, j)
        self.add(start, j, "cond", RfmCondition(segments=list(dict.fromkeys(names)), text=text))  # type: ignore[arg-type]
        return j - i

    def _near_segment_context(self, j: int) -> bool:
        s = self.s
        for k in range(max(0, j - 3), min(len(s), j + 3)):
            if k != j and (
                s.match(k, L.SEGMENT_WORDS, free_only=False)
                or s.words[k].f == "rfm"
                or s.match(k, L.AUDIENCE_CUSTOMERS, free_only=False)
            ):
                return True
        return False

    def rx_lead_score(self, i: int) -> int:
        n = self.s.match(i, L.LEAD_SCORE)
        if not n:
            return 0
        j = self.skip_filler(
            i + n, 4, frozenset({"de", "del", "of", "is", "es", "with", "con", "que", "sea", "mayor", "a"})
        )
        # the comparison may stand among the skipped words ("lead score mayor de 50", "of at least 30")
        q = next((q for k in range(i + n, j + 1) if (q := self.read_quantity(k)) is not None), None)
        if q is None:
            return 0
        return self.add(
            i, q[1], "cond", LeadScoreCondition(compare=q[0].compare(), text=self.s.span_text(i, q[1]))
        )

    def rx_postal(self, i: int) -> int:
        s = self.s
        n = s.match(i, L.POSTAL_WORDS)
        if not n:
            return 0
        j = i + n
        op = "in"
        values: list[str] = []
        while j < len(s):
            j = self.skip_filler(
                j,
                3,
                frozenset(
                    {"que", "de", "en", "with", "that", "o", "or", "y", "and", "por", "con", "a", "is", "es"}
                ),
            )
            m = s.match(j, [p for p in L.PREFIX_WORDS if p != ("por",)])
            if m:
                op = "prefix"
                j += m
                j = self.skip_filler(j, 2, frozenset({"por", "con", "by", "de"}))
            if j < len(s) and s.words[j].raw.isdigit():
                values.append(s.words[j].raw)
                j += 1
                continue
            break
        if not values:
            return 0
        if op == "in" and any(len(v) < 4 for v in values):
            op = "prefix"
        cond = AttributeCondition(field="postal_code", op=op, values=values, text=s.span_text(i, j))  # type: ignore[arg-type]
        return self.add(i, j, "cond", cond)

    def rx_first_last_purchase(self, i: int) -> int:
        s = self.s
        for pats, metric in ((L.FIRST_PURCHASE, "first_order_at"), (L.LAST_PURCHASE, "last_order_at")):
            n = s.match(i, pats)
            if not n:
                continue
            j = i + n
            end = s.clause_end(i)
            # a window in the clause: "first purchase was in 2026"
            for it in self.items:
                if it.kind == "window" and j <= it.pos < end and it.pos - j <= 4:
                    s.claim(i, j, "metric")
                    for k in range(j, it.pos):
                        if s.free(k) and s.words[k].f in L.FILLER | {"was", "fue", "fuera", "sea", "is"}:
                            s.claim(k, k + 1, "filler")
                    self.items.remove(it)
                    return self.add(
                        i,
                        it.end,
                        "cond",
                        MetricCondition(metric=metric, window=it.data, text=s.span_text(i, it.end)),  # type: ignore[arg-type]
                    )
            # "última compra hace más de 180 días" / "last purchase more than 90 days ago"
            k = self.skip_filler(j, 4, frozenset({"fue", "was", "is", "es", "de", "hace", "que", "sea"}))
            q = self.read_quantity(k)
            if metric == "last_order_at" and q and q[0].unit in ("days", "months", "weeks", "years"):
                qty, e = q
                if e < len(s) and s.match(e, L.DAYS_AGO):
                    e += s.match(e, L.DAYS_AGO)
                factor = {"days": 1, "weeks": 7, "months": 30, "years": 365}[qty.unit or "days"]
                if qty.unit != "days":
                    self.assumptions.append(
                        self.es(
                            f"{qty.unit} contados como {factor} días", f"{qty.unit} counted as {factor} days"
                        )
                    )
                cmp = Compare(
                    op=qty.op,  # type: ignore[arg-type]
                    value=qty.value * factor,
                    value2=qty.value2 * factor if qty.value2 else None,
                )
                return self.add(
                    i,
                    e,
                    "cond",
                    MetricCondition(metric="days_since_last_order", compare=cmp, text=s.span_text(i, e)),
                )
        return 0

    def rx_aov(self, i: int) -> int:
        s = self.s
        for pats, metric in ((L.AOV_WORDS, "avg_order_value"), (L.SPENT_WORDS, "total_spent")):
            n = s.match(i, pats)
            if not n:
                continue
            if metric == "total_spent" and s.words[i].f in ("spent", "spend", "gastado", "gasto"):
                # a verb form is read by the spend frame, a noun with a number right after is a metric
                if not (i > 0 and s.words[i - 1].f in ("total", "su", "their", "with", "con", "un", "a")):
                    continue
            j = self.skip_filler(
                i + n, 4, frozenset({"de", "del", "of", "is", "es", "que", "sea", "with", "con", "a", "was"})
            )
            q = self.read_quantity(j)
            if q is None:
                continue
            return self.add(
                i,
                q[1],
                "cond",
                MetricCondition(metric=metric, compare=q[0].compare(), text=s.span_text(i, q[1])),  # type: ignore[arg-type]
            )
        return 0

    def rx_signup(self, i: int) -> int:
        n = self.s.match(i, L.SIGNUP_WORDS)
        if not n:
            return 0
        end = self.s.clause_end(i)
        for it in self.items:
            if it.kind == "window" and i + n <= it.pos < end and it.pos - (i + n) <= 3:
                self.items.remove(it)
                self.s.claim(i + n, it.pos, "filler")
                return self.add(
                    i,
                    it.end,
                    "cond",
                    AttributeCondition(
                        field="created_at", op="window", window=it.data, text=self.s.span_text(i, it.end)
                    ),
                )
        return 0

    def rx_birthday(self, i: int) -> int:
        n = self.s.match(i, L.BIRTHDAY_WORDS)
        if not n:
            return 0
        end = self.s.clause_end(i)
        for it in self.items:
            if it.kind == "window" and abs(it.pos - (i + n)) <= 3 and it.pos < end:
                self.items.remove(it)
                lo, hi = min(i, it.pos), max(i + n, it.end)
                self.s.claim(lo, hi, "filler")
                return self.add(
                    lo,
                    hi,
                    "cond",
                    AttributeCondition(
                        field="birth_date", op="birthday_in", window=it.data, text=self.s.span_text(lo, hi)
                    ),
                )
        return 0

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

    def rx_column_flag(self, i: int) -> int:
        """A boolean contact column typed by name ("email_subscribed", "ads_consent", "is_company")."""
        w = self.s.words[i].f.replace(" ", "")
        for col in ("email_subscribed", "sms_subscribed", "push_subscribed", "ads_consent", "is_company"):
            if w == col.replace("_", ""):
                negated = self._negated_before(i)
                return self.add(
                    i,
                    i + 1,
                    "cond",
                    AttributeCondition(
                        field=col, op="is_false" if negated else "is_true", text=self.s.words[i].raw
                    ),
                )
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

    def rx_store(self, i: int) -> int:
        s = self.s
        lead = i
        while (
            lead - i < 2 and lead < len(s) and s.words[lead].f in ("en", "in", "at", "la", "el", "the", "de")
        ):
            lead += 1
        n = s.match(lead, L.STORE_WORDS)
        if not n:
            return 0
        i0, i = i, lead
        j = self.skip_filler(i + n, 2, frozenset({"de", "del", "of", "in", "en", "at", "la", "el"}))
        end = s.clause_end(i)
        for k in range(min(end, j + 4), j, -1):
            phrase = s.span_text(j, k)
            links = self.links(phrase, ["store"], 80)
            if links:
                best = links[0].score
                values = [lk.value for lk in links if lk.score >= best - 1]
                start = i0
                if len(values) > 1:
                    self.assumptions.append(
                        self.es(
                            f"'{phrase}' coincide con varias tiendas: {', '.join(values)}; se usan todas",
                            f"'{phrase}' matches several stores: {', '.join(values)}; all are used",
                        )
                    )
                self.add(start, k, "orderattr", ("store", values))
                return k - i0
        return self.store_not_held(i0, i, n, j, end)

    def store_not_held(self, i0: int, i: int, n: int, j: int, end: int) -> int:
        """ "la tienda de Madrid", "our Glasgow store" when the shop has no such store: ask, naming
        its stores, rather than read the city as where the customer lives."""
        s = self.s
        stores = list(getattr(self.cat, "values", {}).get("store", {}))
        if not stores:
            return 0
        spans = []
        if j < end and s.free(j) and (self.capitalised(j) or self.place_links(s.span_text(j, j + 1))):
            k = j + 1
            while k < end and k < j + 3 and s.free(k) and self.capitalised(k):
                k += 1
            spans.append((j, k, i0, k))
        # "the Glasgow store": the name before the store word
        b = i - 1
        if i == i0 and b >= 0 and s.free(b) and (self.capitalised(b) or self.place_links(s.words[b].raw)):
            spans.append((b, i, b, i + n))
        from segmenta.assistant.text import fold

        for a, b, start, stop in spans:
            phrase = s.span_text(a, b)
            if self.links(phrase, ["store"], 80):
                continue
            places = self.place_links(phrase)
            # "la tienda de Oporto": the place under another name ("Porto") names a store
            named = [
                st
                for lk in places
                for st in stores
                if re.search(rf"\b{re.escape(fold(lk.value))}\b", fold(st))
            ]
            if named:
                named = list(dict.fromkeys(named))
                self.assumptions.append(
                    self.es(
                        f"'{phrase}' = {places[0].value}: tienda {', '.join(named)}",
                        f"'{phrase}' = {places[0].value}: store {', '.join(named)}",
                    )
                )
                self.add(start, stop, "orderattr", ("store", named))
                return stop - i0
            if not (places or all(self.capitalised(x) for x in range(a, b))):
                continue
            self.unrec.append(phrase)
            self.clar.append(
                Clarification(
                    self.es(
                        f"La tienda no tiene ninguna tienda física '{phrase}': ¿cuál de estas?",
                        f"The shop has no store '{phrase}': which of these?",
                    ),
                    stores[:8],
                )
            )
            self.add(start, stop, "unknown")
            return stop - i0
        return 0

    def rx_status(self, i: int) -> int:
        """Orders by status: "pedidos cancelados", "cancelled orders", "returned orders" (reading 5).

        The order word may already be a report's metric ("how many returned orders"): then only the
        status word is claimed here.
        """
        s = self.s
        for pats, status in ((L.CANCELLED, "cancelled"), (L.RETURNED_ORDER, "returned")):
            n = s.match(i, pats)
            if not n:
                continue
            before = i > 0 and s.match(i - 1, L.ORDER_WORDS, free_only=False)
            after = s.match(i + n, L.ORDER_WORDS, free_only=False)
            if not (before or after):
                continue
            start, end = i, i + n
            if after and s.free(i + n):
                end += after
            if before and s.free(i - 1):
                start -= 1
            return self.add(start, end, "orderattr", ("status", [status])) - (i - start)
        return 0

    def rx_device(self, i: int) -> int:
        """ "desde la app", "on mobile": the device of web behaviour (only after a web verb)."""
        s = self.s
        n = s.match(i, L.DEVICE_PREPS, fuzzy=False)
        if not n:
            return 0
        frame = self.frame_before(i)
        if frame is None or frame.data[0] != "web":
            return 0
        for device, pats in L.DEVICES.items():
            m = s.match(i + n, pats, fuzzy=False)
            if m:
                return self.add(i, i + n + m, "device", device)
        return 0

    def rx_same_order(self, i: int) -> int:
        """ "en el mismo pedido", "in the same order": the products of the frame go in one order."""
        n = self.s.match(i, L.SAME_ORDER, fuzzy=False)
        return self.add(i, i + n, "same_order") if n else 0

    def rx_channel(self, i: int) -> int:
        s = self.s
        n = s.match(i, L.CHANNEL_STORE)
        if n:
            return self.add(i, i + n, "orderattr", ("channel", ["store"]))
        n = s.match(i, L.CHANNEL_ONLINE)
        if n:
            return self.add(i, i + n, "orderattr", ("channel", ["online"]))
        return 0

    def rx_latest(self, i: int) -> int:
        """ "el último email", "the latest newsletter": the most recent message sent on a channel."""
        n = self.s.match(i, L.LATEST, fuzzy=False)
        if not n:
            return 0
        for ch, pats in L.MESSAGE_CHANNEL.items():
            m = self.s.match(i + n, pats)
            if m:
                return self.add(i, i + n + m, "latest", ch)
        return 0

    def rx_msg_channel(self, i: int) -> int:
        for ch, pats in L.MESSAGE_CHANNEL.items():
            n = self.s.match(i, pats)
            if n:
                return self.add(i, i + n, "msgchannel", ch)
        n = self.s.match(i, L.WORKFLOW_WORDS)
        frame = self.frame_before(i) if n else None
        if n and (self.report is not None or (frame is not None and frame.data[0] == "message")):
            return self.add(i, i + n, "workflow_word")
        return 0

    def rx_decade(self, i: int) -> int:
        """Ages by decade: "in their 40s", "los cuarentones", "treintañeros"."""
        import re

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

    def rx_not_again(self, i: int) -> int:
        """ "no han vuelto a comprar", "didn't buy again": negated, "again" adds nothing to "not
        bought (in the window)", so it is part of the verb. Un-negated "again" (reading 13) is not
        read here: it stays an operator word and is asked about."""
        s = self.s
        w = s.words[i].f
        if w in ("vuelto", "volvieron", "volvio", "volver", "vuelven", "vuelve", "volvian"):
            j = i + 1
            if not (j < len(s) and s.words[j].f == "a" and any(s.match(j + 1, L.VERBS[k]) for k in L.VERBS)):
                return 0
            negated = any(s.words[k].f in ("no", "nunca", "jamas") for k in range(max(0, i - 3), i))
            return self.add(i, j + 1, "again_negated") if negated else 0
        if w == "again" and i >= 2:
            negated = any(
                s.words[k].f in ("not", "never", "didnt", "havent", "hasnt", "dont", "doesnt")
                for k in range(max(0, i - 4), i)
            )
            if negated and any(s.words[k].used == "verb" for k in range(max(0, i - 3), i)):
                return self.add(i, i + 1, "again_negated")
        return 0

    def rx_order_amount(self, i: int) -> int:
        """An amount of one order, not a spend (settled reading 14): "un pedido de más de 80 €",
        "orders over 100", "pedidos de 50 € o más"; and "in a single order" after a spend."""
        s = self.s
        n = s.match(i, L.SINGLE_ORDER, fuzzy=False)
        if n:
            return self.add(i, i + n, "single_order")
        start = i
        if s.words[i].f in ("un", "una", "a", "an", "one", "algun", "alguno", "some", "any"):
            i += 1
        n = s.match(i, L.ORDER_NOUNS, fuzzy=False) if i < len(s) else 0
        if not n:
            return 0
        j = i + n
        end = s.clause_end(i)
        before = self.frame_before(start)
        if start < i and before is not None and before.data[0] == "purchase" and (
            j >= end or self.read_quantity(j) is None and (j + 1 >= end or self.read_quantity(j + 1) is None)
        ):
            return self.add(start, j, "orderword")  # "placed an order", "hicieron un pedido": bought
        for k in range(j, min(end, j + 4)):
            if k > j and s.words[k - 1].f not in L.ORDER_AMOUNT_LINKS:
                break
            q = self.read_quantity(k)
            if q is None:
                continue
            qty, stop = q
            if qty.unit not in ("money", None) or (qty.unit is None and qty.op == "="):
                return 0
            if qty.unit is None:
                self.assumptions.append(
                    self.es(
                        f"'{s.span_text(k, stop)}' = importe en la moneda de la tienda",
                        f"'{s.span_text(k, stop)}' = an amount in the shop's currency",
                    )
                )
            before = self.frame_before(start)
            if before is None or before.data[0] != "purchase":
                # "hicieron un pedido de más de 80 € con paypal": the order opens a purchase frame
                self.items.append(Item(start, start, "verb", ("purchase", "")))
            return self.add(start, stop, "orderamount", qty.compare())
        return 0

    def rx_quantity(self, i: int) -> int:
        q = self.read_quantity(i)
        if q is None:
            return 0
        qty, end = q
        s = self.s
        if (
            qty.op == "="
            and qty.value == 1
            and qty.unit == "orders"
            and s.words[i].f in ("un", "una", "a", "an", "one", "uno")
            and end - i == 2
            and s.words[i + 1].f not in ("vez", "time")
        ):
            # "hicieron un pedido", "placed an order": an article, not "exactly one order"; the words
            # say "bought" (a purchase frame opens), the count stays at least one
            if self.frame_before(i) is None:
                self.items.append(Item(i, i, "verb", ("purchase", "")))
            return self.add(i, end, "orderword")
        if (
            i > 0
            and s.free(i - 1)
            and s.words[i - 1].f in ("edad", "age", "aged", "edades", "ages")
            and qty.unit in (None, "years")
        ):
            # "edad > 30", "age between 25 and 35", "aged 25 to 35": the word says what is compared
            qty.unit = "years"
            return self.add(i - 1, end, "qty", qty)
        # a bare number with no comparison and no unit is not claimed here (postal codes, years, ...)
        if qty.op == "=" and qty.unit is None and not self._age_context(i):
            return 0
        return self.add(i, end, "qty", qty)

    def _age_context(self, i: int) -> bool:
        return i > 0 and self.s.words[i - 1].f in ("aged", "edad", "age", "tienen", "have")

    def rx_verb(self, i: int) -> int:
        s = self.s
        best: tuple[int, tuple[str, str]] | None = None
        for fuzzy in (False, True):
            if fuzzy and not self._verb_typo_ok(i):
                break
            for key, pats in L.VERBS.items():
                n = s.match(i, pats, fuzzy=fuzzy)
                if n and (best is None or n > best[0]):
                    best = (n, key)
            if best is not None:
                break
        if best is None:
            return 0
        n, key = best
        # "open" in "opened" vs "open rate"; "read" as a verb only for messages
        self.add(i, i + n, "verb", key)
        if key[0] == "message":
            self.eager_message_link(i + n)
        return n

    def _verb_typo_ok(self, i: int) -> bool:
        """Whether word i may be read as a mistyped verb: never a name typed with a capital
        ("Reebok" is no "rebotó"), never the object right after a verb ("bought reebok")."""
        if self.capitalised(i) or known_word(self.s.words[i].f):
            return False
        k = i - 1
        while k >= 0 and self.s.free(k) and self.filler(k):
            k -= 1
        return not (k >= 0 and self.s.words[k].used == "verb" and k + 1 not in self.s.breaks)

    def _starts_clause(self, a: int, end: int) -> bool:
        """A negation, an "except" or a verb at word a that opens no workflow or message name
        ("abandoned" in "an Abandoned cart email" is the workflow's): a new condition starts there."""
        s = self.s
        if s.match(a, L.NEGATORS) or s.match(a, L.EXCEPT):
            return True
        if not any(s.match(a, pats, fuzzy=False) for pats in L.VERBS.values()):
            return False
        for b in range(min(end, a + 5), a, -1):
            if all(s.free(x) for x in range(a, b)) and self.links(s.span_text(a, b), MESSAGE_FIELDS, 85):
                return False
        return True

    def eager_message_link(self, j: int) -> None:
        """Right after a message verb, claim workflow and message names before other words do
        ("clicked an Abandoned cart email": a workflow, not the cart-abandonment verb)."""
        s = self.s
        end = s.clause_end(j)
        for k in range(j, end):
            if s.free(k) and self._starts_clause(k, end):
                end = k  # "abrieron un email ... pero no compraron": the message words end there
                break
        a = j
        named_at = -1  # where a message named by its own words ended
        while a < end:
            n = self.rx_latest(a) if s.free(a) else 0
            if n:
                a += n
                continue
            if not s.free(a) or s.words[a].f in L.FILLER:
                a += 1
                continue
            for b in range(min(end, a + 5), a, -1):
                if not self.span_ok(a, b):
                    continue
                phrase = s.span_text(a, b)
                links = [lk for lk in self.links(phrase, MESSAGE_FIELDS, 85) if len(phrase) >= 4]
                if links:
                    if a == named_at and links[0].how == "glossary":
                        # "the Hot Sale newsletter": the kind of message named, not a second one
                        self.add(a, b, "msgdesc")
                    else:
                        self.add(a, b, "msgattr", (links[0].field, [links[0].value]))
                        if links[0].how != "glossary":
                            named_at = b
                    a = b
                    break
            else:
                a += 1

    def rx_connector(self, i: int) -> int:
        s = self.s
        n = s.match(i, L.EXCEPT)
        if n:
            return self.add(i, i + n, "except")
        n = s.match(i, L.NEGATORS)
        if n:
            return self.add(i, i + n, "neg", s.words[i].f in ("nunca", "jamas", "never"))
        n = s.match(i, L.WITHOUT)
        if n:
            return self.add(i, i + n, "without")
        n = s.match(i, L.NONE_WORDS, fuzzy=False)
        if n and s.words[i].f != "any":
            return self.add(i, i + n, "none")
        n = s.match(i, L.OR_WORDS, fuzzy=False)
        if n:
            return self.add(i, i + n, "or")
        return 0

    def rx_region_word(self, i: int) -> int:
        s = self.s
        for pats, fields in (
            (L.REGION_WORDS, ("region",)),
            (L.CITY_WORDS, ("city",)),
            (L.COUNTRY_WORDS, ("country",)),
        ):
            n = s.match(i, pats)
            if not n:
                continue
            j = self.skip_filler(i + n, 2, frozenset({"de", "del", "of", "la", "el", "the"}))
            end = s.clause_end(i)
            for k in range(min(end, j + 4), j, -1):
                if not all(s.free(x) for x in range(j, k)):
                    continue
                phrase = s.span_text(j, k)
                links = self.place_links(phrase, fields)
                if links:
                    return self.add(i, k, "cond", self.place_condition(links, s.span_text(i, k)))
        return 0

    # ----------------------------------------------------------------- quantities
    def read_quantity(self, i: int) -> tuple[Quantity, int] | None:
        """A comparison at word i: comparator, number(s), unit. Returns it and where it ends."""
        s = self.s
        if i >= len(s):
            return None
        op = "="
        j = i
        for cop, pats in L.COMPARATORS.items():
            n = s.match(j, pats, fuzzy=False)
            if n:
                op, j = cop, j + n
                break
        # "+30"
        if j < len(s) and s.words[j].f == "+" and j + 1 < len(s) and self._num(j + 1):
            op, j = ">=", j + 1
        m = self._money_or_number(j)
        if m is None:
            # "de 25 a 34 años"
            if op == "=" and s.words[i].f in ("de", "from") and self._num(i + 1):
                return self._range_from(i)
            return None
        value, currency, j = m
        value2 = None
        if op == "between":
            k = j
            if k < len(s) and s.words[k].f in ("y", "and", "e", "a", "-", "to"):
                m2 = self._money_or_number(k + 1)
                if m2:
                    value2, cur2, j = m2
                    currency = currency or cur2
            if value2 is None:
                return None
        elif (
            op == "="
            and j + 1 < len(s)
            and s.words[j].f in ("-", "to", "a", "hasta", "al", "till", "through")
            and self._num(j + 1)
        ):
            # "25-35", "25 to 35", "100 a 200 €": a range, both ends included
            m2 = self._money_or_number(j + 1)
            if m2 and m2[0] > value:
                op, value2, j = "between", m2[0], m2[2]
                currency = currency or m2[1]
        # postfix "+", "o más", "or more", "o menos", "at most"
        if j < len(s) and s.words[j].f == "+" and op == "=":
            op, j = ">=", j + 1
        unit, currency, j = self._unit(j, currency)
        if op == "=":
            for cop in (">=", "<="):
                n = s.match(j, L.COMPARATORS[cop], fuzzy=False)
                # a symbol only ever comes before its number ("<= 30"), never after ("30 años <=")
                if n and s.words[j].f not in ("desde", "hasta", "min", "max", "maximo", "minimo", ">=", "<="):
                    op, j = cop, j + n
                    break
            if unit is None:
                unit, currency, j = self._unit(j, currency)
        if op == "between" and value2 is not None and value2 < value:
            value, value2 = value2, value
        return Quantity(op, value, value2, unit, currency), j

    def _range_from(self, i: int) -> tuple[Quantity, int] | None:
        s = self.s
        m1 = self._money_or_number(i + 1)
        if not m1:
            return None
        v1, cur, j = m1
        if j < len(s) and s.words[j].f in ("a", "to", "hasta", "-") and self._num(j + 1):
            m2 = self._money_or_number(j + 1)
            if m2:
                unit, cur, end = self._unit(m2[2], cur or m2[1])
                if unit in ("years", "money") or (unit is None and 0 < v1 < m2[0] < 120):
                    return Quantity("between", v1, m2[0], unit, cur), end
        return None

    def _num(self, i: int) -> bool:
        return i < len(self.s) and parse_number(self.s.tokens, i) is not None

    def _money_or_number(self, i: int) -> tuple[float, str | None, int] | None:
        if i >= len(self.s) or not all(self.s.free(k) for k in range(i, min(i + 1, len(self.s)))):
            return None
        m = parse_money(self.s.tokens, i)
        if m is not None:
            money, n = m
            return float(money.amount), money.currency or "shop", i + n
        p = parse_number(self.s.tokens, i)
        if p is None:
            return None
        value, n = p
        return float(value), None, i + n

    def _unit(self, j: int, currency: str | None) -> tuple[str | None, str | None, int]:
        s = self.s
        if currency:
            return "money", currency, j
        if j >= len(s) or not s.free(j):
            return None, None, j
        w = s.words[j].f
        if w in _SHOP_MONEY:  # "pavos", "lana", "bucks": the shop's own currency (settled reading 15)
            return "money", "shop", j + 1
        if w in ("€", "eur", "euros", "euro", "$", "usd", "dolares", "dollars", "mxn", "pesos"):
            cur = {"€": "EUR", "eur": "EUR", "euros": "EUR", "euro": "EUR", "mxn": "MXN", "pesos": "MXN"}.get(
                w, "USD"
            )
            return "money", cur, j + 1
        n = s.match(j, L.AGE_UNITS, fuzzy=False)
        if n:
            return "years", None, j + n
        if w in ("dias", "dia", "days", "day"):
            return "days", None, j + 1
        if w in ("semanas", "weeks", "semana", "week"):
            return "weeks", None, j + 1
        if w in ("meses", "months", "mes", "month"):
            return "months", None, j + 1
        if w in ("%", "por", "percent") and (w != "por" or (j + 1 < len(s) and s.words[j + 1].f == "ciento")):
            return "percent", None, j + (2 if w == "por" else 1)
        n = s.match(j, L.ORDER_WORDS)
        if n:
            return "orders", None, j + n
        n = s.match(j, L.UNIT_WORDS)
        if n:
            return "units", None, j + n
        return None, None, j

    # ----------------------------------------------------------------- catalog linking of free words
    def place_links(self, phrase: str, fields: tuple[str, ...] = PLACE_FIELDS) -> list[Any]:
        from segmenta.assistant.places import region_names

        # a region the shop holds under another language's name ("Escocia" for Scotland) beats the
        # country it lies in
        for name in region_names(phrase) if "region" in fields else ():
            exact = self.links(name, ("region",), 97)
            if exact:
                return exact[:1]
        links = self.links(phrase, fields, 85)
        if not links:
            return []
        # a country name means the country (settled reading); else the best score, city before region
        best = links[0]
        return [lk for lk in links if lk.field == best.field and lk.score >= best.score - 0.5]

    def place_condition(self, links: list[Any], text: str) -> AttributeCondition:
        fld = links[0].field
        values = list(dict.fromkeys(lk.value for lk in links))
        return AttributeCondition(field=fld, op="in", values=values, text=text)

    def resolve_free_runs(self) -> None:
        """Link the words no recogniser claimed: products and order details in a frame, places elsewhere."""
        s = self.s
        i = 0
        while i < len(s):
            if not s.free(i) or self.filler(i):
                i += 1
                continue
            j = i
            while j < len(s) and s.free(j) and (j == i or j not in s.breaks):
                j += 1
            # trim trailing filler
            k = j
            while k > i and self.filler(k - 1):
                k -= 1
            self.resolve_run(i, k)
            i = j

    def resolve_run(self, i: int, j: int) -> None:
        s = self.s
        frame = self.frame_before(i)
        if frame is None and self.report is not None:
            self.report.resolve_run(i, j)
            return
        if frame is not None:
            fam, detail = frame.data
            if fam == "purchase":
                self.link_order_details(i, j)
                self.link_product_runs(i, j, frame)
                return
            if fam == "web":
                if detail == "search":
                    quoted = [k for k in range(i, j) if s.words[k].quoted]
                    if quoted:  # searched "rucksack": the quoted text exactly, the rest is read as usual
                        for k in quoted:
                            self.add(k, k + 1, "search", s.words[k].raw)
                        return
                    self.add(i, j, "search", s.span_text(i, j))
                    return
                if detail in ("category_view", "visit"):
                    links = self.links(s.span_text(i, j), ["web_category", "category"], 85)
                    if links:
                        self.add(i, j, "webcategory", [links[0].value])
                        return
                self.link_product_runs(i, j, frame)
                return
            if fam == "message":
                self.link_message_runs(i, j)
                return
        self.link_places(i, j)

    def frame_before(self, i: int) -> Item | None:
        """The verb whose frame word i falls in: the nearest verb before it in the same clause."""
        best = None
        for it in self.items:
            if it.kind == "verb" and it.end <= i:
                if any(b in self.s.breaks for b in range(it.end + 1, i + 1)):
                    # a clause break between: the frame still holds if no other item type ended it
                    continue
                if best is None or it.pos > best.pos:
                    best = it
        if best is None:
            # "pero nunca X" / "but never X": an elliptical frame takes the previous verb
            for it in sorted(self.items, key=lambda x: -x.pos):
                if it.pos < i and it.kind in ("neg", "except", "without") and i - it.end <= 2:
                    prev = [v for v in self.items if v.kind == "verb" and v.pos < it.pos]
                    if prev:
                        return max(prev, key=lambda x: x.pos)
                if it.pos < i:
                    break
        return best

    def link_order_details(self, i: int, j: int) -> None:
        s = self.s
        for a in range(i, j):
            for b in range(min(j, a + 4), a, -1):
                if not self.span_ok(a, b) or s.words[a].f in L.FILLER:
                    continue
                phrase = s.span_text(a, b)
                links = self.links(phrase, ORDER_FIELDS, 88)
                if links:
                    lk = links[0]
                    # values the words name equally well are all meant ("tarjeta" = every card
                    # method the shop has, settled reading 11): an order has one, so any of them
                    tied = [x.value for x in links if x.field == lk.field and x.score >= lk.score - 0.5]
                    if len(tied) > 1:
                        self.assumptions.append(
                            self.es(
                                f"'{phrase}' = cualquiera de: {', '.join(tied)}",
                                f"'{phrase}' = any of: {', '.join(tied)}",
                            )
                        )
                    self.add(a, b, "orderattr", (lk.field, tied))
                    # "tarjeta" / "card" next to a card brand or payment method is part of it
                    for x in (a - 1, b):
                        if (
                            0 <= x < len(s)
                            and s.free(x)
                            and s.words[x].f
                            in (
                                "tarjeta",
                                "card",
                                "cards",
                                "tarjetas",
                                "cupon",
                                "coupon",
                                "codigo",
                                "code",
                                "shop",
                                "store",
                                "tienda",
                            )
                        ):
                            s.claim(x, x + 1, "orderattr")
                    break

    def link_product_runs(self, i: int, j: int, frame: Item) -> None:
        s = self.s
        a = i
        while a < j:
            if not s.free(a):
                a += 1
                continue
            b = a
            while b < j and s.free(b):
                b += 1
            glued = self.glued_value(a, b)
            if glued is not None:
                x, y, m = glued
                self.assumptions.append(assumption_sentence(s.span_text(x, y), m, self.lang))
                self.add(x, y, "product", m)
                continue
            # operator words at either end are no product: they are left to the accounting (asked)
            while a < b and (self.filler(a) or self.loose_operator(a)):
                a += 1
            e = b
            while e > a and (self.filler(e - 1) or self.loose_operator(e - 1)):
                e -= 1
            if a < e:
                b = e
                phrase = s.span_text(a, b)
                res = self.cat.match_products(phrase, lang=self.lang)
                # "protector solar y aftersun": two products, unless one catalog value is named with its
                # own "y" ("Vitaminas y suplementos")
                whole = res.match is not None and not res.uncovered and self._names_a_joined_value(res.match)
                if not whole and self.split_products(a, b):
                    a = b
                    continue
                thin = self.thin_names(res) if res.match is not None and not res.uncovered else []
                if thin:
                    # "a PS5" met only as one word of "EA Sports FC 25 PS5": too little to say which
                    self.clar.append(
                        Clarification(
                            self.es(
                                f"'{phrase}' solo aparece como parte de nombres de producto: ¿cuál?",
                                f"'{phrase}' only appears inside product names: which one?",
                            ),
                            thin,
                        )
                    )
                    self.unrec.append(phrase)
                    s.claim(a, b, "unknown")
                elif res.match is not None and not res.uncovered:
                    if res.ambiguous:
                        opts = [self._pm_label(m) for m in [res.match, *res.ambiguous]]
                        self.clar.append(
                            Clarification(
                                self.es(
                                    f"'{phrase}' puede ser varias cosas del catálogo: ¿cuál?",
                                    f"'{phrase}' could be several things in the catalog: which one?",
                                ),
                                opts,
                            )
                        )
                    if res.assumption:
                        self.assumptions.append(res.assumption)
                    self.add(a, b, "product", res.match)
                elif res.match is not None:
                    # part of the phrase is a product, the rest is not in the catalog: ask
                    self.clar.append(
                        Clarification(
                            self.es(
                                f"No encuentro '{' '.join(res.uncovered)}' en el catálogo (en '{phrase}')",
                                f"'{' '.join(res.uncovered)}' is not in the catalog (in '{phrase}')",
                            ),
                            [self._pm_label(res.match)],
                        )
                    )
                    self.unrec.append(phrase)
                    s.claim(a, b, "unknown")
                else:
                    # a place after the verb ("compraron en Madrid")? else unknown
                    if not self.link_places(a, b, report=False):
                        near = self.closest_products(phrase)
                        self.clar.append(
                            Clarification(
                                self.es(
                                    f"No encuentro '{phrase}' en el catálogo de la tienda",
                                    f"'{phrase}' is not in the shop's catalog",
                                ),
                                near,
                            )
                        )
                        self.unrec.append(phrase)
                        s.claim(a, b, "unknown")
            a = b

    @staticmethod
    def thin_names(res: Any) -> list[str]:
        """Product names the phrase meets with less than half of their words, when only names matched:
        the reading would be a guess, so they are offered instead."""
        from segmenta.assistant.catalog import content_words

        m = res.match
        if m is None or m.category or m.subcategory or m.brand or not m.name:
            return []
        thin = []
        for lk in getattr(res, "links", []):
            if lk.field == "name" and 2 * len(lk.words) < len(content_words(lk.value)):
                thin.append(lk.value)
        return thin if len(thin) == len(m.name) else []

    @staticmethod
    def _names_a_joined_value(m: ProductMatch) -> bool:
        import re

        values = [*m.category, *m.subcategory, *m.brand, *m.name]
        return any(re.search(r"\s(y|and|e|&)\s", v, re.IGNORECASE) for v in values)

    def split_products(self, a: int, b: int) -> bool:
        """ "protector solar y aftersun": two products joined by "y" / "and", each a full match."""
        s = self.s
        cuts = [k for k in range(a + 1, b - 1) if s.words[k].f in ("y", "and", "e", "plus", "mas", "&")]
        if not cuts:
            return False
        bounds = [a, *cuts, b]
        pieces = []
        for x, y in zip(bounds, bounds[1:], strict=False):
            x = x + 1 if x != a else x
            while x < y and (s.words[x].f in L.FILLER or operator_class(s.words[x].f) == "also"):
                x += 1  # "X y también Y": the "also" is the "and" itself
            if x >= y:
                return False
            res = self.cat.match_products(s.span_text(x, y), lang=self.lang)
            if res.match is None or res.uncovered:
                return False
            pieces.append((x, y, res))
        for k, (x, y, res) in enumerate(pieces):
            if k:
                self.add(x - 1, x, "and_product")
            if res.assumption:
                self.assumptions.append(res.assumption)
            self.add(x, y, "product", res.match)
        return True

    def closest_products(self, phrase: str) -> list[str]:
        """The catalog's product values closest to a phrase the shop does not have: only values of
        the kind "bought" asks for (category, subcategory, brand, product name)."""
        fields = ["category", "subcategory", "brand", "name"]
        out = [f"{lk.field}: {lk.value}" for lk in self.cat.link(phrase, fields=fields, lang=self.lang)[:5]]
        nearest = getattr(self.cat, "nearest", None)
        if not out and nearest is not None:
            out = [f"{f}: {v}" for f, v in nearest(phrase, fields)]
        return out

    def _pm_label(self, m: ProductMatch) -> str:
        parts = [
            f"{k} {', '.join(v)}"
            for k, v in (
                ("category", m.category),
                ("subcategory", m.subcategory),
                ("brand", m.brand),
                ("name", m.name),
            )
            if v
        ]
        return "; ".join(parts)

    def link_message_runs(self, i: int, j: int) -> None:
        s = self.s
        a = i
        while a < j:
            if not s.free(a) or s.words[a].f in L.FILLER:
                a += 1
                continue
            found = False
            for b in range(j, a, -1):
                if not self.span_ok(a, b):
                    continue
                phrase = s.span_text(a, b)
                links = self.links(phrase, MESSAGE_FIELDS, 85)
                if links:
                    lk = links[0]
                    self.add(a, b, "msgattr", (lk.field, [lk.value]))
                    a = b
                    found = True
                    break
            if not found:
                self.unrec.append(s.words[a].raw)
                s.claim(a, a + 1, "unknown")
                a += 1

    def link_places(self, i: int, j: int, report: bool = True) -> bool:
        """Link a run of free words to places (longest spans first); report what stays unknown."""
        s = self.s
        ok = False
        a = i
        while a < j:
            if not s.free(a) or self.filler(a):
                a += 1
                continue
            for b in range(min(j, a + 5), a, -1):
                if not self.span_ok(a, b):
                    continue
                phrase = s.span_text(a, b)
                links = self.place_links(phrase)
                if links:
                    self.add(a, b, "cond", self.place_condition(links, phrase))
                    ok = True
                    a = b
                    break
            else:
                if report:
                    self.unknown_word(a)
                a += 1
        return ok

    def unknown_word(self, a: int) -> None:
        s = self.s
        w = s.words[a]
        if operator_class(w.f) is None and (w.f in L.FILLER or is_filler(w.f, self.lang)):
            return  # a function word typed with a capital that names nothing of the shop: filler
        op = operator_class(w.f)
        if op is not None:
            self.unrec.append(w.raw)
            s.claim(a, a + 1, "unknown")
            opener = w.raw if all(self.filler(x) for x in range(a)) else None
            self.clar.append(Clarification(operator_question(w.raw, op, self.lang), opener=opener))
            return
        self.unrec.append(w.raw)
        s.claim(a, a + 1, "unknown")
        near = [
            f"{lk.field}: {lk.value}" for lk in self.cat.link(w.raw, lang=self.lang)[:4] if lk.score >= 60
        ]
        self.clar.append(
            Clarification(
                self.es(
                    f"No sé qué significa '{w.raw}' en esta tienda",
                    f"I do not know what '{w.raw}' means for this shop",
                ),
                near,
            )
        )

    # ----------------------------------------------------------------- assembly
    def assemble(self) -> SegmentPlan | None:
        from segmenta.assistant.assemble import Assembler

        return Assembler(self).build()
