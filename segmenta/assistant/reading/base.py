"""The grammar's shared state and helpers: the word stream, the items recognised so far, the
catalog, and the tests every recogniser uses (filler, capitals, operator words, catalog spans).

The recognisers (``scores``, ``people``, ``behaviour``, ``quantities``) and the linking of free
words (``linking``) are mixins over this base; ``segmenta.assistant.parser`` puts them together.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from segmenta.assistant import lexicon as L
from segmenta.assistant.plan import (
    AttributeCondition,
    ProductMatch,
    Window,
)
from segmenta.assistant.reading.pieces import (
    Clarification,
    Item,
    Quantity,
    operator_question,
)
from segmenta.assistant.reading.words import is_filler, operator_class
from segmenta.assistant.stream import Stream
from segmenta.assistant.text import detect_language

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

    def alias_links(self, phrase: str, fields: Any) -> list[Any]: ...


_SHOP_MONEY = frozenset(
    "pavos pavo pelas lana varos varo bucks buck quid pasta plata guita luca lucas k".split()
)


class Grammar:
    """The state of one reading and the helpers every stage of the grammar shares."""

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
        if is_filler(w.f, self.lang):
            return True
        if w.f in L.FILLER:
            # a grammar filler that is no function word ("carrito", "producto") is content where the
            # shop sells it ("carrito o silla de coche" in a baby shop)
            product_word = getattr(self.cat, "product_word", None)
            return not (product_word is not None and product_word(w.f) and self.frame_before(k) is not None)
        return False

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

    def ask_operator(self, a: int, b: int, op: str) -> None:
        """Ask about the operator word(s) a..b that no condition used, never answer without them; an
        operator opening the request is marked, so a follow-up ("ahora solo mujeres") may take it."""
        text = self.s.span_text(a, b)
        self.unrec.append(text)
        opener = text if all(self.filler(x) for x in range(a)) else None
        self.clar.append(Clarification(operator_question(text, op, self.lang), opener=opener))
        self.s.claim(a, b, "unknown")

    def span_ok(self, a: int, b: int) -> bool:
        """Words a..b may be read as one catalog value: all free, no loose operator word among them."""
        return all(self.s.free(x) and not self.loose_operator(x) for x in range(a, b))

    def conjunction_as_name(self, k: int) -> bool:
        """A Spanish conjunction ("ni", "o", "u") said in English, or typed in capitals ("NI or
        ROI"): a name (Northern Ireland), not an operator."""
        w = self.s.words[k]
        return w.f in ("ni", "o", "u") and (self.lang == "en" or (w.raw.isupper() and len(w.raw) > 1))

    def loose_operator(self, k: int) -> bool:
        """An operator word that is not part of a catalog value there ("X" in "Xbox Series X" is)."""
        s = self.s
        if operator_class(s.words[k].f) is None:
            return False
        w = s.words[k]
        if self.conjunction_as_name(k):
            return False
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

    # ---- implemented by the mixins (declared here so each mixin can call the others)
    report: Any

    def place_links(
        self, phrase: str, fields: tuple[str, ...] = PLACE_FIELDS, due: bool = False
    ) -> list[Any]:
        raise NotImplementedError

    def place_condition(self, links: list[Any], text: str) -> AttributeCondition:
        raise NotImplementedError

    def read_quantity(self, i: int) -> tuple[Quantity, int] | None:
        raise NotImplementedError

    def frame_before(self, i: int) -> Item | None:
        raise NotImplementedError

    def rx_latest(self, i: int) -> int:
        raise NotImplementedError

    def rx_segment_name(self, i: int, lead: tuple[int, int] | None = None) -> int:
        raise NotImplementedError

    def link_places(self, i: int, j: int, report: bool = True) -> bool:
        raise NotImplementedError

    def _negated_before(self, i: int) -> bool:
        raise NotImplementedError

    def _num(self, i: int) -> bool:
        raise NotImplementedError
