"""Comparisons read from the text: comparator, number(s), unit ("más de 300 €", "25 to 35 años",
"3 o más pedidos", "de 60 para arriba"), exactly as written (DATA_MODEL "Comparison words").
"""

from __future__ import annotations

from segmenta.assistant import lexicon as L
from segmenta.assistant.numbers import parse_money, parse_number
from segmenta.assistant.reading.base import (
    _SHOP_MONEY,
    Grammar,
)
from segmenta.assistant.reading.pieces import (
    Quantity,
)


class QuantityWords(Grammar):
    """Comparisons read from the text: comparator, number(s), unit ("más de 300 €", "25 to 35 años",."""

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
            # "y más", "and over", "o menos" come after their number: before one they are the
            # conjunction and the next comparison ("5 and over 300 €" is over 300)
            if n and not (n > 1 and s.words[j].f in ("y", "e", "and", "o", "or", "u")):
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
                if (
                    n
                    and s.words[j].f not in ("desde", "hasta", "min", "max", "maximo", "minimo", ">=", "<=")
                    and not self._starts_next_comparison(j, n)
                ):
                    op, j = cop, j + n
                    break
            if unit is None:
                unit, currency, j = self._unit(j, currency)
        if op == "between" and value2 is not None and value2 < value:
            value, value2 = value2, value
        return Quantity(op, value, value2, unit, currency), j

    def _starts_next_comparison(self, j: int, n: int) -> bool:
        """Whether the words j..j+n, read as "o más"/"and over" after a number, are rather the start
        of the next comparison: "RFM 5 y más de 300 €" is RFM 5 and more than 300 €, "4 and over 50"
        is 4 and over 50. A comparator starting inside them and ending past them, followed by a
        number, takes them."""
        s = self.s
        for k in range(j, j + n):
            for pats in L.COMPARATORS.values():
                m = s.match(k, pats, fuzzy=False)
                if m and k + m >= j + n and (k > j or k + m > j + n) and self._num(k + m):
                    return True
        return False

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
