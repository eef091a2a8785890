"""Linking the words no recogniser claimed to the shop's catalog: products and order details after
a buying or viewing verb, message names after a message verb, places elsewhere; what names
nothing becomes a clarification with the closest values of the kind the context asks for.
"""

from __future__ import annotations

import re
from typing import Any

from segmenta.assistant import lexicon as L
from segmenta.assistant.catalog import assumption_sentence
from segmenta.assistant.plan import (
    AttributeCondition,
    ProductMatch,
)
from segmenta.assistant.reading.base import (
    MESSAGE_FIELDS,
    ORDER_FIELDS,
    PLACE_FIELDS,
    Grammar,
)
from segmenta.assistant.reading.pieces import (
    Clarification,
    Item,
)
from segmenta.assistant.reading.words import is_filler, known_word, operator_class
from segmenta.assistant.text import fold
from segmenta.labels import Lang, field_label, option_label, value_label

_PLACE_LEADS = frozenset({"in", "en", "de", "del", "from", "desde", "near", "around", "cerca", "of"})


class Linking(Grammar):
    """Linking the words no recogniser claimed to the shop's catalog: products and order details after."""

    # ----------------------------------------------------------------- catalog linking of free words
    def place_links(
        self, phrase: str, fields: tuple[str, ...] = PLACE_FIELDS, due: bool = False
    ) -> list[Any]:
        """The shop's places a phrase names. ``due``: a place is expected here (after "in", "de",
        or in a list of places), so a short code that is also a word counts ("bcn or mad")."""
        from segmenta.assistant.places import region_names

        # a region the shop holds under another language's name ("Escocia" for Scotland), or the
        # regions under a larger one the gazetteer knows ("Scotland", "Aragón"), beat the country
        # it lies in
        names = region_names(phrase) if "region" in fields else ()
        for name in names:
            exact = self.links(name, ("region",), 97)
            if exact:
                return exact[:1]
        for name in (phrase, *names) if "region" in fields else ():
            under: list[Any] = self.cat.alias_links(name, ("region",))
            if under and not self.links(phrase, tuple(f for f in fields if f != "country"), 97):
                return under
        links = self.links(phrase, fields, 80 if due else 85)
        # part of a longer place name by one word only when it is not a common word ("Vitoria" for
        # Vitoria-Gasteiz, "San Pedro" for San Pedro Garza García, never "nuevos" for Nuevo León)
        links = [
            lk
            for lk in links
            if lk.field == "country"
            or len(lk.words) >= 2
            or len(lk.words) >= len(fold(lk.value).replace("-", " ").split())
            or not set(lk.words) <= set(fold(lk.value).replace("-", " ").split())  # another name
            or not all(known_word(w) for w in lk.words)
        ]
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
        if frame is None:
            # "tnf buyers", "Patagonia customers who …": the product named before a buyer noun
            # "los que shampoo sí han comprado": the object before its verb
            k = j
            while k < len(s) and k - j < 3 and s.words[k].f in ("si", "ya", "han", "ha", "have", "has"):
                k += 1
            after = next(
                (
                    it
                    for it in self.items
                    if it.pos == k
                    and (
                        (it.kind == "audience" and it.data == "buyers")
                        or (it.kind == "verb" and it.data[0] == "purchase" and k > j)
                    )
                ),
                None,
            )
            if after is not None:
                self.link_product_runs(i, j, Item(after.pos, after.pos, "verb", ("purchase", "")))
                return
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
                        from segmenta.assistant.explainer import join_words

                        lang: Lang = "es" if self.lang == "es" else "en"
                        words = join_words([str(value_label(lk.field, v, lang)) for v in tied], lang)
                        self.assumptions.append(
                            self.es(f"'{phrase}' = cualquiera de: {words}", f"'{phrase}' = any of: {words}")
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
                apart = self.names_apart(res.match) if res.match is not None and not res.uncovered else []
                if apart:
                    # "una switch": the console or its controller? products of different kinds named
                    # by one shared word are a question, never all of them at once
                    self.clar.append(
                        Clarification(
                            self.es(
                                f"'{phrase}' nombra productos de tipos distintos: ¿cuál?",
                                f"'{phrase}' names products of different kinds: which one?",
                            ),
                            apart,
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
                                )
                                + self.teach_hint(phrase, near),
                                near,
                            )
                        )
                        self.unrec.append(phrase)
                        s.claim(a, b, "unknown")
            a = b

    def teach_hint(self, word: str, near: list[str]) -> str:
        """With nothing close to offer, how to teach the shop the word (``segmenta.tools.shopwords``)."""
        if near:
            return ""
        return self.es(
            f" (si es una palabra vuestra: recuerda '{word}' = …)",
            f" (if it is a word of yours: remember '{word}' = …)",
        )

    def names_apart(self, m: ProductMatch) -> list[str]:
        """Product names matched by part of their text that lie in different subcategories (or
        categories): the names, each with its kind, to choose from; [] when they are of one kind."""
        if m.category or m.subcategory or m.brand or len(m.name) < 2:
            return []
        rows = getattr(self.cat, "products", [])
        kinds = {r[0]: (r[2] or r[1] or "") for r in rows if r[0] in m.name}
        if len(set(kinds.values())) < 2:
            return []
        lang: Lang = "es" if self.lang == "es" else "en"
        name = field_label("name", lang)
        return [f"{name}: {n} ({kinds.get(n, '')})" for n in m.name]

    @staticmethod
    def _names_a_joined_value(m: ProductMatch) -> bool:

        values = [*m.category, *m.subcategory, *m.brand, *m.name]
        return any(re.search(r"\s(y|and|e|&)\s", v, re.IGNORECASE) for v in values)

    def split_products(self, a: int, b: int) -> bool:
        """ "protector solar y aftersun": two products joined by "y" / "and", each a full match."""
        s = self.s
        joins = ("y", "and", "e", "plus", "mas", "&", "pero", "but")
        cuts = [k for k in range(a + 1, b - 1) if s.words[k].f in joins]
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
        links = [(lk.field, lk.value) for lk in self.cat.link(phrase, fields=fields, lang=self.lang)[:5]]
        nearest = getattr(self.cat, "nearest", None)
        if not links and nearest is not None:
            links = list(nearest(phrase, fields))
        return [option_label(f, v, self.lang) for f, v in links]

    def _pm_label(self, m: ProductMatch) -> str:
        lang: Lang = "es" if self.lang == "es" else "en"
        parts = [
            f"{field_label(k, lang)} {', '.join(v)}"
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
        missed: list[int] = []
        a = i
        while a < j:
            if not s.free(a) or self.filler(a):
                a += 1
                continue
            due = self.place_due(a)
            for b in range(min(j, a + 5), a, -1):
                if not self.span_ok(a, b):
                    continue
                phrase = s.span_text(a, b)
                links = self.place_links(phrase, due=due)
                if links:
                    # "Madrid province", "vlc ciudad": the kind word after the name picks the field
                    for pats, fields in ((L.REGION_WORDS, ("region",)), (L.CITY_WORDS, ("city",))):
                        n = s.match(b, pats) if b < len(s) and s.free(b) else 0
                        kind = self.place_links(phrase, fields, due=True) if n else []
                        if kind:
                            links, b = kind, b + n
                            break
                    self.add(a, b, "cond", self.place_condition(links, phrase))
                    ok = True
                    a = b
                    break
            else:
                if report:
                    self.unknown_word(a)
                else:
                    missed.append(a)
                a += 1
        if ok:
            # some words were places: the others are never dropped ("mty y san pedro" with no
            # San Pedro of that name): they are asked about
            for k in missed:
                if s.free(k) and not self.filler(k) and s.words[k].f not in ("y", "and", "o", "or", "e", "u"):
                    self.unknown_word(k)
        return ok

    def place_due(self, a: int) -> bool:
        """Whether word a stands where a place is expected: after a place preposition, or after
        "or" / "and" that follows a place ("in bcn or mad")."""
        s = self.s
        if a == 0:
            return False
        prev = s.words[a - 1].f
        if prev in _PLACE_LEADS:
            return True
        if prev in ("o", "u", "y", "e", "or", "and", "&", "/"):
            return any(
                it.kind == "cond" and it.end == a - 1 and getattr(it.data, "field", None) in PLACE_FIELDS
                for it in self.items
            )
        return False

    def unknown_word(self, a: int) -> None:
        s = self.s
        w = s.words[a]
        if operator_class(w.f) is None and (w.f in L.FILLER or is_filler(w.f, self.lang)):
            return  # a function word typed with a capital that names nothing of the shop: filler
        op = operator_class(w.f)
        if op is not None and not self.conjunction_as_name(a):
            self.ask_operator(a, a + 1, op)
            return
        self.unrec.append(w.raw)
        s.claim(a, a + 1, "unknown")
        near = [
            option_label(lk.field, lk.value, self.lang)
            for lk in self.cat.link(w.raw, lang=self.lang)[:4]
            if lk.score >= 60
        ]
        self.clar.append(
            Clarification(
                self.es(
                    f"No sé qué significa '{w.raw}' en esta tienda",
                    f"I do not know what '{w.raw}' means for this shop",
                )
                + self.teach_hint(w.raw, near),
                near,
            )
        )
