"""Recognisers of scores and contact facts: quoted saved segments, custom-field flags, RFM (scores,
cells, named segments), lead score, postal codes, first/last purchase dates, AOV, sign-up and birthdays.
"""

from __future__ import annotations

from segmenta.assistant import lexicon as L
from segmenta.assistant.plan import (
    AttributeCondition,
    Compare,
    LeadScoreCondition,
    MetricCondition,
    RfmCondition,
    SavedSegmentCondition,
)
from segmenta.assistant.reading.base import (
    Grammar,
)
from segmenta.assistant.reading.pieces import Item

_DATE_VERBS = frozenset(
    {"was", "fue", "fuera", "sea", "is", "came", "happened", "fell", "cayo", "llego", "hicieron"}
)


class ScoreWords(Grammar):
    """Recognisers of scores and contact facts: quoted saved segments, custom-field flags, RFM (scores,."""

    # ----------------------------------------------------------------- recognisers
    def rx_quoted(self, i: int) -> int:
        w = self.s.words[i]
        if not w.quoted:
            return 0
        for name in self.saved:
            if name.casefold() == w.raw.casefold():
                return self.add(i, i + 1, "cond", SavedSegmentCondition(name=name, text=w.raw))
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
                k = self.skip_filler(
                    k, 2, frozenset({"de", "del", "of", "score", "puntuacion", "=", "is", "es"})
                )
                q = self.read_quantity(k)
                if q is None or not (1 <= q[0].value <= 5):
                    break
                cmp, j = q[0].compare(), q[1]
                # "R 1 or 2", "F 4 o 5": neighbouring scores are a range; others are asked about
                listed = [int(q[0].value)] if q[0].op == "=" else []
                while (
                    listed
                    and j + 1 < len(s)
                    and s.words[j].f in ("o", "u", "or", "/")
                    and s.words[j + 1].f.isdigit()
                    and 1 <= int(s.words[j + 1].f) <= 5
                ):
                    listed.append(int(s.words[j + 1].f))
                    j += 2
                if len(listed) > 1:
                    lo, hi = min(listed), max(listed)
                    if sorted(listed) != list(range(lo, hi + 1)):
                        break
                    cmp = Compare(op="between", value=float(lo), value2=float(hi))
                conds[letter] = cmp
            if (
                j < len(s)
                and s.words[j].f in ("y", "and", "e", "but", "pero", "with", "con")
                and j + 1 < len(s)
            ):
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
        if j > i and s.words[j - 1].f in ("y", "and", "e", "but", "pero", "with", "con"):
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
                # words restated by the window ("en el buen fin del ..., o sea ...") do not part them
                gap = [k for k in range(j, it.pos) if s.words[k].used != "ignored"] if it.pos >= j else []
                if it.kind == "window" and j <= it.pos < end and len(gap) <= 4:
                    s.claim(i, j, "metric")
                    for k in range(j, it.pos):
                        if s.free(k) and s.words[k].f in L.FILLER | _DATE_VERBS:
                            s.claim(k, k + 1, "filler")
                    self.items.remove(it)
                    once = any(
                        it2.kind == "cond" and getattr(it2.data, "metric", "") == "orders_count"
                        for it2 in self.items
                    )
                    if {"only", "unico", "unica"} & {w.f for w in s.words[i:j]} and not once:
                        # "whose only order came in Q4": one order ever, and it fell in the window
                        self.items.append(
                            Item(
                                i,
                                j,
                                "cond",
                                MetricCondition(metric="orders_count", compare=Compare(op="=", value=1)),
                            )
                        )
                    return self.add(
                        i,
                        it.end,
                        "cond",
                        MetricCondition(metric=metric, window=it.data, text=s.span_text(i, it.end)),  # type: ignore[arg-type]
                    )
            if metric == "first_order_at":
                # "cuya primera compra fue en la tienda física", "whose first order was paid by PayPal":
                # the contact's first completed order has that detail
                k = self.skip_filler(j, 2, frozenset({"fue", "was", "se", "hizo", "made", "placed"}))
                at = k + (k < len(s) and s.words[k].f in ("en", "in", "at"))
                at += at < len(s) and s.words[at].f in ("la", "el", "the", "una", "a", "our", "nuestra")
                if k < len(s) and (
                    s.match(k, L.CHANNEL_STORE)
                    or s.match(k, L.CHANNEL_ONLINE)
                    or (at > k and at < len(s) and s.match(at, L.STORE_WORDS))
                    or s.words[k].f in ("con", "with", "by", "por", "paid", "pagada", "pagado", "pagaron")
                ):
                    return self.add(i, k, "verb", ("purchase", "first"))
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
