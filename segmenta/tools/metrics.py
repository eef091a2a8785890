"""The Data Explorer's catalog: every metric and dimension a report can ask for, as data.

Each :class:`Metric` says where its rows come from (a *source*: completed orders, order lines,
message events, web events, contacts or RFM scores), what it means in Spanish and English, and how
it aggregates (a sqlglot builder over the source's rows, following DATA_MODEL.md's Metrics). Each
:class:`Dimension` says which sources know it and the SQL expression per source (a workflow's name
via ``message_events.workflow_id``, a brand via the order line's product). The folded alias words
are for the parser; the report compiler (``report.py``) reads the builders; :func:`check` explains
in one sentence why a plan cannot be answered instead of guessing (open rate by brand).

Row aliases the builders read: ``o`` orders (``completed_orders(D)``, or every status for the
cancellation and return rates), ``l`` order lines, ``x`` message events, ``e`` web events, ``c``
contacts at D, ``r`` RFM at D, ``p`` products, ``w`` workflows, ``ls`` lead scores at D and ``fo``
each completed order's place in its contact's history (``first_at``, ``purchase_no``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlglot import exp

from segmenta.assistant.plan import ReportPlan

Source = Literal["orders", "lines", "messages", "web", "contacts", "rfm"]
Kind = Literal["count", "money", "rate"]
Lang = Literal["es", "en"]
GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")

# The alias of the row each source's facts are counted from, and the column holding their time.
ROW_ALIAS: dict[str, str] = {
    "orders": "o",
    "lines": "l",
    "messages": "x",
    "web": "e",
    "contacts": "c",
    "rfm": "r",
}
TIME_COLUMN: dict[str, tuple[str, str] | None] = {
    "orders": ("o", "ordered_at"),
    "lines": ("o", "ordered_at"),
    "messages": ("x", "occurred_at"),
    "web": ("e", "occurred_at"),
    "contacts": ("c", "created_at"),
    "rfm": None,
}
# What one row of a source is, for "N ... left out" (en, es).
ROW_NOUN: dict[str, tuple[str, str]] = {
    "orders": ("orders", "pedidos"),
    "lines": ("order lines", "líneas de pedido"),
    "messages": ("message events", "eventos de mensajes"),
    "web": ("web events", "eventos web"),
    "contacts": ("contacts", "contactos"),
    "rfm": ("customers", "clientes"),
}


@dataclass(frozen=True)
class AggContext:
    """What an aggregate needs beyond its rows: the as-of date and the period a row belongs to.

    ``period_start`` / ``period_end`` bound the period a buyer is first-time or recurring in (the
    row's time bucket, else the window); ``in_window`` tests a contact's ``created_at`` for new
    contacts; ``completed`` is set when the order rows hold every status, so purchase metrics
    keep completed orders only.
    """

    as_of: date
    period_start: exp.Expr | None = None
    period_end: exp.Expr | None = None
    in_window: exp.Expr | None = None
    completed: exp.Expr | None = None


Builder = Callable[[AggContext], exp.Expr]


@dataclass(frozen=True)
class Metric:
    """One metric: its source, meaning, aggregate (and its order-line form), kind and words."""

    name: str
    label_en: str
    label_es: str
    source: Source
    kind: Kind
    formula_en: str
    formula_es: str
    aggregate: Builder
    line_aggregate: Builder | None = None
    timed: bool = True
    all_statuses: bool = False
    aliases_es: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()

    @property
    def dimensions(self) -> frozenset[str]:
        """Names of the dimensions this metric can be broken down by."""
        return frozenset(d.name for d in DIMENSIONS.values() if supports(self, d))

    def label(self, lang: Lang) -> str:
        """The metric's name for a person."""
        return self.label_es if lang == "es" else self.label_en


@dataclass(frozen=True)
class Dimension:
    """One dimension: the SQL expression per source that knows it, and its words."""

    name: str
    label_en: str
    label_es: str
    exprs: dict[str, Callable[[date], exp.Expr]] = field(default_factory=dict)
    grain: bool = False
    aliases_es: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()

    @property
    def sources(self) -> frozenset[str]:
        """The sources whose rows carry this dimension."""
        return frozenset(self.exprs)

    def label(self, lang: Lang) -> str:
        """The dimension's name for a person."""
        return self.label_es if lang == "es" else self.label_en


# ---- aggregate builders ------------------------------------------------------------------------


def _filtered(agg: exp.Expr, *tests: exp.Expr | None) -> exp.Expr:
    kept = [t.copy() for t in tests if t is not None]
    return exp.Filter(this=agg, expression=exp.Where(this=exp.and_(*kept))) if kept else agg


def _is(alias: str, column: str, value: str) -> exp.Expr:
    return exp.EQ(this=exp.column(column, alias), expression=exp.Literal.string(value))


def ratio(num: exp.Expr, den: exp.Expr) -> exp.Expr:
    """``num / NULLIF(den, 0)``: a fraction, NULL when the denominator is 0.

    >>> ratio(exp.column("a"), exp.column("b")).sql("duckdb")
    'a / NULLIF(b, 0)'
    """
    return exp.Div(this=num, expression=exp.func("nullif", den, exp.convert(0)))


def _zero(e: exp.Expr) -> exp.Expr:
    return exp.func("coalesce", e, exp.convert(0))


def _count_event(alias: str, event: str) -> Builder:
    return lambda ctx: _filtered(exp.Count(this=exp.Star()), _is(alias, "event_type", event))


def _event_rate(alias: str, num: str, den: str) -> Builder:
    return lambda ctx: ratio(_count_event(alias, num)(ctx), _count_event(alias, den)(ctx))


def _distinct(col: exp.Expr) -> exp.Expr:
    return exp.Count(this=exp.Distinct(expressions=[col]))


def _orders(ctx: AggContext) -> exp.Expr:
    return _filtered(exp.Count(this=exp.Star()), ctx.completed)


def _line_orders(ctx: AggContext) -> exp.Expr:
    return _distinct(exp.column("order_id", "o"))


def _revenue(ctx: AggContext) -> exp.Expr:
    return _zero(_filtered(exp.func("sum", exp.column("total_amount", "o")), ctx.completed))


def _line_revenue(ctx: AggContext) -> exp.Expr:
    amount = exp.Mul(this=exp.column("quantity", "l"), expression=exp.column("unit_price", "l"))
    return _zero(exp.func("sum", amount))


def _buyers(ctx: AggContext) -> exp.Expr:
    return _filtered(_distinct(exp.column("contact_id", "o")), ctx.completed)


def _buyer_type(first: bool) -> Builder:
    def build(ctx: AggContext) -> exp.Expr:
        first_at = exp.column("first_at", "fo")
        if ctx.period_start is None:  # all time: every buyer's first purchase is in the period
            test: exp.Expr = (
                exp.Not(this=exp.Is(this=first_at, expression=exp.null())) if first else exp.false()
            )
        elif first:
            test = exp.GTE(this=first_at, expression=ctx.period_start.copy())
        else:
            test = exp.LT(this=first_at, expression=ctx.period_start.copy())
        return _filtered(_distinct(exp.column("contact_id", "o")), ctx.completed, test)

    return build


def _status_rate(status: str) -> Builder:
    return lambda ctx: ratio(
        _filtered(exp.Count(this=exp.Star()), _is("o", "status", status)), exp.Count(this=exp.Star())
    )


def _units(ctx: AggContext) -> exp.Expr:
    return _zero(exp.func("sum", exp.column("quantity", "l")))


def _returned_units(ctx: AggContext) -> exp.Expr:
    return _zero(exp.func("sum", exp.column("returned_quantity", "l")))


def _attributed(ctx: AggContext) -> exp.Expr:
    return _zero(_filtered(exp.func("sum", exp.column("value", "x")), _is("x", "event_type", "converted")))


def _known(alias: str, known: bool) -> exp.Expr:
    test = exp.Is(this=exp.column("contact_id", alias), expression=exp.null())
    return exp.Not(this=test) if known else test


def _visits(ctx: AggContext) -> exp.Expr:
    day = exp.cast(exp.column("occurred_at", "e"), "DATE")
    return _distinct(exp.Tuple(expressions=[exp.column("visitor_id", "e"), day]))


def _web_to_order(ctx: AggContext) -> exp.Expr:
    o = "wo"
    tests: list[exp.Expr] = [
        exp.EQ(this=exp.column("contact_id", o), expression=exp.column("contact_id", "e"))
    ]
    if ctx.period_start is not None:
        tests.append(exp.GTE(this=exp.column("ordered_at", o), expression=ctx.period_start.copy()))
    if ctx.period_end is not None:
        tests.append(exp.LT(this=exp.column("ordered_at", o), expression=ctx.period_end.copy()))
    day = exp.cast(exp.Literal.string(ctx.as_of.isoformat()), "DATE")
    source = exp.Table(
        this=exp.Anonymous(this="completed_orders", expressions=[day]),
        alias=exp.TableAlias(this=exp.to_identifier(o)),
    )
    bought = exp.Exists(this=exp.select(exp.convert(1)).from_(source).where(exp.and_(*tests)))
    visitors = exp.column("visitor_id", "e")
    return ratio(_filtered(_distinct(visitors), bought), _distinct(visitors.copy()))


def _share(column: str) -> Builder:
    test = exp.Is(this=exp.column(column, "c"), expression=exp.true())
    return lambda ctx: ratio(_filtered(exp.Count(this=exp.Star()), test), exp.Count(this=exp.Star()))


def _new_contacts(ctx: AggContext) -> exp.Expr:
    return _filtered(exp.Count(this=exp.Star()), ctx.in_window)


def _star(ctx: AggContext) -> exp.Expr:
    return exp.Count(this=exp.Star())


def _div(a: Builder, b: Builder) -> Builder:
    return lambda ctx: ratio(a(ctx), b(ctx))


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


def _m(
    name: str,
    source: Source,
    kind: Kind,
    aggregate: Builder,
    *,
    en: str,
    es: str,
    words_es: str,
    words_en: str,
    line: Builder | None = None,
    timed: bool = True,
    all_statuses: bool = False,
) -> Metric:
    """A catalog row: ``en`` / ``es`` are ``label | formula``; ``words_*`` the comma-separated aliases."""
    label_en, formula_en = (s.strip() for s in en.split("|", 1))
    label_es, formula_es = (s.strip() for s in es.split("|", 1))
    return Metric(
        name,
        label_en,
        label_es,
        source,
        kind,
        formula_en,
        formula_es,
        aggregate,
        line,
        timed,
        all_statuses,
        _words(words_es),
        _words(words_en),
    )


def _visitors(known: bool | None) -> Builder:
    """Distinct visitor_id; ``known`` keeps events with (True) or without (False) a contact."""
    if known is None:
        return lambda ctx: _distinct(exp.column("visitor_id", "e"))
    return lambda ctx: _filtered(_distinct(exp.column("visitor_id", "e")), _known("e", known))


def _avg_lead_score(ctx: AggContext) -> exp.Expr:
    return exp.func("avg", exp.column("lead_score", "ls"))


_METRICS: tuple[Metric, ...] = (
    _m(
        "orders",
        "orders",
        "count",
        _orders,
        line=_line_orders,
        en="orders | completed orders",
        es="pedidos | pedidos completados",
        words_es="pedidos, pedido, numero de pedidos, compras, transacciones",
        words_en="orders, number of orders, order count, transactions",
    ),
    _m(
        "revenue",
        "orders",
        "money",
        _revenue,
        line=_line_revenue,
        en="revenue | sum of total_amount of completed orders (by product: quantity x unit price of the "
        "lines)",
        es="facturación | suma de total_amount de los pedidos completados (por producto: cantidad x precio "
        "unitario de las líneas)",
        words_es="facturacion, facturado, ingresos, ventas, importe vendido, cifra de negocio",
        words_en="revenue, sales, turnover, gmv",
    ),
    _m(
        "aov",
        "orders",
        "money",
        _div(_revenue, _orders),
        line=_div(_line_revenue, _line_orders),
        en="average order value | revenue / orders",
        es="ticket medio | facturación / pedidos",
        words_es="ticket medio, ticket promedio, valor medio del pedido, pedido medio, cesta media",
        words_en="average order value, aov, average basket",
    ),
    _m(
        "buyers",
        "orders",
        "count",
        _buyers,
        line=_buyers,
        en="buyers | distinct contacts with a completed order",
        es="compradores | contactos distintos con un pedido completado",
        words_es="compradores",
        words_en="buyers, purchasers, shoppers",
    ),
    _m(
        "first_time_buyers",
        "orders",
        "count",
        _buyer_type(True),
        line=_buyer_type(True),
        en="first-time buyers | buyers whose first completed order ever falls in the period",
        es="compradores nuevos | compradores cuyo primer pedido completado cae en el periodo",
        words_es="compradores nuevos, nuevos compradores, clientes nuevos, primeros compradores",
        words_en="first time buyers, new buyers, new customers",
    ),
    _m(
        "recurring_buyers",
        "orders",
        "count",
        _buyer_type(False),
        line=_buyer_type(False),
        en="recurring buyers | buyers in the period who had bought before it",
        es="compradores recurrentes | compradores del periodo que ya habían comprado antes",
        words_es="compradores recurrentes, recurrentes, clientes recurrentes, repetidores",
        words_en="recurring buyers, repeat buyers, returning buyers, returning customers",
    ),
    _m(
        "units",
        "lines",
        "count",
        _units,
        en="units | sum of quantity of completed orders' lines",
        es="unidades | suma de cantidades de las líneas de pedidos completados",
        words_es="unidades, unidades vendidas, articulos vendidos",
        words_en="units, units sold, items sold",
    ),
    _m(
        "returned_units",
        "lines",
        "count",
        _returned_units,
        en="returned units | sum of returned_quantity of completed orders' lines",
        es="unidades devueltas | suma de returned_quantity de las líneas",
        words_es="unidades devueltas",
        words_en="returned units, units returned",
    ),
    _m(
        "cancellation_rate",
        "orders",
        "rate",
        _status_rate("cancelled"),
        all_statuses=True,
        en="cancellation rate | cancelled orders / all orders",
        es="tasa de cancelación | pedidos cancelados / todos los pedidos",
        words_es="tasa de cancelacion, cancelaciones",
        words_en="cancellation rate, cancellations",
    ),
    _m(
        "return_rate",
        "orders",
        "rate",
        _status_rate("returned"),
        all_statuses=True,
        en="return rate | returned orders / all orders",
        es="tasa de devolución | pedidos devueltos / todos los pedidos",
        words_es="tasa de devolucion, devoluciones",
        words_en="return rate, returns",
    ),
    _m(
        "sends",
        "messages",
        "count",
        _count_event("x", "sent"),
        en="sends | message events of type 'sent'",
        es="envíos | eventos de mensajes de tipo 'sent'",
        words_es="envios, enviados, emails enviados, mensajes enviados",
        words_en="sends, sent, emails sent",
    ),
    _m(
        "deliveries",
        "messages",
        "count",
        _count_event("x", "delivered"),
        en="deliveries | message events of type 'delivered'",
        es="entregas | eventos de mensajes de tipo 'delivered'",
        words_es="entregas, entregados",
        words_en="deliveries, delivered",
    ),
    _m(
        "opens",
        "messages",
        "count",
        _count_event("x", "opened"),
        en="opens | message events of type 'opened'",
        es="aperturas | eventos de mensajes de tipo 'opened'",
        words_es="aperturas, abiertos",
        words_en="opens, opened",
    ),
    _m(
        "clicks",
        "messages",
        "count",
        _count_event("x", "clicked"),
        en="clicks | message events of type 'clicked'",
        es="clics | eventos de mensajes de tipo 'clicked'",
        words_es="clics, clic",
        words_en="clicks, click",
    ),
    _m(
        "bounces",
        "messages",
        "count",
        _count_event("x", "bounced"),
        en="bounces | message events of type 'bounced'",
        es="rebotes | eventos de mensajes de tipo 'bounced'",
        words_es="rebotes, rebotados",
        words_en="bounces, bounced",
    ),
    _m(
        "unsubscribes",
        "messages",
        "count",
        _count_event("x", "unsubscribed"),
        en="unsubscribes | message events of type 'unsubscribed'",
        es="bajas | eventos de mensajes de tipo 'unsubscribed'",
        words_es="bajas, desuscripciones",
        words_en="unsubscribes, unsubscriptions",
    ),
    _m(
        "conversions",
        "messages",
        "count",
        _count_event("x", "converted"),
        en="conversions | message events of type 'converted'",
        es="conversiones | eventos de mensajes de tipo 'converted'",
        words_es="conversiones",
        words_en="conversions",
    ),
    _m(
        "open_rate",
        "messages",
        "rate",
        _event_rate("x", "opened", "sent"),
        en="open rate | 'opened' events / 'sent' events",
        es="tasa de apertura | eventos 'opened' / eventos 'sent'",
        words_es="tasa de apertura, ratio de apertura, porcentaje de apertura",
        words_en="open rate",
    ),
    _m(
        "click_rate",
        "messages",
        "rate",
        _event_rate("x", "clicked", "sent"),
        en="click rate | 'clicked' events / 'sent' events",
        es="tasa de clics | eventos 'clicked' / eventos 'sent'",
        words_es="tasa de clics, ratio de clics",
        words_en="click rate, ctr, click through rate",
    ),
    _m(
        "click_to_open_rate",
        "messages",
        "rate",
        _event_rate("x", "clicked", "opened"),
        en="click-to-open rate | 'clicked' events / 'opened' events",
        es="clics sobre aperturas | eventos 'clicked' / eventos 'opened'",
        words_es="clics sobre aperturas",
        words_en="click to open rate, ctor",
    ),
    _m(
        "bounce_rate",
        "messages",
        "rate",
        _event_rate("x", "bounced", "sent"),
        en="bounce rate | 'bounced' events / 'sent' events",
        es="tasa de rebote | eventos 'bounced' / eventos 'sent'",
        words_es="tasa de rebote",
        words_en="bounce rate",
    ),
    _m(
        "unsubscribe_rate",
        "messages",
        "rate",
        _event_rate("x", "unsubscribed", "sent"),
        en="unsubscribe rate | 'unsubscribed' events / 'sent' events",
        es="tasa de bajas | eventos 'unsubscribed' / eventos 'sent'",
        words_es="tasa de bajas, tasa de baja",
        words_en="unsubscribe rate",
    ),
    _m(
        "conversion_rate",
        "messages",
        "rate",
        _event_rate("x", "converted", "sent"),
        en="conversion rate | 'converted' events / 'sent' events",
        es="tasa de conversión | eventos 'converted' / eventos 'sent'",
        words_es="tasa de conversion, ratio de conversion",
        words_en="conversion rate",
    ),
    _m(
        "attributed_revenue",
        "messages",
        "money",
        _attributed,
        en="attributed revenue | sum of value of 'converted' events",
        es="ingresos atribuidos | suma de value de los eventos 'converted'",
        words_es="ingresos atribuidos, facturacion atribuida, ventas atribuidas",
        words_en="attributed revenue, revenue attributed",
    ),
    _m(
        "revenue_per_send",
        "messages",
        "money",
        _div(_attributed, _count_event("x", "sent")),
        en="revenue per send | attributed revenue / sends",
        es="ingresos por envío | ingresos atribuidos / envíos",
        words_es="ingresos por envio",
        words_en="revenue per send, revenue per email",
    ),
    _m(
        "visits",
        "web",
        "count",
        _visits,
        en="visits | distinct (visitor, day)",
        es="visitas | pares distintos (visitante, día)",
        words_es="visitas, sesiones",
        words_en="visits, sessions",
    ),
    _m(
        "visitors",
        "web",
        "count",
        _visitors(None),
        en="visitors | distinct visitor_id",
        es="visitantes | visitor_id distintos",
        words_es="visitantes, usuarios unicos",
        words_en="visitors, unique visitors",
    ),
    _m(
        "known_visitors",
        "web",
        "count",
        _visitors(True),
        en="known visitors | distinct visitor_id of events with a contact",
        es="visitantes conocidos | visitor_id distintos de eventos con contacto",
        words_es="visitantes conocidos, conocidos",
        words_en="known visitors",
    ),
    _m(
        "anonymous_visitors",
        "web",
        "count",
        _visitors(False),
        en="anonymous visitors | distinct visitor_id of events without a contact",
        es="visitantes anónimos | visitor_id distintos de eventos sin contacto",
        words_es="visitantes anonimos, anonimos",
        words_en="anonymous visitors",
    ),
    _m(
        "product_views",
        "web",
        "count",
        _count_event("e", "product_view"),
        en="product views | product_view events",
        es="vistas de producto | eventos product_view",
        words_es="vistas de producto, visualizaciones de producto",
        words_en="product views",
    ),
    _m(
        "add_to_cart",
        "web",
        "count",
        _count_event("e", "add_to_cart"),
        en="add-to-carts | add_to_cart events",
        es="añadidos al carrito | eventos add_to_cart",
        words_es="anadidos al carrito",
        words_en="add to cart, adds to cart",
    ),
    _m(
        "cart_abandoned",
        "web",
        "count",
        _count_event("e", "cart_abandoned"),
        en="abandoned carts | cart_abandoned events",
        es="carritos abandonados | eventos cart_abandoned",
        words_es="carritos abandonados",
        words_en="abandoned carts, carts abandoned",
    ),
    _m(
        "cart_abandonment_rate",
        "web",
        "rate",
        _event_rate("e", "cart_abandoned", "add_to_cart"),
        en="cart abandonment rate | cart_abandoned events / add_to_cart events",
        es="tasa de abandono de carrito | eventos cart_abandoned / eventos add_to_cart",
        words_es="tasa de abandono de carrito, tasa de abandono, abandono de carrito",
        words_en="cart abandonment rate, abandonment rate, cart abandonment",
    ),
    _m(
        "web_to_order_conversion",
        "web",
        "rate",
        _web_to_order,
        en="web-to-order conversion | visitors whose contact placed a completed order in the period / "
        "visitors",
        es="conversión web a pedido | visitantes cuyo contacto hizo un pedido completado en el periodo / "
        "visitantes",
        words_es="conversion web, conversion web a pedido",
        words_en="web to order conversion, web conversion",
    ),
    _m(
        "contacts",
        "contacts",
        "count",
        _star,
        timed=False,
        en="contacts | contacts existing at the as-of date",
        es="contactos | contactos existentes en la fecha de referencia",
        words_es="contactos",
        words_en="contacts",
    ),
    _m(
        "new_contacts",
        "contacts",
        "count",
        _new_contacts,
        en="new contacts | contacts created in the period",
        es="contactos nuevos | contactos creados en el periodo",
        words_es="nuevos contactos, contactos nuevos, altas, registros",
        words_en="new contacts, signups, sign ups",
    ),
    _m(
        "email_subscribed_share",
        "contacts",
        "rate",
        _share("email_subscribed"),
        timed=False,
        en="email subscribed share | contacts subscribed to email / contacts",
        es="proporción suscrita a email | contactos suscritos a email / contactos",
        words_es="suscritos a email, suscritos al email",
        words_en="email subscribed, email subscribers",
    ),
    _m(
        "sms_subscribed_share",
        "contacts",
        "rate",
        _share("sms_subscribed"),
        timed=False,
        en="SMS subscribed share | contacts subscribed to SMS / contacts",
        es="proporción suscrita a SMS | contactos suscritos a SMS / contactos",
        words_es="suscritos a sms",
        words_en="sms subscribed, sms subscribers",
    ),
    _m(
        "push_subscribed_share",
        "contacts",
        "rate",
        _share("push_subscribed"),
        timed=False,
        en="push subscribed share | contacts subscribed to push / contacts",
        es="proporción suscrita a push | contactos suscritos a push / contactos",
        words_es="suscritos a push",
        words_en="push subscribed, push subscribers",
    ),
    _m(
        "ads_consent_share",
        "contacts",
        "rate",
        _share("ads_consent"),
        timed=False,
        en="ads consent share | contacts with ads consent / contacts",
        es="proporción con consentimiento de anuncios | contactos con consentimiento de anuncios / contactos",
        words_es="consentimiento de anuncios",
        words_en="ads consent",
    ),
    _m(
        "avg_lead_score",
        "contacts",
        "count",
        _avg_lead_score,
        timed=False,
        en="average lead score | mean lead score at the as-of date",
        es="lead score medio | lead score medio en la fecha de referencia",
        words_es="lead score medio, puntuacion media",
        words_en="average lead score",
    ),
    _m(
        "rfm_customers",
        "rfm",
        "count",
        _star,
        timed=False,
        en="scored customers | customers with an RFM score at D",
        es="clientes con RFM | clientes con puntuación RFM en D",
        words_es="clientes rfm, tamano de segmento rfm, tamano de los segmentos",
        words_en="rfm customers, rfm segment size, segment sizes",
    ),
)
METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}


