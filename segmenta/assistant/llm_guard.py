"""The guard between a language model's Plan and the engine: every catalog value it names is checked.

A model fills the Plan's lists with the words it believes the shop uses; the shop may not have
them. ``check_plan`` walks a Plan and looks up every value that must come from the shop's own
catalog (cities, products, stores, payment methods, workflows, campaigns, custom fields, saved
segments). A value the shop has passes untouched; an invented one is linked with the same
linking as the rule parser and replaced by the closest real value only when the link is near
certain (score >= ``REPLACE_SCORE``), said as an assumption; otherwise the answer becomes a
clarification naming the closest values. Nothing the shop lacks reaches the compiler unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from segmenta.assistant.catalog import Catalog
from segmenta.assistant.plan import (
    All,
    Any_,
    AttributeCondition,
    MessageCondition,
    Node,
    Not,
    ProductMatch,
    PurchaseCondition,
    ReportPlan,
    SavedSegmentCondition,
    SegmentPlan,
    WebCondition,
)
from segmenta.assistant.reading.pieces import Clarification
from segmenta.assistant.text import fold

Lang = Literal["es", "en"]
REPLACE_SCORE = 92.0
MAX_OPTIONS = 5

# Plan list field -> catalog field, per condition type
PURCHASE_FIELDS = {
    "store": "store",
    "payment_method": "payment_method",
    "card_brand": "card_brand",
    "coupon": "coupon_code",
    "utm_source": "utm_source",
    "utm_campaign": "utm_campaign",
}
WEB_FIELDS = {"category": "web_category", "device": "device"}
MESSAGE_FIELDS = {
    "channel": "message_channel",
    "workflow": "workflow",
    "message": "message_name",
    "message_type": "message_type",
    "campaign": "utm_campaign",
}
PRODUCT_FIELDS = ("category", "subcategory", "brand", "name")
ATTRIBUTE_FIELDS = frozenset({"city", "region", "country", "language"})

_LABELS: dict[str, tuple[str, str]] = {  # catalog field -> (English, Spanish) name for the marketer
    "category": ("product category", "categoría de producto"),
    "subcategory": ("product subcategory", "subcategoría de producto"),
    "brand": ("brand", "marca"),
    "name": ("product", "producto"),
    "city": ("city", "ciudad"),
    "region": ("region", "región"),
    "country": ("country", "país"),
    "language": ("language", "idioma"),
    "store": ("store", "tienda"),
    "payment_method": ("payment method", "método de pago"),
    "card_brand": ("card brand", "marca de tarjeta"),
    "coupon_code": ("coupon", "cupón"),
    "utm_source": ("traffic source", "fuente de tráfico"),
    "utm_campaign": ("campaign", "campaña"),
    "web_category": ("web category", "categoría web"),
    "device": ("device", "dispositivo"),
    "message_channel": ("message channel", "canal de mensajes"),
    "workflow": ("workflow", "workflow"),
    "message_name": ("message", "mensaje"),
    "message_type": ("message type", "tipo de mensaje"),
    "custom_field": ("custom field", "campo propio"),
    "saved_segment": ("saved segment", "segmento guardado"),
}


@dataclass
class Checked:
    """A plan with its catalog values checked: near-certain fixes said as assumptions, the rest asked."""

    plan: SegmentPlan | ReportPlan
    assumptions: list[str] = field(default_factory=list)
    clarifications: list[Clarification] = field(default_factory=list)


def label(catalog_field: str, lang: Lang) -> str:
    """The marketer's name of a catalog field.

    >>> label("payment_method", "es"), label("custom:club", "en")
    ('método de pago', "value of 'club'")
    """
    if catalog_field.startswith("custom:"):
        name = catalog_field.split(":", 1)[1]
        return f"valor de '{name}'" if lang == "es" else f"value of '{name}'"
    en, es = _LABELS.get(catalog_field, (catalog_field, catalog_field))
    return es if lang == "es" else en


class _Checker:
    def __init__(self, catalog: Catalog, saved_segments: list[str], lang: Lang) -> None:
        self.catalog = catalog
        self.saved = saved_segments
        self.lang = lang
        self.assumptions: list[str] = []
        self.clarifications: list[Clarification] = []

    # ------------------------------------------------------------------ one value
    def value(self, catalog_field: str, value: str) -> str:
        """The shop's value for ``value`` (itself when it exists); asks when no value is near."""
        if self.catalog.has(catalog_field, value):
            return value
        links = self.catalog.link(value, [catalog_field], self.lang)
        if links and links[0].score >= REPLACE_SCORE:
            real = links[0].value
            if fold(real) != fold(value):
                self.assumptions.append(
                    f"'{value}' leído como {label(catalog_field, 'es')} '{real}'"
                    if self.lang == "es"
                    else f"'{value}' read as the {label(catalog_field, 'en')} '{real}'"
                )
            return real
        options = [lk.value for lk in links[:MAX_OPTIONS]]
        if not options:  # nothing near: offer the values most used in the shop
            used = self.catalog.values.get(catalog_field, {})
            common = sorted(used.items(), key=lambda kv: (-kv[1], kv[0]))
            options = [v for v, _ in common[:MAX_OPTIONS]]
        self.clarifications.append(Clarification(self.question(catalog_field, value, options), options))
        return value

    def question(self, catalog_field: str, value: str, options: list[str]) -> str:
        name = label(catalog_field, self.lang)
        listed = ", ".join(f"'{o}'" for o in options)
        if self.lang == "es":
            q = f"La tienda no tiene {name} '{value}'."
            return q + (f" Lo más parecido: {listed}." if options else " No tiene ningún valor de ese tipo.")
        q = f"The shop has no {name} '{value}'."
        return q + (f" Closest: {listed}." if options else " It has no values of that kind.")

    def values(self, catalog_field: str, values: list[str]) -> list[str]:
        return list(dict.fromkeys(self.value(catalog_field, v) for v in values))

    def saved_segment(self, name: str) -> str:
        if name in self.saved:
            return name
        folded = {fold(s): s for s in self.saved}
        if fold(name) in folded:
            return folded[fold(name)]
        options = self.saved[:MAX_OPTIONS]
        self.clarifications.append(Clarification(self.question("saved_segment", name, options), options))
        return name

    # ------------------------------------------------------------------ the tree
    def product(self, match: ProductMatch | None) -> ProductMatch | None:
        if match is None:
            return None
        update = {f: self.values(f, getattr(match, f)) for f in PRODUCT_FIELDS if getattr(match, f)}
        return match.model_copy(update=update) if update else match

    def lists(self, node: Node, fields: dict[str, str]) -> dict[str, list[str]]:
        return {k: self.values(f, getattr(node, k)) for k, f in fields.items() if getattr(node, k)}

    def node(self, node: Node) -> Node:
        if isinstance(node, (All, Any_)):
            return node.model_copy(update={"items": [self.node(n) for n in node.items]})
        if isinstance(node, Not):
            return node.model_copy(update={"item": self.node(node.item)})
        if isinstance(node, PurchaseCondition):
            return node.model_copy(
                update={"product": self.product(node.product), **self.lists(node, PURCHASE_FIELDS)}
            )
        if isinstance(node, WebCondition):
            return node.model_copy(
                update={"product": self.product(node.product), **self.lists(node, WEB_FIELDS)}
            )
        if isinstance(node, MessageCondition):
            return node.model_copy(update=self.lists(node, MESSAGE_FIELDS))
        if isinstance(node, SavedSegmentCondition):
            return node.model_copy(update={"name": self.saved_segment(node.name)})
        if isinstance(node, AttributeCondition):
            return self.attribute(node)
        return node

    def attribute(self, node: AttributeCondition) -> AttributeCondition:
        listed = node.op in ("in", "not_in")
        if node.field in ATTRIBUTE_FIELDS and listed:
            return node.model_copy(update={"values": self.values(node.field, node.values)})
        if node.field == "custom" and node.custom_field is not None:
            name = self.value("custom_field", node.custom_field)
            values = node.values
            if listed and f"custom:{name}" in self.catalog.values:
                values = self.values(f"custom:{name}", values)
            return node.model_copy(update={"custom_field": name, "values": values})
        return node


def check_plan(
    plan: SegmentPlan | ReportPlan,
    catalog: Catalog,
    saved_segments: list[str] | None = None,
    lang: Lang | None = None,
) -> Checked:
    """Check every catalog value of a plan against the shop.

    Args:
        plan: the plan a language model filled.
        catalog: the shop's catalog (``Engine.catalog``).
        saved_segments: the names of the marketer's saved segments.
        lang: the language of the messages (the plan's language when None).
    Returns:
        The plan with near-certain fixes applied, the assumptions saying them, and one
        clarification per value the shop does not have.
    """
    checker = _Checker(catalog, saved_segments or [], lang or plan.language)
    where = checker.node(plan.where) if plan.where is not None else None
    update: dict[str, object] = {"where": where}
    if isinstance(plan, ReportPlan):
        update["product"] = checker.product(plan.product)
        update["channel"] = checker.values("message_channel", plan.channel)
        update["workflow"] = checker.values("workflow", plan.workflow)
    return Checked(plan.model_copy(update=update), checker.assumptions, checker.clarifications)
