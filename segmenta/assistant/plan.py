"""The Plan: what a request means, as typed, frozen models.

A Plan is the single source of truth of an answer: the SQL, the explanation and the funnel are
all derived from it, ``ask --json`` prints it, and the LLM backend fills the same models. A
segment is a tree of conditions (``all`` / ``any`` / ``not``) whose leaves are typed conditions
over one contact.

Time windows are kept *relative* (``last 10 months``, ``since March``) and resolved against the
as-of date only when compiled, so a saved dynamic segment means the same thing on any day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


CompareOp = Literal["=", "!=", ">", ">=", "<", "<=", "between"]
TimeUnit = Literal["day", "week", "month", "quarter", "year"]


class Compare(_Model):
    """A numeric comparison: ``op value`` or ``between value and value2`` (both ends inclusive)."""

    op: CompareOp
    value: float
    value2: float | None = None


class Window(_Model):
    """A time window in the words of the request, resolved against the as-of date D when compiled.

    kinds (END = D + 1 day at 00:00; every window is cut at END):
    - ``last``: the last ``n`` ``unit``s: ``END - n units <= t < END``.
    - ``this``: the current ``unit`` (week from Monday, month, quarter, year) up to END.
    - ``previous``: the ``n``-th previous full calendar ``unit`` (``n=1``: last month / last year).
    - ``since``: ``start <= t < END``;  ``before``: ``t < start`` (or, with ``month`` [and ``year``],
      before the first day of that month: the latest one that started on or before D when no year).
    - ``range``: ``start <= t < end`` (absolute dates, ``end`` exclusive).
    - ``month``: calendar month ``month`` (to ``month_end`` when a span) of ``year``, or, with no
      year, the latest such month that started on or before D; with ``day`` (and ``day_end``) only
      those days ("del 14 al 17 de nov": month 11, day 14, day_end 17).
    ``year_offset`` stands for a year said relative to D ("diciembre del año pasado": -1, "Q1 de
    este año": 0) in a month, quarter or season window with no ``year``.
    - ``since_month``: from the first day of ``month`` (of ``year``, else its latest start on or
      before D) to END.
    - ``season``: ``season`` of ``year``; with no year, ``which`` = ``this`` (latest that started
      on or before D) or ``last`` (latest that ended before D).
    - ``quarter``: quarter ``n`` of ``year`` (latest one on or before D when no year).
    - ``year``: calendar year ``year``.
    - ``day``: the day ``start``; ``today`` / ``yesterday`` are ``last`` with n=1 / ``previous`` day.
    """

    kind: Literal[
        "last",
        "this",
        "previous",
        "since",
        "before",
        "range",
        "month",
        "since_month",
        "season",
        "quarter",
        "year",
        "day",
    ]
    n: int | None = None
    unit: TimeUnit | None = None
    start: date | None = None
    end: date | None = None
    month: int | None = None
    month_end: int | None = None
    day: int | None = None
    day_end: int | None = None
    year: int | None = None
    year_offset: int | None = None
    season: Literal["spring", "summer", "autumn", "winter"] | None = None
    which: Literal["this", "last"] | None = None
    text: str = ""


class ProductMatch(_Model):
    """Which products: each non-empty list is one test (any of its values), the lists AND-ed.

    Values are exact catalog values found by linking (``category=["Football"],
    subcategory=["Boots"]``). ``text`` keeps the words of the request.
    """

    category: list[str] = Field(default_factory=list)
    subcategory: list[str] = Field(default_factory=list)
    brand: list[str] = Field(default_factory=list)
    name: list[str] = Field(default_factory=list)
    text: str = ""


ContactField = Literal[
    "gender",
    "age",
    "city",
    "region",
    "postal_code",
    "country",
    "language",
    "is_company",
    "created_at",
    "email_subscribed",
    "sms_subscribed",
    "push_subscribed",
    "ads_consent",
    "email",
    "phone",
    "first_name",
    "last_name",
    "birth_date",
    "custom",
]
AttrOp = Literal[
    "in",
    "not_in",
    "prefix",
    "contains",
    "is_true",
    "is_false",
    "is_null",
    "not_null",
    "compare",
    "window",
    "birthday_in",
]


class AttributeCondition(_Model):
    """A test on the contact's own fields.

    - ``in`` / ``not_in``: ``values`` (text, exact catalog values: ``city in [Madrid]``).
    - ``prefix``: text starts with any of ``values`` (postal codes).  ``contains``: substring.
    - ``is_true`` / ``is_false``: booleans (consent, ``is_company``).  ``is_null`` / ``not_null``.
    - ``compare``: numbers (``age`` in whole years at D; a numeric custom field).
    - ``window``: a timestamp field (``created_at``) inside ``window``.
    - ``birthday_in``: the birthday (month-day of ``birth_date``) falls inside ``window``.
    ``custom`` fields name the field in ``custom_field``.
    """

    type: Literal["attribute"] = "attribute"
    field: ContactField
    op: AttrOp
    values: list[str] = Field(default_factory=list)
    compare: Compare | None = None
    window: Window | None = None
    custom_field: str | None = None
    text: str = ""


class PurchaseCondition(_Model):
    """The contact has orders that pass every given test (one order per test unless ``same_order``).

    All tests given here hold for the *same* order (or order line when ``product`` is given):
    "paid for football boots by card" is one PurchaseCondition; "bought boots and paid by card"
    is two. ``status`` is ``completed`` unless the request names cancelled or returned orders.

    - ``count``: how many such orders (default: at least one).
    - ``amount``: spend over the matching orders (sum of ``total_amount``; with a product, sum of
      ``quantity * unit_price`` of the matching lines).
    - ``units``: sum of ``quantity`` of the matching lines.
    - ``order_amount``: the order's own ``total_amount`` compared ("un pedido de más de 80 €",
      "over £200 in a single order": settled reading 14), a test on the one order, unlike ``amount``.
    - ``returned``: a line with ``returned_quantity > 0``.
    - ``first_purchase``: the order is the contact's first completed order ever.
    - ``also``: more products that must be in that same order ("protector solar y aftersun en el
      mismo pedido").
    - ``only``: besides one such order, every completed order (in the window) passes the order
      tests and every line of them the product test ("solo compran online", "only ever bought
      climbing kit": settled reading 12).
    """

    type: Literal["purchase"] = "purchase"
    product: ProductMatch | None = None
    window: Window | None = None
    status: Literal["completed", "cancelled", "returned", "any"] = "completed"
    channel: Literal["online", "store"] | None = None
    store: list[str] = Field(default_factory=list)
    payment_method: list[str] = Field(default_factory=list)
    card_brand: list[str] = Field(default_factory=list)
    coupon: list[str] = Field(default_factory=list)
    any_coupon: bool = False
    utm_source: list[str] = Field(default_factory=list)
    utm_campaign: list[str] = Field(default_factory=list)
    returned: bool = False
    first_purchase: bool = False
    also: list[ProductMatch] = Field(default_factory=list)  # other products in the same order
    count: Compare | None = None
    amount: Compare | None = None
    units: Compare | None = None
    order_amount: Compare | None = None
    only: bool = False
    text: str = ""


MetricName = Literal[
    "orders_count",
    "total_spent",
    "avg_order_value",
    "days_since_last_order",
    "first_order_at",
    "last_order_at",
]


class MetricCondition(_Model):
    """A derived order metric of the contact at D: a number compared, or a date inside a window."""

    type: Literal["metric"] = "metric"
    metric: MetricName
    compare: Compare | None = None
    window: Window | None = None
    text: str = ""


RfmSegment = Literal[
    "Champions",
    "Loyal",
    "Potential Loyalist",
    "New Customers",
    "Promising",
    "Need Attention",
    "About To Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
]


class RfmCondition(_Model):
    """RFM at D: score comparisons (AND-ed), a list of cells ("545"), or named segments."""

    type: Literal["rfm"] = "rfm"
    r: Compare | None = None
    f: Compare | None = None
    m: Compare | None = None
    cells: list[str] = Field(default_factory=list)
    segments: list[RfmSegment] = Field(default_factory=list)
    text: str = ""


class LeadScoreCondition(_Model):
    """The lead score at D (DATA_MODEL's points over the 365 days up to D) compared to a number."""

    type: Literal["lead_score"] = "lead_score"
    compare: Compare
    text: str = ""


WebEvent = Literal[
    "page_view",
    "product_view",
    "category_view",
    "add_to_cart",
    "cart_abandoned",
    "search",
    "login",
    "signup",
    "form_submit",
    "visit",
]


class WebCondition(_Model):
    """Web behaviour of the contact: events of one type (``visit`` = any event) in a window.

    ``product`` narrows product events; ``category`` is the category of a ``category_view``;
    ``search`` matches search terms containing any of the words (case and accents ignored).
    ``count``: how many such events (default: at least one). ``value``: the cart value of a cart
    event (``web_events.value``), in the shop's currency.
    """

    type: Literal["web"] = "web"
    event: WebEvent
    product: ProductMatch | None = None
    category: list[str] = Field(default_factory=list)
    search: list[str] = Field(default_factory=list)
    device: list[str] = Field(default_factory=list)
    window: Window | None = None
    count: Compare | None = None
    value: Compare | None = None
    text: str = ""


MessageEvent = Literal["sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "converted"]


class MessageCondition(_Model):
    """Message engagement: events of one type, narrowed by channel, workflow, message, campaign, window.

    ``workflow`` holds workflow names; ``message`` message names; ``campaign`` utm_campaign values;
    ``one_off`` keeps only messages sent outside any workflow (newsletters).
    """

    type: Literal["message"] = "message"
    event: MessageEvent
    channel: list[str] = Field(default_factory=list)
    workflow: list[str] = Field(default_factory=list)
    message: list[str] = Field(default_factory=list)
    message_type: list[str] = Field(default_factory=list)
    campaign: list[str] = Field(default_factory=list)
    one_off: bool = False
    latest: bool = False  # "el último email": only the most recent message sent (on the channels) up to D
    window: Window | None = None
    count: Compare | None = None
    text: str = ""


class SavedSegmentCondition(_Model):
    """Membership of a segment the marketer saved earlier, by name.

    ``definition`` is filled in by the engine just before compiling, from the saved segments'
    store: a dynamic segment's own condition, so it is evaluated at the request's as-of date like
    any other condition (and the SQL shown runs on the warehouse file as printed). It stays None
    for a static snapshot, which reads the members kept when it was saved. A Plan kept or saved
    never holds it: a saved segment named inside another follows its later changes.
    """

    type: Literal["saved_segment"] = "saved_segment"
    name: str
    text: str = ""
    definition: Node | None = Field(default=None, exclude=True)


Condition = Annotated[
    AttributeCondition
    | PurchaseCondition
    | MetricCondition
    | RfmCondition
    | LeadScoreCondition
    | WebCondition
    | MessageCondition
    | SavedSegmentCondition,
    Field(discriminator="type"),
]


class All(_Model):
    """Every item holds (AND)."""

    type: Literal["all"] = "all"
    items: list[Node]
    text: str = ""


class Any_(_Model):
    """At least one item holds (OR)."""

    type: Literal["any"] = "any"
    items: list[Node]
    text: str = ""


class Not(_Model):
    """The item does not hold."""

    type: Literal["not"] = "not"
    item: Node
    text: str = ""


Node = Annotated[
    All
    | Any_
    | Not
    | AttributeCondition
    | PurchaseCondition
    | MetricCondition
    | RfmCondition
    | LeadScoreCondition
    | WebCondition
    | MessageCondition
    | SavedSegmentCondition,
    Field(discriminator="type"),
]

All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()
SavedSegmentCondition.model_rebuild()


class SegmentPlan(_Model):
    """A segment: the contacts (existing at D) for whom ``where`` holds (everyone when None).

    ``question`` is ``count`` for "how many ..." requests (answered with the segment's size).
    ``language`` is the request's language, used by the explanation.
    """

    kind: Literal["segment"] = "segment"
    where: Node | None = None
    question: Literal["list", "count"] = "list"
    language: Literal["es", "en"] = "en"


def _meaning(node: Node) -> str:
    """What a condition tests, without the words it was said in (``text`` fields dropped)."""

    def strip(v: object) -> object:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k != "text"}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    return json.dumps(strip(node.model_dump(mode="json")), sort_keys=True)


def merge_repeats(plan: SegmentPlan) -> tuple[SegmentPlan, int]:
    """The plan with a condition said twice in one AND or OR kept once ("más de 30 ... más de 30"),
    and how many were merged: the rows are the same, the funnel and the SQL stay short."""
    merged = 0

    def walk(node: Node) -> Node:
        nonlocal merged
        if isinstance(node, All | Any_):
            seen: set[str] = set()
            items: list[Node] = []
            for item in node.items:
                item = walk(item)
                key = _meaning(item)
                if key in seen:
                    merged += 1
                    continue
                seen.add(key)
                items.append(item)
            if len(items) == 1 and node.items and len(node.items) > 1:
                return items[0]
            return node.model_copy(update={"items": items})
        if isinstance(node, Not):
            return node.model_copy(update={"item": walk(node.item)})
        return node

    if plan.where is None:
        return plan, 0
    where = walk(plan.where)
    return (plan.model_copy(update={"where": where}), merged) if merged else (plan, 0)


TimeGrain = Literal["day", "week", "month", "quarter", "year"]


class ReportPlan(_Model):
    """A Data Explorer report: metrics by dimensions over a window, for an optional segment.

    - ``metrics``: names from the metric catalog (``segmenta/tools/metrics.py``: ``orders``, ``revenue``,
      ``open_rate``, ...), in the order asked.
    - ``grain``: a time dimension (buckets labelled by their first day; weeks start on Monday).
    - ``dimensions``: other dimensions (``workflow``, ``brand``, ``payment_method``, ...).
    - ``window``: the period; None = all time up to D.
    - ``where``: a segment of contacts the report is restricted to ("among Champions").
    - ``product``: restricts product-level metrics (units, revenue by line) to matching products.
    - ``orders``: order tests for order metrics ("pedidos pagados con Bizum", "returned orders"): its
      status, channel, store, payment method, card brand and coupon apply to each order counted.
    - ``channel``: message channels for message metrics ("email performance" = email); empty = all.
    - ``workflow``: workflow names for message metrics.
    - ``sort`` / ``descending`` / ``limit``: "top 5 brands by revenue".
    - ``compare``: ``previous`` adds the previous period of the same length (values, difference, % change);
      ``compare_window``, when said ("this month vs last month": all of last month), is that period.
    - ``segment_sizes``: for "how many Champions each month": the size of ``where`` per bucket,
      each bucket computed as of its own end date.
    """

    kind: Literal["report"] = "report"
    metrics: list[str]
    grain: TimeGrain | None = None
    dimensions: list[str] = Field(default_factory=list)
    window: Window | None = None
    where: Node | None = None
    product: ProductMatch | None = None
    orders: PurchaseCondition | None = None
    channel: list[str] = Field(default_factory=list)
    workflow: list[str] = Field(default_factory=list)
    sort: str | None = None
    descending: bool = True
    limit: int | None = None
    compare: Literal["previous"] | None = None
    compare_window: Window | None = None
    segment_sizes: bool = False
    language: Literal["es", "en"] = "en"


Plan = Annotated[SegmentPlan | ReportPlan, Field(discriminator="kind")]


def walk(node: Node | None) -> list[Node]:
    """Every node of a condition tree, parents before children."""
    if node is None:
        return []
    out: list[Node] = [node]
    if isinstance(node, (All, Any_)):
        for item in node.items:
            out.extend(walk(item))
    elif isinstance(node, Not):
        out.extend(walk(node.item))
    return out


def conjuncts(node: Node | None) -> list[Node]:
    """The AND-ed top-level conditions of a tree (the steps of a funnel)."""
    if node is None:
        return []
    if isinstance(node, All):
        return list(node.items)
    return [node]


def with_definitions(node: Node | None, saved: Mapping[str, SegmentPlan]) -> Node | None:
    """The tree with each saved segment named in it given its own definition (``saved``: the
    dynamic segments' Plans by name), nested ones too; a name met again inside itself, or one
    missing from ``saved`` (a static snapshot), is left to its stored members."""

    def fill(n: Node, seen: frozenset[str]) -> Node:
        if isinstance(n, SavedSegmentCondition):
            plan = saved.get(n.name)
            if plan is None or n.name in seen:
                return n
            inner = All(items=[]) if plan.where is None else fill(plan.where, seen | {n.name})
            return n.model_copy(update={"definition": inner})
        if isinstance(n, All | Any_):
            return n.model_copy(update={"items": [fill(i, seen) for i in n.items]})
        if isinstance(n, Not):
            return n.model_copy(update={"item": fill(n.item, seen)})
        return n

    return None if node is None else fill(node, frozenset())