# ---- dimensions --------------------------------------------------------------------------------


def _col(alias: str, name: str) -> Callable[[date], exp.Expr]:
    return lambda d: exp.column(name, alias)


def _age_band(d: date) -> exp.Expr:
    b = exp.column("birth_date", "c")
    before = exp.LT(
        this=exp.convert(d.month * 100 + d.day),
        expression=exp.Add(
            this=exp.Mul(this=exp.func("month", b), expression=exp.convert(100)),
            expression=exp.func("day", b.copy()),
        ),
    )
    age = exp.Sub(
        this=exp.Sub(this=exp.convert(d.year), expression=exp.func("year", b.copy())),
        expression=exp.Case(ifs=[exp.If(this=before, true=exp.convert(1))], default=exp.convert(0)),
    )
    bands = [(18, "<18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64")]
    ifs = [
        exp.If(this=exp.LT(this=age.copy(), expression=exp.convert(n)), true=exp.Literal.string(s))
        for n, s in bands
    ]
    case = exp.Case(ifs=ifs, default=exp.Literal.string("65+"))
    return exp.Case(
        ifs=[exp.If(this=exp.Is(this=b.copy(), expression=exp.null()), true=exp.null())], default=case
    )


def _lead_band(d: date) -> exp.Expr:
    s = exp.column("lead_score", "ls")
    bands = [(0, "<0"), (25, "0-24"), (50, "25-49"), (100, "50-99")]
    ifs = [
        exp.If(this=exp.LT(this=s.copy(), expression=exp.convert(n)), true=exp.Literal.string(t))
        for n, t in bands
    ]
    return exp.Case(
        ifs=[exp.If(this=exp.Is(this=s, expression=exp.null()), true=exp.null()), *ifs],
        default=exp.Literal.string("100+"),
    )


