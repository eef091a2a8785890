"""Recognisers of how a purchase repeats or is restricted: "only" (settled reading 12), "again"
(reading 13) and "y lo devolvieron", and the products of orders just counted ("orders that had X").
"""

from __future__ import annotations

from segmenta.assistant import lexicon as L
from segmenta.assistant.reading.base import Grammar

_ONLY_WORDS = frozenset(
    {"solo", "solamente", "unicamente", "exclusivamente", "only", "exclusively", "nomas", "nomás"}
)
# said after what the orders had: "y en ningún otro lado", "and nowhere else"
_ONLY_AFTER = (
    ("y", "en", "ningun", "otro", "lado"),
    ("y", "en", "ningun", "otro", "sitio"),
    ("y", "en", "ningun", "otro", "lugar"),
    ("y", "en", "ninguna", "otra"),
    ("y", "nada", "mas"),
    ("y", "en", "ningun", "otro"),
    ("and", "nowhere", "else"),
    ("nowhere", "else"),
    ("and", "nothing", "else"),
    ("y", "nada", "mas"),
)
_ONLY_SKIP = frozenset({"ever", "have", "has", "had", "nos", "les", "han", "ha", "te", "me"})
_ONLY_NOT_BEFORE = frozenset(
    {"una", "un", "uno", "once", "one", "a", "an", "order", "orders", "pedido", "pedidos", "vez", "compra"}
)


_ORDERS_WITH = (
    ("that", "had"),
    ("which", "had"),
    ("that", "contained"),
    ("containing",),
    ("that", "included"),
    ("including",),
    ("with",),
    ("que", "incluian"),
    ("que", "incluyan"),
    ("que", "tenian"),
    ("que", "llevaban"),
    ("con",),
)
_THEN_WORDS = frozenset({"luego", "despues", "then", "later", "and", "y", "tras", "eso"})
_COME_BACK_ES = frozenset(
    {"volvieron", "vuelven", "volvio", "vuelve", "vuelto", "volver", "volvian", "regresaron"}
)
_AGAIN_ES = frozenset({"otra", "de"})


class RepeatWords(Grammar):
    """Recognisers of "only", "again", "returned it" and "orders that had X"."""

    def rx_orders_with(self, i: int) -> int:
        """ "three or more orders that had climbing kit in them", "pedidos que incluían pañales": the
        products of the orders just counted (those orders have a line of them)."""
        s = self.s
        prev = [it for it in self.items if it.kind == "qty" and it.end <= i and i - it.end <= 1]
        if not prev or getattr(prev[-1].data, "unit", None) != "orders":
            return 0
        n = s.match(i, _ORDERS_WITH, fuzzy=False)
        return self.add(i, i + n, "verb", ("purchase", "contains")) if n else 0

    def rx_only(self, i: int) -> int:
        """ "solo compran online", "who only ever bought climbing kit", "compraron solo Nike" (settled
        reading 12): every completed order passes what the purchase names. Not "only order" / "solo
        una vez" / "solo 2 pedidos", which count orders, and not "only" with no purchase near it."""
        s = self.s
        n = s.match(i, _ONLY_AFTER, fuzzy=False)
        if n and self.frame_before(i) is not None:
            return self.add(i, i + n, "only")  # "en la sucursal Coyoacán y en ningún otro lado"
        first = 2 if s.words[i].f == "nada" and i + 1 < len(s) and s.words[i + 1].f == "mas" else 1
        if first == 1 and s.words[i].f not in _ONLY_WORDS:
            return 0
        j = i + first
        while j < len(s) and j - i <= 3 and s.words[j].f in _ONLY_SKIP:
            j += 1
        if j >= len(s) or s.words[j].raw.isdigit() or s.words[j].f in _ONLY_NOT_BEFORE:
            return 0
        before = i > 0 and (
            s.words[i - 1].used == "verb"
            or any(s.match(i - 1, pats) for (fam, _), pats in L.VERBS.items() if fam == "purchase")
        )
        after = any(s.match(j, pats) for (fam, _), pats in L.VERBS.items() if fam == "purchase")
        if not (before or after):
            return 0
        return self.add(i, i + first, "only")

    def _purchase_verb_at(self, j: int) -> int:
        s = self.s
        if j >= len(s) or not s.free(j):
            return 0
        return max(
            (
                s.match(j, pats)
                for (fam, det), pats in L.VERBS.items()
                if fam == "purchase" and det != "return"
            ),
            default=0,
        )

    def rx_again(self, i: int) -> int:
        """Buying again (settled reading 13): "volvieron a comprarlos", "came back and bought another
        one", "purchased sunscreen again", "otra vez", "de nuevo", "repeat purchase". The item marks
        the purchase of the product named last (or next) as two or more distinct orders; a verb it
        swallows ("volvieron a comprarlos") opens no second purchase. And "y la regresaron" / "and
        returned it": that product's line was returned."""
        s = self.s
        start = i
        while i < len(s) and s.words[i].f in _THEN_WORDS and i - start < 2:
            i += 1
        w = s.words[i].f if i < len(s) else ""
        if w in _COME_BACK_ES and i + 1 < len(s) and s.words[i + 1].f == "a":
            n = self._purchase_verb_at(i + 2)
            if n and not self._negated_before(start):
                return self.add(start, i + 2, "again", "come_back")  # the verb after is read as usual
            return 0
        if w in ("came", "come", "comes", "coming") and i + 1 < len(s) and s.words[i + 1].f == "back":
            return self.add(start, i + 2, "again", "come_back")
        if start == i and w in _AGAIN_ES and i > 0 and not self._negated_before(i):
            m = 2 if w in ("otra", "de") and i + 1 < len(s) and s.words[i + 1].f in ("vez", "nuevo") else 0
            if m and self.frame_before(i) is not None:
                return self.add(i, i + m, "again")
            return 0
        if start == i and w in ("again", "another") and self.frame_before(i) is not None:
            if self._negated_before(i):
                return 0
            n = 2 if w == "another" and i + 1 < len(s) and s.words[i + 1].f in ("one", "ones") else 1
            if w == "another" and n == 1:
                return 0  # "another brand": not a repeat of the same product
            return self.add(i, i + n, "again")
        if start == i and w in ("repeat", "repeated", "repetida", "repetidas") and i + 1 < len(s):
            if s.words[i + 1].f in ("purchase", "purchases", "compra", "compras"):
                return self.add(i, i + 2, "again")
        # "y la regresaron", "and returned it": the product named last, returned
        if start == i and w in ("la", "lo", "las", "los") and i + 1 < len(s):
            if s.match(i + 1, L.VERBS[("purchase", "return")]) or s.words[i + 1].f.startswith("regres"):
                if self.frame_before(i) is not None:
                    return self.add(i, i + 2, "returned_it")
        if start == i and (s.match(i, L.VERBS[("purchase", "return")]) or w.startswith("regres")):
            if i + 1 < len(s) and s.words[i + 1].f in ("it", "them") and self.frame_before(i) is not None:
                return self.add(i, i + 2, "returned_it")
        return 0
