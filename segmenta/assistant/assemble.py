"""Assembly: the recognised pieces of a request, in order, become the condition tree.

Frames (a verb and what follows it) take the windows, amounts, counts and order details after
them; negations and "or" attach to the next piece; a window that closes a list of purchase
conditions applies to those without one (settled reading 2); a negated behaviour right after
another ("viewed X in the last 30 days but didn't buy them") takes its object and window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from segmenta.assistant.plan import (
    All,
    Any_,
    AttributeCondition,
    Compare,
    MessageCondition,
    MetricCondition,
    Node,
    Not,
    ProductMatch,
    PurchaseCondition,
    SegmentPlan,
    WebCondition,
    Window,
)
from segmenta.assistant.reading.pieces import Clarification, Frame, Item, Quantity

if TYPE_CHECKING:
    from segmenta.assistant.parser import _Parser


class Assembler:
    """Builds the SegmentPlan from a parser's items."""

    def __init__(self, p: _Parser) -> None:
        from segmenta.assistant.reading.pieces import Frame

        self.p = p
        self.Frame = Frame
        self.nodes: list[tuple[str, Node | Frame, int]] = []  # (joiner, node or frame, position)
        self.frames: list[Frame] = []
        self.frame: Frame | None = None
        self.pending_neg: tuple[str, bool] | None = None  # (kind, never)
        self.neg_item: Item | None = None  # where the pending negation was said
        self.or_item: Item | None = None
        self.pending_or = False
        self.pending_only: Item | None = None
        self.pending_again = False  # "came back and bought X": the next purchase is a repeat
        self.again_target: Frame | None = None  # the repeat's purchase, which a later verb re-opens
        self.pending_channel: list[str] = []
        self.channel_words: list[str] = []
        self.floating: list[tuple[int, Window, str]] = []
        self.genders: list[str] = []
        self.gender_pos = -1
        self.audience: set[str] = set()
        self.churn_item: Item | None = None
        self.question = "list"

    # ----------------------------------------------------------------- walk
    def build(self) -> SegmentPlan | None:
        for it in sorted(self.p.items, key=lambda x: (x.pos, x.end)):
            getattr(self, f"on_{it.kind}", self.on_other)(it)
        self.close()
        if self.pending_only is not None:  # "only" with no purchase after it: never dropped
            text = self.p.s.span_text(self.pending_only.pos, self.pending_only.end)
            self.p.unrec.append(text)
            self.p.clar.append(self.p_clar(text))
        self.dangling_operators()
        self.place_windows()
        if self.pending_channel and self.p.report is None:  # a channel with nothing to apply it to: say so
            self.p.unrec.extend(self.channel_words)
            self.p.clar.append(self.p_clar(", ".join(self.channel_words)))
        nodes = self.tree()
        if self.p.unrec and not nodes and not self.genders:
            return None
        where = self.combine(nodes)
        return SegmentPlan(where=where, question=self.question, language=self.p.lang)  # type: ignore[arg-type]

    def dangling_operators(self) -> None:
        """A negation or an "or" that reached the end with nothing to apply to ("… but never UNO"
        when UNO names nothing) is asked about: the answer would otherwise drop it."""
        from segmenta.assistant.reading.pieces import Clarification, operator_question

        s = self.p.s
        dangling = ((self.pending_neg, self.neg_item, "negation"), (self.pending_or, self.or_item, "or"))
        for pending, it, op in dangling:
            # already asking about a word near it: the question is that word, not the operator
            if pending and it is not None and not self.p.clar:
                text = s.span_text(it.pos, it.end)
                self.p.unrec.append(text)
                self.p.clar.append(Clarification(operator_question(text, op, self.p.lang)))
        self.pending_neg = None
        self.pending_or = False

    def joiner(self) -> str:
        j = "or" if self.pending_or else "and"
        self.pending_or = False
        return j

    def take_neg(self) -> tuple[str, bool] | None:
        n = self.pending_neg
        self.pending_neg = None
        return n

    def push(self, node: Node, pos: int) -> None:
        neg = self.take_neg()
        if neg is not None:
            node = Not(item=node, text=node.text)
        self.nodes.append((self.joiner(), node, pos))

    def open_frame(self, family: str, detail: str, pos: int, *, elliptic: bool = False) -> Frame:
        self.close()
        neg = self.take_neg()
        f = self.Frame(family, detail, pos, joiner=self.joiner())
        if neg is not None:
            f.negated = True
            f.never = neg[1]
        if elliptic:
            f.flags.add("elliptic")
        if family == "purchase" and self.pending_only is not None:
            f.flags.add("only")
            self.pending_only = None
        if family == "message" and self.pending_channel:
            f.attrs["channel"] = list(self.pending_channel)
            self.pending_channel = []
            self.channel_words = []
        self.frame = f
        self.frames.append(f)
        self.nodes.append((f.joiner, f, pos))
        return f

    def close(self) -> None:
        self.frame = None

    def ensure_frame(self, family: str, pos: int) -> Frame:
        """The open frame of a family, or an elliptical one copying the last verb ("but never X")."""
        if (
            self.frame is not None
            and self.frame.family == family
            and not (self.pending_neg is not None and self.frame_has_content(self.frame))
        ):
            return self.frame
        last = next((f for f in reversed(self.frames) if f.family == family), None)
        detail = last.detail if last is not None else ""
        if family == "purchase" and detail in ("spend", "pay", "coupon"):
            detail = ""
        return self.open_frame(family, detail, pos, elliptic=True)

    @staticmethod
    def frame_has_content(f: Frame) -> bool:
        return bool(f.product or f.attrs or f.qty or f.window)

    # ----------------------------------------------------------------- handlers
    def on_verb(self, it: Item) -> None:
        family, detail = it.data
        target = self.again_target
        if target is not None and family == "purchase" and detail in ("", "spend") and not target.negated:
            # "bought a tent and then came back and bought another one": the same purchase, again
            self.again_target = None
            self.frame = target
            return
        if detail == "contains":
            # the orders just counted hold the products that follow: the same purchase
            if self.frame is None or self.frame.family != "purchase":
                self.open_frame("purchase", "", it.pos)
            return
        if detail == "pay" and self.describes_last_orders(it):
            # "pedidos cancelados pagados contra entrega", "orders paid by card": the participle
            # says how those orders were paid; it is no new purchase
            return
        first = family == "purchase" and detail == "first"
        f = self.open_frame(family, "" if first else detail, it.pos)
        if first:
            f.flags.add("first")
        if family == "purchase" and self.pending_again:
            f.flags.add("again")
            self.pending_again = False

    def describes_last_orders(self, it: Item) -> bool:
        """Whether a verb follows, with only filler between and no clause break, the orders of the
        open purchase frame named just before it (a status, an order noun, an amount of one order)."""
        f = self.frame
        if f is None or f.family != "purchase":
            return False
        before = [x for x in self.p.items if x.end <= it.pos and x is not it]
        if not before:
            return False
        prev = max(before, key=lambda x: x.end)
        if prev.kind not in ("orderattr", "orderword", "orderamount") or prev.pos < f.pos:
            return False
        s = self.p.s
        return not any(b in s.breaks for b in range(prev.end, it.pos + 1)) and all(
            self.p.filler(k) for k in range(prev.end, it.pos)
        )

    def last_bought(self, pos: int) -> Frame | None:
        """The purchase of the product named last before word ``pos`` (what "it", "again" refer to)."""
        return next(
            (
                f
                for f in reversed(self.frames)
                if f.family == "purchase" and f.product is not None and f.pos < pos
            ),
            None,
        )

    def on_again(self, it: Item) -> None:
        """Reading 13: the purchase of the product named last is two or more distinct orders."""
        target = self.last_bought(it.pos)
        if target is None or target.negated:
            if self.frame is not None and self.frame.family == "purchase" and self.frame.pos < it.pos:
                self.frame.flags.add("again")  # "came back and purchased again": no product yet
            else:
                self.pending_again = True
            return
        if target.window is not None and target.window_own:
            # "en 2024 y volvieron a comprarlas en 2025": one order in each window
            g = self.open_frame("purchase", "", it.pos, elliptic=True)
            g.product, g.product_text, g.attrs = target.product, target.product_text, dict(target.attrs)
            if it.data == "come_back":
                self.again_target = g
            return
        target.flags.add("again")
        if it.data == "come_back":
            self.again_target = target
        self.frame = target

    def on_returned_it(self, it: Item) -> None:
        """ "compraron una base y la regresaron": that product's line was returned."""
        target = self.last_bought(it.pos)
        if target is None:
            self.p.unrec.append(self.p.s.span_text(it.pos, it.end))
            self.p.clar.append(self.p_clar(self.p.s.span_text(it.pos, it.end)))
            return
        target.detail = "return"

    def on_product(self, it: Item) -> None:
        f = self.ensure_frame(self.frame.family if self.frame else "purchase", it.pos)
        if f.product is not None and self.pending_or:
            merged = merge_products(f.product, it.data)
            if merged is None:  # "Nike o zapatillas de running": two purchases, either one
                f = self.open_frame(f.family, f.detail, it.pos)
                f.product = it.data
                f.product_text = it.data.text
                return
            self.pending_or = False
            f.product = merged
        elif f.product is not None and "same_order" in f.flags:
            f.also.append(it.data)
        elif f.product is not None and f.flags & {"and_product"}:
            # "compraron protector solar y aftersun": both were bought (each its own condition)
            g = self.open_frame(f.family, f.detail, it.pos)
            g.product, g.product_text, g.window, g.attrs = it.data, it.data.text, f.window, dict(f.attrs)
            g.flags.add("split")
        elif f.product is not None:
            merged = merge_products(f.product, it.data) if same_fields(f.product, it.data) else None
            if merged is None:
                # two products with nothing said between them: neither is dropped, so ask
                both = f"{f.product.text} / {it.data.text}"
                self.p.unrec.append(both)
                self.p.clar.append(self.p_clar(both))
            else:
                f.product = merged
        else:
            f.product = it.data
        f.product_text = f.product.text if f.product else ""

    def on_orderattr(self, it: Item) -> None:
        key, values = it.data
        if (
            (key, values) == ("channel", ["online"])
            and self.frame is not None
            and (self.frame.family, self.frame.detail) in (("web", "visit"), ("web", ""))
            and self.right_after_verb(self.frame, it)
        ):
            return  # "visitaron la web", "visited the site online": the visit's own object, any web event
        f = self.frame if self.frame is not None and self.frame.family == "purchase" else None
        if f is None:
            f = self.ensure_frame("purchase", it.pos)
        elif "and_next" in f.flags and f.attrs.get(key):
            # "pagaron contra reembolso y también con klarna": each one held, in orders of their own
            g = self.open_frame(f.family, f.detail, it.pos, elliptic=True)
            g.window = f.window
            f = g
        if self.pending_or and f.attrs.get(key):
            # "paid by debit or credit card": either value of one field, in one order; the "or" is
            # spent here, never carried to the next condition ("... and spent £100+")
            self.pending_or = False
        f.attrs.setdefault(key, [])
        f.attrs[key] += [v for v in values if v not in f.attrs[key]]
        if key == "store":
            f.attrs["channel"] = ["store"]

    def on_msgattr(self, it: Item) -> None:
        key, values = it.data
        f = self.frame if self.frame is not None and self.frame.family == "message" else None
        if f is None:
            f = self.ensure_frame("message", it.pos)
        f.attrs.setdefault(key, [])
        f.attrs[key] += values

    def on_msgchannel(self, it: Item) -> None:
        if self.frame is not None and self.frame.family == "message":
            self.frame.attrs.setdefault("channel", [])
            if it.data not in self.frame.attrs["channel"]:
                self.frame.attrs["channel"].append(it.data)
        elif self.pending_neg is not None and it.data in CONSENT_OF and self.last_is_consent():
            # "suscritos a SMS pero no a email": the same consent, denied, for that channel
            self.push(
                AttributeCondition(
                    field=CONSENT_OF[it.data],  # type: ignore[arg-type]
                    op="is_true",
                    text=self.p.s.span_text(it.pos, it.end),
                ),
                it.pos,
            )
        else:
            self.pending_channel.append(it.data)
            self.channel_words.append(self.p.s.span_text(it.pos, it.end))

    def last_is_consent(self) -> bool:
        last = self.nodes[-1][1] if self.nodes else None
        return isinstance(last, AttributeCondition) and last.field in CONSENT_OF.values()

    def on_same_order(self, it: Item) -> None:
        target = next(
            (g for g in reversed(self.frames) if g.family == "purchase" and "split" not in g.flags), None
        )
        if target is None:
            self.p.unrec.append(self.p.s.span_text(it.pos, it.end))
            self.p.clar.append(self.p_clar(self.p.s.span_text(it.pos, it.end)))
            return
        if not target.also and self.amount_of_one_order(target):
            return  # "spent over £200 in a single order"
        target.flags.add("same_order")
        # the products read as separate conditions before the words "in the same order" came: merge them
        for g in [g for g in self.frames if "split" in g.flags and g is not target and g.pos > target.pos]:
            if g.product is not None:
                target.also.append(g.product)
            self.frames.remove(g)
            self.nodes = [n for n in self.nodes if n[1] is not g]

    def on_only(self, it: Item) -> None:
        """ "only" after its verb ("compran solo online") marks that purchase; before it, the next."""
        f = self.frame
        if f is not None and f.family == "purchase" and f.pos < it.pos:
            f.flags.add("only")
        else:
            self.pending_only = it

    def on_and_product(self, it: Item) -> None:
        if self.frame is not None:
            self.frame.flags.add("and_product")

    def on_and_also(self, it: Item) -> None:
        """ "X y también Y": a product after it is a second purchase, held too."""
        if self.frame is not None:
            self.frame.flags.add("and_next")
            if self.frame.product is not None:
                self.frame.flags.add("and_product")

    def on_latest(self, it: Item) -> None:
        f = self.frame if self.frame is not None and self.frame.family == "message" else None
        if f is None:
            f = self.ensure_frame("message", it.pos)
        f.flags.add("latest")
        f.attrs.setdefault("channel", [])
        if it.data not in f.attrs["channel"]:
            f.attrs["channel"].append(it.data)

    def on_device(self, it: Item) -> None:
        if self.frame is not None and self.frame.family == "web":
            have = self.frame.attrs.setdefault("device", [])
            if self.pending_neg is not None and have and it.data not in have:
                # "desde el celular (no en la app)": one event has one device, so the other is out
                self.take_neg()
                said = self.p.s.span_text(it.pos, it.end)
                self.p.assumptions.append(
                    self.p.es(
                        f"'no {said}': ya excluido, cada evento tiene un dispositivo ({', '.join(have)})",
                        f"'not {said}': already left out, each event has one device ({', '.join(have)})",
                    )
                )
                return
            have.append(it.data)

    def on_search(self, it: Item) -> None:
        if self.frame is not None:
            self.frame.attrs.setdefault("search", []).append(it.data)
            self.pending_or = False  # "buscaron X o Y": either term, one condition

    def on_webcategory(self, it: Item) -> None:
        if self.frame is not None:
            self.frame.attrs.setdefault("category", []).extend(it.data)

    def on_window(self, it: Item) -> None:
        if self.frame is None and self.pending_neg is not None and self.frames:
            # "compraron vitaminas en 2025 pero no en 2026": the same behaviour, negated, in this window
            last = self.frames[-1]
            g = self.open_frame(last.family, last.detail, it.pos, elliptic=True)
            g.product, g.product_text, g.attrs = last.product, last.product_text, dict(last.attrs)
            g.window, g.window_own = it.data, True
            return
        f = self.frame
        if f is not None and f.window is None and not self.crosses_frame(f, it):
            f.window = it.data
            f.window_own = True
            return
        self.floating.append((it.pos, it.data, self.p.s.span_text(it.pos, it.end)))

    def crosses_frame(self, f: Frame, it: Item) -> bool:
        """A window after a verb in another clause with other conditions between is not the frame's."""
        between = [
            x for x in self.p.items if f.pos < x.pos < it.pos and x.kind in ("cond", "gender", "audience")
        ]
        return bool(between)

    def on_qty(self, it: Item) -> None:
        q: Quantity = it.data
        f = self.frame
        text = self.p.s.span_text(it.pos, it.end)
        if q.unit is None and f is not None and f.family == "purchase" and f.detail == "spend":
            # "spent over 3k", "gastaron más de 500": an amount in the shop's currency (reading 15)
            q.unit, q.currency = "money", "shop"
        if (
            q.unit == "orders"
            and f is not None
            and f.family in ("web", "message")
            and self.p.s.words[it.end - 1].f in ("veces", "vez", "times", "time")
        ):
            # "abandonaron el carrito 3 veces", "visited more than 5 times": how often the frame's
            # event happened, not a number of orders
            f.qty.append(Quantity(q.op, q.value, q.value2, "times"))
            return
        if q.unit in ("money", "orders"):
            # with no buying verb ("clientes con más de 3 pedidos en 2025") an implicit purchase frame
            # takes it, so a window can follow; a plain one becomes the orders_count / total_spent metric
            if f is None or f.family != "purchase":
                f = self.open_frame("purchase", "", it.pos)
            elif f.negated and any(b in self.p.s.breaks for b in range(f.pos + 1, it.pos + 1)):
                # "never in store, with at least 2 orders": the count after the comma is no part of
                # what was denied
                f = self.open_frame("purchase", "", it.pos)
            f.qty.append(q)
            return
        if (
            q.unit in ("days", "weeks", "months", "years")
            and f is not None
            and f.family == "purchase"
            and f.negated
            and q.op in (">", ">=")
        ):
            factor = {"days": 1, "weeks": 7, "months": 30, "years": 365}[q.unit]
            if factor != 1:
                self.p.assumptions.append(
                    self.p.es(f"{q.unit} contados como {factor} días", f"{q.unit} counted as {factor} days")
                )
            f.qty_flags["since"] = Compare(op=q.op, value=q.value * factor)  # type: ignore[arg-type]
            return
        if (
            q.unit in ("days", "weeks", "months", "years")
            and f is not None
            and f.family in ("purchase", "message", "web")
            and f.negated
            and q.op == "="
            and q.value2 is None
            and f.window is None
            and q.value == int(q.value)
        ):
            # "no compran desde hace 6 meses": no purchase in the last 6 months (settled reading 4)
            unit = {"days": "day", "weeks": "week", "months": "month", "years": "year"}[q.unit]
            f.window = Window(kind="last", n=int(q.value), unit=unit, text=text)  # type: ignore[arg-type]
            f.window_own = True
            return
        if q.unit == "units":
            f = f if f is not None and f.family == "purchase" else self.ensure_frame("purchase", it.pos)
            f.qty.append(q)
            return
        if q.unit in (None, "years") and 0 < q.value < 120 and (q.value2 is None or q.value2 < 130):
            if (
                f is not None
                and q.unit is None
                and self.right_after_verb(f, it)
                and f.family in ("purchase", "web", "message")
            ):
                unit = "orders" if f.family == "purchase" else "times"
                if f.family == "purchase" and self.product_follows(it):
                    unit = "units"  # "purchased 3+ base layers": things counted are units (reading 14)
                f.qty.append(Quantity(q.op, q.value, q.value2, unit))
                return
            self.push(AttributeCondition(field="age", op="compare", compare=q.compare(), text=text), it.pos)
            return
        if f is not None and q.unit is None and f.family in ("web", "message"):
            f.qty.append(q)
            return
        self.p.unrec.append(text)
        self.p.clar.append(self.p_clar(text))

    def right_after_verb(self, f: Frame, it: Item) -> bool:
        """Whether the item follows the frame's verb with only filler between ("se llevaron tres o más")."""
        ends = [v.end for v in self.p.items if v.kind == "verb" and v.pos == f.pos]
        end = max(ends) if ends else f.pos + 1
        return end <= it.pos and all(self.p.filler(k) for k in range(end, it.pos))

    def ends_clause(self, it: Item) -> bool:
        """Whether nothing but filler follows the item before the next clause break or the end."""
        s = self.p.s
        end = s.clause_end(it.end - 1) if it.end > it.pos else s.clause_end(it.pos)
        return all(self.p.filler(k) for k in range(it.end, end))

    def product_follows(self, it: Item) -> bool:
        """Whether a product is named right after this item (only filler between)."""
        after = (x for x in self.p.items if x.pos >= it.end and x is not it)
        nxt = min(after, key=lambda x: x.pos, default=None)
        if nxt is None or nxt.kind != "product":
            return False
        return all(self.p.filler(k) for k in range(it.end, nxt.pos))

    def p_clar(self, text: str) -> Any:
        from segmenta.assistant.reading.pieces import Clarification

        return Clarification(
            self.p.es(f"No sé a qué se refiere '{text}'", f"I cannot tell what '{text}' refers to")
        )

    def on_gender(self, it: Item) -> None:
        if it.data not in self.genders:
            self.genders.append(it.data)
        if self.gender_pos < 0:
            self.gender_pos = it.pos
        self.pending_or = False

    def on_audience(self, it: Item) -> None:
        self.audience.add(it.data)

    def on_churn(self, it: Item) -> None:
        self.audience.add("customers")
        self.churn_item = it

    def on_count_q(self, it: Item) -> None:
        self.question = "count"

    def on_cond(self, it: Item) -> None:
        if self.frame is not None and self.frame_has_content(self.frame):
            self.close()
        self.push(it.data, it.pos)

    def on_neg(self, it: Item) -> None:
        f = self.frame
        if f is not None and it.data and f.negated and not self.frame_has_content(f):
            f.never = True  # "no han comprado nunca": one negation said twice
            return
        if f is not None and it.data and not f.negated and self.frame_has_content(f) and self.ends_clause(it):
            # "calcetines nunca", "pero tintes nunca": "never" after its object negates that purchase
            f.negated, f.never = True, True
            return
        nxt = min((x for x in self.p.items if x.pos >= it.end), key=lambda x: x.pos, default=None)
        keep = f is not None and f.family == "web" and nxt is not None and nxt.kind == "device"
        if self.frame is not None and self.frame_has_content(self.frame) and not keep:
            self.close()  # (a device denied in a visit's own clause stays with it: "(no en la app)")
        self.pending_neg = ("neg", bool(it.data))
        self.neg_item = it

    def on_except(self, it: Item) -> None:
        self.close()
        words = self.p.s.span_text(it.pos, it.end).lower()
        self.pending_neg = ("except", "nunca" in words or "never" in words)
        self.neg_item = it

    def on_without(self, it: Item) -> None:
        self.close()
        self.pending_neg = ("without", False)
        self.neg_item = it

    def on_none(self, it: Item) -> None:
        if self.frame is not None and self.frame_has_content(self.frame):
            # "2+ orders but nothing in the last 6 months": "nothing" starts a negated purchase of its
            # own; it never negates the condition before it
            self.close()
            self.pending_neg, self.neg_item = ("neg", True), it
            return
        if self.frame is not None:
            self.frame.negated = True
            self.frame.flags.add("none")
        else:  # "mujeres de Madrid nada": a negation with no behaviour to negate
            self.pending_neg, self.neg_item = ("neg", False), it

    def on_orderamount(self, it: Item) -> None:
        f = self.frame if self.frame is not None and self.frame.family == "purchase" else None
        if f is None or self.frame_has_content(f) and "order_amount" in f.qty_flags:
            f = self.ensure_frame("purchase", it.pos)
        f.qty_flags["order_amount"] = it.data

    def on_cartvalue(self, it: Item) -> None:
        f = self.frame if self.frame is not None and self.frame.family == "web" else None
        if f is None:  # the recogniser only reads it after a cart verb; kept whole, never dropped
            f = self.ensure_frame("web", it.pos)
        f.qty_flags["value"] = it.data

    def on_single_order(self, it: Item) -> None:
        """ "in a single order": the amount said with it is one order's total, not a spend."""
        f = self.frame if self.frame is not None and self.frame.family == "purchase" else None
        if f is None or not self.amount_of_one_order(f):
            self.p.unrec.append(self.p.s.span_text(it.pos, it.end))
            self.p.clar.append(self.p_clar(self.p.s.span_text(it.pos, it.end)))

    @staticmethod
    def amount_of_one_order(f: Frame) -> bool:
        """The frame's last amount becomes one order's total rather than the spend (settled reading 14);
        False when the frame has no amount."""
        money = [q for q in f.qty if q.unit == "money"]
        if not money:
            return False
        f.qty.remove(money[-1])
        f.qty_flags["order_amount"] = money[-1].compare()
        return True

    def on_or(self, it: Item) -> None:
        self.pending_or = True
        self.or_item = it

    def on_other(self, it: Item) -> None:
        return

    # ----------------------------------------------------------------- windows
    def place_windows(self) -> None:
        frames = self.frames
        # an own window closing a list of positive purchase conditions applies to those without one
        for k, f in enumerate(frames):
            if f.window_own and f.family == "purchase" and not f.negated:
                for g in reversed(frames[:k]):
                    if g.negated or g.family != "purchase":
                        break
                    if g.window is None:
                        g.window = f.window
        for pos, w, text in self.floating:
            before = [f for f in frames if f.pos < pos and f.window is None and not f.never]
            after = [f for f in frames if f.pos > pos and f.window is None and not f.never]
            targets = [f for f in before if f.family == "purchase" and not f.negated] or before or after
            if not targets:
                if self.p.free_window is None:
                    self.p.free_window = w
                self.p.unrec.append(text)
                self.p.clar.append(self.p_clar(text))
                continue
            for f in targets:
                f.window = w
        # a negated behaviour right after another takes its object and window
        for k, f in enumerate(frames):
            if k == 0 or not f.negated:
                continue
            prev = frames[k - 1]
            if f.product is None and prev.product is not None and f.family in ("purchase", "web"):
                f.product = prev.product
            if f.window is None and not f.never and prev.window is not None:
                f.window = prev.window
            if (
                f.family == "message"
                and prev.family == "message"
                and "channel" not in f.attrs
                and "channel" in prev.attrs
            ):
                f.attrs["channel"] = list(prev.attrs["channel"])
            if f.family == "message" and prev.family == "message":
                # "les enviamos el email de Win-back y no lo abrieron": the same workflow / message
                for key in ("workflow", "message_name", "message_campaign"):
                    if key in prev.attrs and not any(
                        k in f.attrs for k in ("workflow", "message_name", "message_campaign")
                    ):
                        f.attrs[key] = list(prev.attrs[key])

    # ----------------------------------------------------------------- tree
    def tree(self) -> list[tuple[str, Node, int]]:
        out: list[tuple[str, Node, int]] = []
        if self.genders:
            text = ", ".join(self.genders)
            out.append(
                (
                    "and",
                    AttributeCondition(field="gender", op="in", values=self.genders, text=text),
                    self.gender_pos,
                )
            )
        for joiner, x, pos in self.nodes:
            if isinstance(x, self.Frame):
                node = self.frame_node(x)
                if node is None:
                    continue
                out.append((joiner, node, pos))
            else:
                out.append((joiner, x, pos))
        out.sort(key=lambda t: t[2])
        positive_purchase = any(
            isinstance(n, (PurchaseCondition, MetricCondition))
            and (not isinstance(n, MetricCondition) or n.metric in ("orders_count", "total_spent"))
            for _, n, _ in out
        )
        negated_purchase = any(
            isinstance(n, Not) and isinstance(n.item, PurchaseCondition) for _, n, _ in out
        )
        if self.churn_item is not None and not negated_purchase:
            # "churned customers" with no window of no purchase: the word has no number of its own
            word = self.p.s.span_text(self.churn_item.pos, self.churn_item.end)
            self.p.unrec.append(word)
            question = self.p.es(
                f"'{word}' no dice desde cuándo: ¿sin comprar en qué periodo? "
                "(p. ej. 'sin compras en los últimos 6 meses')",
                f"'{word}' says no period: no purchase since when? "
                "(e.g. 'nothing bought in the last 6 months')",
            )
            self.p.clar.append(Clarification(question))
        if ("buyers" in self.audience and not positive_purchase) or (
            "customers" in self.audience and negated_purchase and not positive_purchase
        ):
            word = self.p.es(
                "clientes = contactos con al menos un pedido completado",
                "customers = contacts with at least one completed order",
            )
            self.p.assumptions.append(word)
            out.insert(
                0,
                (
                    "and",
                    MetricCondition(
                        metric="orders_count",
                        compare=Compare(op=">=", value=1),
                        text=self.p.es("clientes", "customers"),
                    ),
                    -1,
                ),
            )
        return out

    def frame_node(self, f: Frame) -> Node | None:
        text = self.p.s.span_text(f.pos, max(f.pos + 1, f.text_end))
        if "since" in f.qty_flags:
            # "no compran desde hace más de 200 días": the last purchase is that old
            return MetricCondition(metric="days_since_last_order", compare=f.qty_flags["since"], text=text)
        node: Node | None
        if f.family == "purchase":
            node = self.purchase_node(f)
        elif f.family == "web":
            node = self.web_node(f)
        else:
            node = self.message_node(f)
        if node is None:
            return None
        if f.negated:
            return Not(item=node, text=text)
        return node

    def purchase_node(self, f: Frame) -> Node | None:
        amount = count = units = None
        for q in f.qty:
            if q.unit == "money":
                amount = q.compare()
            elif q.unit == "units":
                units = q.compare()
            else:
                count = q.compare()
        if "again" in f.flags and count is None:
            count = Compare(op=">=", value=2)  # bought again: two or more distinct orders
        a = f.attrs
        text = f.product_text or ""
        order_amount = f.qty_flags.get("order_amount")
        plain = (
            f.product is None
            and not a
            and f.window is None
            and f.detail not in ("return", "coupon")
            and order_amount is None
        )
        if plain and amount is not None and count is None and units is None:
            return MetricCondition(metric="total_spent", compare=amount, text=text)
        if plain and count is not None and amount is None and units is None:
            return MetricCondition(metric="orders_count", compare=count, text=text)
        if f.detail == "spend" and amount is None and order_amount is None and not f.negated:
            self.p.unrec.append(self.p.es("cuánto gastaron", "how much was spent"))
        status = (a.get("status") or ["completed"])[0]
        for single in ("channel", "status"):
            if len(set(a.get(single, []))) > 1:
                # "en la tienda de X y también online": one order has one channel; never drop one
                both = " / ".join(dict.fromkeys(a[single]))
                self.p.unrec.append(both)
                self.p.clar.append(self.p_clar(both))
        return PurchaseCondition(
            product=f.product,
            window=f.window,
            status=status,  # type: ignore[arg-type]
            channel=(a.get("channel") or [None])[0],  # type: ignore[arg-type,list-item]
            store=a.get("store", []),
            payment_method=a.get("payment_method", []),
            card_brand=a.get("card_brand", []),
            coupon=a.get("coupon_code", []),
            any_coupon=f.detail == "coupon" and not a.get("coupon_code"),
            returned=f.detail == "return",
            also=list(f.also),
            only="only" in f.flags,
            first_purchase="first" in f.flags,
            count=count,
            amount=amount,
            units=units,
            order_amount=order_amount,
            text=text,
        )

    def web_node(self, f: Frame) -> Node:
        event = f.detail or "visit"
        cats = f.attrs.get("category", [])
        if event == "visit" and cats:
            event = "category_view"
        if event == "visit" and f.product is not None:
            event = "product_view"
        count = next((q.compare() for q in f.qty), None)
        return WebCondition(
            event=event,  # type: ignore[arg-type]
            product=f.product,
            category=cats,
            search=f.attrs.get("search", []),
            device=f.attrs.get("device", []),
            window=f.window,
            count=count,
            value=f.qty_flags.get("value"),
            text=f.product_text,
        )

    def message_node(self, f: Frame) -> Node:
        a = f.attrs
        count = next((q.compare() for q in f.qty), None)
        if (
            f.detail == "unsubscribed"
            and f.window is None
            and count is None
            and not (a.get("workflow") or a.get("message_name") or a.get("message_campaign"))
        ):
            # "opted out of email", "dados de baja del sms" as a state: the current consent flag
            # (settled reading 16); an unsubscribe *in a period* stays an event
            channels = [c for c in a.get("channel", []) if c in ("email", "sms", "push")] or ["email"]
            self.p.assumptions.append(
                self.p.es(
                    "dado de baja (sin periodo) = no suscrito ahora a " + ", ".join(channels),
                    "opted out (no period) = not subscribed now to " + ", ".join(channels),
                )
            )
            flags: list[Node] = [
                AttributeCondition(field=f"{c}_subscribed", op="is_false", text=c)  # type: ignore[arg-type]
                for c in channels
            ]
            return flags[0] if len(flags) == 1 else All(items=flags)
        return MessageCondition(
            event=f.detail,  # type: ignore[arg-type]
            channel=a.get("channel", []),
            workflow=a.get("workflow", []),
            message=a.get("message_name", []),
            campaign=a.get("message_campaign", []) + a.get("utm_campaign", []),
            latest="latest" in f.flags,
            window=f.window,
            count=count,
        )

    def combine(self, nodes: list[tuple[str, Node, int]]) -> Node | None:
        """AND of OR-chains; same-field lists in one chain merge ("Barcelona o Valencia"); two values of
        a field a contact has one of, joined by "and", mean either ("Nuevo León y Jalisco")."""
        merged_and: list[tuple[str, Node, int]] = []
        for joiner, node, pos in nodes:
            prev = merged_and[-1][1] if merged_and else None
            if (
                joiner == "and"
                and isinstance(node, AttributeCondition)
                and isinstance(prev, AttributeCondition)
                and node.op == prev.op == "in"
                and node.field == prev.field
                and node.field in SINGLE_VALUED
            ):
                both = list(dict.fromkeys(prev.values + node.values))
                self.p.assumptions.append(
                    self.p.es(
                        f"{prev.text} y {node.text}: un contacto tiene un solo valor de {node.field}, "
                        "se toma cualquiera",
                        f"{prev.text} and {node.text}: a contact has one {node.field}, so either one is "
                        "taken",
                    )
                )
                merged_and[-1] = (
                    merged_and[-1][0],
                    prev.model_copy(update={"values": both, "text": f"{prev.text} / {node.text}"}),
                    merged_and[-1][2],
                )
                continue
            merged_and.append((joiner, node, pos))
        nodes = merged_and
        groups: list[list[Node]] = []
        for joiner, node, _ in nodes:
            if joiner == "or" and groups:
                groups[-1].append(node)
            else:
                groups.append([node])
        out: list[Node] = []
        for g in groups:
            merged = merge_or(g)
            out.append(merged[0] if len(merged) == 1 else Any_(items=merged))
        if not out:
            return None
        return out[0] if len(out) == 1 else All(items=out)