def _buyer_type_dim(d: date) -> exp.Expr:
    no = exp.column("purchase_no", "fo")
    return exp.Case(
        ifs=[
            exp.If(this=exp.EQ(this=no, expression=exp.convert(1)), true=exp.Literal.string("first-time")),
            exp.If(
                this=exp.GT(this=no.copy(), expression=exp.convert(1)), true=exp.Literal.string("recurring")
            ),
        ]
    )


def bucket(grain: str, source: str) -> exp.Expr:
    """The first day (a DATE) of the ``grain`` bucket holding a row of ``source``; weeks start on Monday.

    >>> bucket("week", "messages").sql("duckdb")
    "CAST(DATE_TRUNC('WEEK', x.occurred_at) AS DATE)"
    """
    where = TIME_COLUMN[source]
    if where is None:
        raise ValueError(f"{source} rows have no time")
    return exp.cast(exp.func("date_trunc", exp.Literal.string(grain), exp.column(where[1], where[0])), "DATE")


def _bucket_of(grain: str, source: str) -> Callable[[date], exp.Expr]:
    return lambda d: bucket(grain, source)


def _buckets(grain: str) -> dict[str, Callable[[date], exp.Expr]]:
    return {s: _bucket_of(grain, s) for s, where in TIME_COLUMN.items() if where is not None}


