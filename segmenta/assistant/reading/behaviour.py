"""Recognisers of what the contacts did: stores, order status, devices, "same order", channels,
the latest message, per-order amounts, quantities as conditions, the verbs that open a frame
(with the message names right after a message verb), connectors (not, except, without, or)
and region/city/country words.
"""

from __future__ import annotations

import re

from segmenta.assistant import lexicon as L
from segmenta.assistant.reading.base import (
    MESSAGE_FIELDS,
    Grammar,
)
from segmenta.assistant.reading.pieces import (
    Clarification,
    Item,
)
from segmenta.assistant.reading.words import known_word


class BehaviourWords(Grammar):
    """Recognisers of what the contacts did: stores, order status, devices, "same order", channels,."""

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
        holds = getattr(self.cat, "holds", None)
        nxt = s.words[lead + n].f if lead + n < len(s) else ""
        if holds is not None and nxt and holds("", s.words[lead + n - 1].f, nxt):
            return 0  # "tiendas de campaña": a product the shop sells, not a shop
        for size in (3, 2):
            # a product the shop sells under another language's name ("tiendas de campaña" = Tents)
            if lead + size <= len(s) and self.links(
                s.span_text(lead, lead + size), ["category", "subcategory"], 88
            ):
                return 0
        i0, i = i, lead
        j = self.skip_filler(i + n, 2, frozenset({"de", "del", "of", "in", "en", "at", "la", "el"}))
        end = s.clause_end(i)
        for k in range(min(end, j + 4), j, -1):
            if k - 1 > j and self.filler(k - 1):
                continue  # "la tienda de Zaragoza y también online": the "y" joins what follows
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
            for back in (2, 1):
                # "tiendas de campaña": the word ends a product's name, not a campaign
                if i - back >= 0 and self.links(
                    self.s.span_text(i - back, i + n), ["category", "subcategory"], 88
                ):
                    return 0
            return self.add(i, i + n, "workflow_word")
        return 0

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

    def rx_cart_value(self, i: int) -> int:
        """The value of the cart on a cart event (``web_events.value``): "abandoned a cart worth over
        30", "un carrito de más de 50 €", "added to cart 100+ €". A bare number needs a link word and
        a comparison ("worth over 30"); with neither it is not a value ("abandoned a cart over 30"
        stays what it was, an age)."""
        s = self.s
        frame = self.frame_before(i)
        if frame is None or frame.data not in (("web", "cart_abandoned"), ("web", "add_to_cart")):
            return 0
        j = i
        while j < len(s) and j - i < 4 and s.free(j) and s.words[j].f in L.CART_VALUE_LINKS:
            j += 1
        q = self.read_quantity(j)
        if q is None:
            return 0
        qty, stop = q
        if qty.unit not in ("money", None):
            return 0
        if qty.unit is None:
            if j == i or qty.op == "=":
                return 0
            self.assumptions.append(
                self.es(
                    f"'{s.span_text(j, stop)}' = valor del carrito en la moneda de la tienda",
                    f"'{s.span_text(j, stop)}' = a cart value in the shop's currency",
                )
            )
        return self.add(i, stop, "cartvalue", qty.compare())

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
        if (
            start < i
            and before is not None
            and before.data[0] == "purchase"
            and (
                j >= end
                or self.read_quantity(j) is None
                and (j + 1 >= end or self.read_quantity(j + 1) is None)
            )
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
        n = s.match(i, L.AND_ALSO, fuzzy=False)
        if n and any(not self.filler(k) for k in range(i + n, s.clause_end(i + n - 1))):
            # "X y también Y", "X and also Y": two conditions, both held (AND is how they join anyway)
            return self.add(i, i + n, "and_also")
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
        if n and self.conjunction_as_name(i):
            return 0
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