CONSENT_OF = {"email": "email_subscribed", "sms": "sms_subscribed", "push": "push_subscribed"}
SINGLE_VALUED = frozenset({"city", "region", "country", "gender", "language"})


def merge_or(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for n in nodes:
        prev = out[-1] if out else None
        if (
            isinstance(n, AttributeCondition)
            and isinstance(prev, AttributeCondition)
            and n.op == prev.op == "in"
            and n.field == prev.field
        ):
            out[-1] = prev.model_copy(
                update={
                    "values": list(dict.fromkeys(prev.values + n.values)),
                    "text": f"{prev.text} / {n.text}",
                }
            )
        elif (
            isinstance(n, AttributeCondition)
            and isinstance(prev, AttributeCondition)
            and n.op == prev.op == "prefix"
            and n.field == prev.field
        ):
            out[-1] = prev.model_copy(update={"values": prev.values + n.values})
        else:
            out.append(n)
    return out


def same_fields(a: ProductMatch, b: ProductMatch) -> bool:
    def keys(m: ProductMatch) -> tuple[bool, ...]:
        return (bool(m.category), bool(m.subcategory), bool(m.brand), bool(m.name))

    return keys(a) == keys(b) and sum(keys(a)) == 1


def merge_products(a: ProductMatch, b: ProductMatch) -> ProductMatch | None:
    """Two product matches joined by "or" become one when the second only names fields of the first
    ("Nike o Adidas", "celular Samsung o Xiaomi" = smartphones of Samsung or Xiaomi); else None."""
    fields = ("category", "subcategory", "brand", "name")
    if not {f for f in fields if getattr(b, f)} <= {f for f in fields if getattr(a, f)}:
        return None
    return ProductMatch(
        category=list(dict.fromkeys(a.category + b.category)),
        subcategory=list(dict.fromkeys(a.subcategory + b.subcategory)),
        brand=list(dict.fromkeys(a.brand + b.brand)),
        name=list(dict.fromkeys(a.name + b.name)),
        text=f"{a.text} / {b.text}",
    )