_CONTACT_SOURCES: tuple[Source, ...] = ("orders", "lines", "messages", "web", "contacts", "rfm")
_ORDER_SOURCES: tuple[Source, ...] = ("orders", "lines")
_TIMED: tuple[Source, ...] = ("orders", "lines", "messages", "web", "contacts")


def _on(
    sources: tuple[Source, ...], build: Callable[[date], exp.Expr]
) -> dict[str, Callable[[date], exp.Expr]]:
    return dict.fromkeys(sources, build)


def _d(
    name: str,
    en: str,
    es: str,
    exprs: dict[str, Callable[[date], exp.Expr]],
    words_es: str,
    words_en: str,
    grain: bool = False,
) -> Dimension:
    return Dimension(name, en, es, exprs, grain, _words(words_es), _words(words_en))


_DIMENSIONS: tuple[Dimension, ...] = (
    _d(
        "day",
        "day",
        "día",
        _buckets("day"),
        "diario, por dia, cada dia",
        "daily, by day, per day",
        grain=True,
    ),
    _d(
        "week",
        "week",
        "semana",
        _buckets("week"),
        "semanal, por semana, cada semana",
        "weekly, by week, per week",
        grain=True,
    ),
    _d(
        "month",
        "month",
        "mes",
        _buckets("month"),
        "mensual, por mes, cada mes",
        "monthly, by month, per month",
        grain=True,
    ),
    _d(
        "quarter",
        "quarter",
        "trimestre",
        _buckets("quarter"),
        "trimestral, por trimestre",
        "quarterly, by quarter",
        grain=True,
    ),
    _d("year", "year", "año", _buckets("year"), "anual, por ano", "yearly, annual, by year", grain=True),
    _d(
        "workflow",
        "workflow",
        "workflow",
        _on(("messages",), _col("w", "name")),
        "workflow, flujo, automatizacion",
        "workflow, automation, journey",
    ),
    _d(
        "message",
        "message",
        "mensaje",
        _on(("messages",), _col("x", "message_name")),
        "mensaje, email, envio",
        "message, email",
    ),
    _d("channel", "channel", "canal", _on(("messages",), _col("x", "channel")), "canal", "channel"),
    _d(
        "message_type",
        "message type",
        "tipo de mensaje",
        _on(("messages",), _col("x", "message_type")),
        "tipo de mensaje",
        "message type",
    ),
    _d(
        "utm_source",
        "UTM source",
        "fuente UTM",
        {**_on(_ORDER_SOURCES, _col("o", "utm_source")), "web": _col("e", "utm_source")},
        "fuente, origen, utm source",
        "source, utm source",
    ),
    _d(
        "utm_medium",
        "UTM medium",
        "medio UTM",
        {**_on(_ORDER_SOURCES, _col("o", "utm_medium")), "web": _col("e", "utm_medium")},
        "medio, utm medium",
        "medium, utm medium",
    ),
    _d(
        "utm_campaign",
        "UTM campaign",
        "campaña UTM",
        {
            **_on(_ORDER_SOURCES, _col("o", "utm_campaign")),
            "web": _col("e", "utm_campaign"),
            "messages": _col("x", "utm_campaign"),
        },
        "campana, utm campaign",
        "campaign, utm campaign",
    ),
    _d(
        "product",
        "product",
        "producto",
        _on(("lines", "web"), _col("p", "name")),
        "producto, articulo",
        "product, item",
    ),
    _d("brand", "brand", "marca", _on(("lines", "web"), _col("p", "brand")), "marca", "brand"),
    _d(
        "category",
        "category",
        "categoría",
        _on(("lines", "web"), _col("p", "category")),
        "categoria, familia",
        "category",
    ),
    _d(
        "subcategory",
        "subcategory",
        "subcategoría",
        _on(("lines", "web"), _col("p", "subcategory")),
        "subcategoria",
        "subcategory",
    ),
    _d(
        "payment_method",
        "payment method",
        "método de pago",
        _on(_ORDER_SOURCES, _col("o", "payment_method")),
        "metodo de pago, forma de pago, medio de pago",
        "payment method",
    ),
    _d(
        "card_brand",
        "card brand",
        "marca de tarjeta",
        _on(_ORDER_SOURCES, _col("o", "card_brand")),
        "marca de tarjeta, tipo de tarjeta",
        "card brand, card type",
    ),
    _d(
        "order_channel",
        "sales channel",
        "canal de venta",
        _on(_ORDER_SOURCES, _col("o", "channel")),
        "canal de venta, online vs tienda",
        "sales channel, order channel, online vs store",
    ),
    _d("store", "store", "tienda", _on(_ORDER_SOURCES, _col("o", "store")), "tienda", "store"),
    _d(
        "coupon",
        "coupon",
        "cupón",
        _on(_ORDER_SOURCES, _col("o", "coupon_code")),
        "cupon, codigo promocional, codigo de descuento",
        "coupon, promo code, discount code",
    ),
    _d(
        "buyer_type",
        "buyer type",
        "tipo de comprador",
        _on(_ORDER_SOURCES, _buyer_type_dim),
        "tipo de comprador, nuevos vs recurrentes",
        "buyer type, new vs returning",
    ),
    _d("device", "device", "dispositivo", _on(("web",), _col("e", "device")), "dispositivo", "device"),
    _d("city", "city", "ciudad", _on(_CONTACT_SOURCES, _col("c", "city")), "ciudad", "city"),
    _d(
        "region",
        "region",
        "región",
        _on(_CONTACT_SOURCES, _col("c", "region")),
        "region, provincia",
        "region, province, state",
    ),
    _d("country", "country", "país", _on(_CONTACT_SOURCES, _col("c", "country")), "pais", "country"),
    _d(
        "gender",
        "gender",
        "género",
        _on(_CONTACT_SOURCES, _col("c", "gender")),
        "genero, sexo",
        "gender, sex",
    ),
    _d(
        "age_band",
        "age band",
        "franja de edad",
        _on(_CONTACT_SOURCES, _age_band),
        "franja de edad, tramo de edad, edad",
        "age band, age group, age",
    ),
    _d(
        "rfm_segment",
        "RFM segment",
        "segmento RFM",
        _on(_CONTACT_SOURCES, _col("r", "rfm_segment")),
        "segmento rfm, segmentos rfm",
        "rfm segment, rfm segments",
    ),
    _d(
        "rfm_cell",
        "RFM cell",
        "celda RFM",
        _on(_CONTACT_SOURCES, _col("r", "rfm_cell")),
        "celda rfm",
        "rfm cell",
    ),
    _d(
        "lead_score_band",
        "lead-score band",
        "tramo de lead score",
        _on(_CONTACT_SOURCES, _lead_band),
        "tramo de lead score, lead score",
        "lead score band, lead score",
    ),
)
DIMENSIONS: dict[str, Dimension] = {d.name: d for d in _DIMENSIONS}


def supports(metric: Metric, dim: Dimension) -> bool:
    """True when ``metric`` can be broken down by ``dim`` (order metrics with a line form reach line ones).

    >>> supports(METRICS["revenue"], DIMENSIONS["brand"]), supports(METRICS["open_rate"], DIMENSIONS["brand"])
    (True, False)
    """
    if dim.grain:
        return metric.timed and metric.source in dim.sources
    if metric.source in dim.sources:
        return True
    return metric.source == "orders" and metric.line_aggregate is not None and "lines" in dim.sources


def metric_formula(name: str, lang: Lang) -> str:
    """A metric's meaning for the explanation: ``label = formula`` in ``lang``.

    >>> metric_formula("open_rate", "en")
    "open rate = 'opened' events / 'sent' events"
    """
    m = METRICS[name]
    return f"{m.label(lang)} = {m.formula_es if lang == 'es' else m.formula_en}"


def _names(names: list[str], lang: Lang) -> str:
    if len(names) == 1:
        return names[0]
    joiner = " y " if lang == "es" else " and "
    return ", ".join(names[:-1]) + joiner + names[-1]


def _dim_issue(metric: Metric, dim: Dimension, lang: Lang) -> str:
    have = sorted({ROW_NOUN[s][1 if lang == "es" else 0] for s in dim.sources})
    if lang == "es":
        return (
            f"{metric.label_es} no se puede desglosar por {dim.label_es}: {dim.label_es} solo se conoce en "
            f"{_names(have, lang)}."
        )
    return (
        f"{metric.label_en} cannot be broken down by {dim.label_en}: {dim.label_en} is known only for "
        f"{_names(have, lang)}."
    )


def check(plan: ReportPlan) -> list[str]:
    """Why ``plan`` cannot be answered, one sentence per problem in the plan's language (empty: it can).

    >>> check(ReportPlan(metrics=["open_rate"], dimensions=["brand"]))
    ['open rate cannot be broken down by brand: brand is known only for order lines and web events.']
    """
    lang: Lang = plan.language
    es = lang == "es"
    issues: list[str] = []
    unknown = [m for m in plan.metrics if m not in METRICS]
    unknown_dims = [d for d in plan.dimensions if d not in DIMENSIONS or DIMENSIONS[d].grain]
    for name in unknown:
        issues.append(f"no conozco la métrica '{name}'." if es else f"unknown metric '{name}'.")
    for name in unknown_dims:
        issues.append(f"no conozco la dimensión '{name}'." if es else f"unknown dimension '{name}'.")
    metrics = [METRICS[m] for m in plan.metrics if m in METRICS]
    dims = [DIMENSIONS[d] for d in plan.dimensions if d not in unknown_dims]
    if plan.segment_sizes:
        if plan.where is None:
            issues.append(
                "para contar un segmento por periodo hace falta el segmento."
                if es
                else "segment sizes per period need a segment to count."
            )
        if plan.window is None and plan.grain is not None:
            issues.append(
                "el tamaño del segmento por periodo necesita un periodo (p. ej. 'este año')."
                if es
                else "segment sizes per period need a time window (e.g. 'this year')."
            )
        if dims:
            issues.append(
                "el tamaño del segmento no se desglosa por otras dimensiones."
                if es
                else "segment sizes cannot be broken down by other dimensions."
            )
        return issues
    if not plan.metrics:
        issues.append(
            "falta la métrica (¿pedidos, facturación, aperturas...?)."
            if es
            else "no metric was asked for (orders, revenue, opens...?)."
        )
    for m in metrics:
        for d in dims:
            if not supports(m, d):
                issues.append(_dim_issue(m, d, lang))
        if plan.grain is not None and not m.timed:
            issues.append(
                f"{m.label_es} es un total en la fecha de referencia: no tiene evolución por "
                f"{DIMENSIONS[plan.grain].label_es}."
                if es
                else f"{m.label_en} is a total at the as-of date: it has no {plan.grain}ly buckets."
            )
        if plan.product is not None and m.source not in ("lines", "web") and m.line_aggregate is None:
            issues.append(
                f"{m.label_es} no se puede limitar a productos."
                if es
                else f"{m.label_en} cannot be restricted to products."
            )
    if plan.compare == "previous":
        if plan.window is None:
            issues.append(
                "comparar con el periodo anterior necesita un periodo."
                if es
                else "a comparison with the previous period needs a time window."
            )
        if plan.grain is not None:
            issues.append(
                "la comparación con el periodo anterior no se combina con una evolución temporal."
                if es
                else "a comparison with the previous period cannot be split into time buckets."
            )
        if any(not m.timed for m in metrics):
            issues.append(
                "los totales en la fecha de referencia no tienen periodo anterior."
                if es
                else "totals at the as-of date have no previous period."
            )
    if plan.sort is not None and plan.sort not in (*plan.metrics, *plan.dimensions, plan.grain):
        issues.append(
            f"no se puede ordenar por '{plan.sort}': no es una columna del informe."
            if es
            else f"cannot sort by '{plan.sort}': it is not a column of the report."
        )
    if plan.limit is not None and plan.limit < 1:
        issues.append("el límite debe ser al menos 1." if es else "the limit must be at least 1.")
    return issues
