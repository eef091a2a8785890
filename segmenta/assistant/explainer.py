"""The explanation: one plain sentence per condition of a Plan, in the request's language.

A marketer must see exactly what was counted before trusting a number, so every sentence
restates the numbers, the comparison in symbols with its plain reading (``age > 30 (31 or older)
on 2026-06-30``), the window as exact dates (via :func:`~segmenta.assistant.windows.describe_window`)
and the assumptions the Plan carries (completed orders only, everything cut at the as-of date).
Nothing here reads the warehouse: the words come from the Plan alone, so any shop's catalog values
are shown as they are. :func:`step_label` gives the short form used by funnel rows and checklists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from babel.numbers import format_decimal

from segmenta.assistant.plan import (
    All,
    Any_,
    AttributeCondition,
    Compare,
    LeadScoreCondition,
    MessageCondition,
    MetricCondition,
    Node,
    Not,
    ProductMatch,
    PurchaseCondition,
    RfmCondition,
    SavedSegmentCondition,
    SegmentPlan,
    WebCondition,
    Window,
    conjuncts,
)
from segmenta.assistant.windows import calendar_window, describe_window, resolve_window
from segmenta.errors import SegmentaError
from segmenta.locale_text import day_text, decimal, locale_id, money

Lang = Literal["es", "en"]
LABEL_MAX = 80


class ExplainError(SegmentaError):
    """A condition the explainer cannot put in words because a field its kind needs is missing."""

    title = "Explanation"


FIELD_NAMES: dict[str, tuple[str, str]] = {
    "gender": ("gender", "género"),
    "age": ("age", "edad"),
    "city": ("city", "ciudad"),
    "region": ("region", "región"),
    "postal_code": ("postal code", "código postal"),
    "country": ("country", "país"),
    "language": ("language", "idioma"),
    "is_company": ("company", "empresa"),
    "created_at": ("sign-up date", "fecha de alta"),
    "email_subscribed": ("email consent", "consentimiento de email"),
    "sms_subscribed": ("SMS consent", "consentimiento de SMS"),
    "push_subscribed": ("push consent", "consentimiento de push"),
    "ads_consent": ("ads consent", "consentimiento de anuncios"),
    "email": ("email", "email"),
    "phone": ("phone", "teléfono"),
    "first_name": ("first name", "nombre"),
    "last_name": ("last name", "apellido"),
    "birth_date": ("birth date", "fecha de nacimiento"),
}
# field -> ((en when true, en when false), (es when true, es when false))
BOOL_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "is_company": (("a company", "not a company"), ("es empresa", "no es empresa")),
    "email_subscribed": (
        ("subscribed to email", "not subscribed to email"),
        ("suscrito a email", "no suscrito a email"),
    ),
    "sms_subscribed": (
        ("subscribed to SMS", "not subscribed to SMS"),
        ("suscrito a SMS", "no suscrito a SMS"),
    ),
    "push_subscribed": (
        ("subscribed to push", "not subscribed to push"),
        ("suscrito a push", "no suscrito a push"),
    ),
    "ads_consent": (
        ("consents to ad matching", "does not consent to ad matching"),
        ("acepta anuncios personalizados", "no acepta anuncios personalizados"),
    ),
}
GENDER_ES = {"male": "hombre", "female": "mujer", "other": "otro"}
RFM_SEGMENTS_ES = {
    "Champions": "Campeones",
    "Loyal": "Leales",
    "Potential Loyalist": "Potencialmente leales",
    "New Customers": "Nuevos",
    "Promising": "Prometedores",
    "Need Attention": "Necesitan atención",
    "About To Sleep": "A punto de dormirse",
    "At Risk": "En riesgo",
    "Can't Lose Them": "No podemos perderlos",
    "Hibernating": "Hibernando",
    "Lost": "Perdidos",
}
METRIC_NAMES: dict[str, tuple[str, str]] = {
    "orders_count": ("orders count", "número de pedidos"),
    "total_spent": ("total spent", "gasto total"),
    "avg_order_value": ("average order value", "valor medio de pedido"),
    "days_since_last_order": ("days since last order", "días desde el último pedido"),
    "first_order_at": ("first purchase", "primera compra"),
    "last_order_at": ("last purchase", "última compra"),
}
# status -> (en orders, en one order, es orders, es one order)
STATUS_WORDS: dict[str, tuple[str, str, str, str]] = {
    "completed": ("completed orders", "completed order", "pedidos completados", "pedido completado"),
    "cancelled": ("cancelled orders", "cancelled order", "pedidos cancelados", "pedido cancelado"),
    "returned": ("returned orders", "returned order", "pedidos devueltos", "pedido devuelto"),
    "any": (
        "orders of any status",
        "order of any status",
        "pedidos de cualquier estado",
        "pedido de cualquier estado",
    ),
}
# web event -> (en past, en base, en default object, en default "any" object,
#               es past, es default object, es default "none" object); {x} is the object
WEB_VERBS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "page_view": ("viewed {x}", "view {x}", "a page", "any page", "vio {x}", "una página", "ninguna página"),
    "product_view": (
        "viewed {x}",
        "view {x}",
        "a product",
        "any product",
        "vio {x}",
        "un producto",
        "ningún producto",
    ),
    "category_view": (
        "visited {x}",
        "visit {x}",
        "a category page",
        "any category page",
        "visitó {x}",
        "una categoría",
        "ninguna categoría",
    ),
    "add_to_cart": (
        "added {x} to the cart",
        "add {x} to the cart",
        "a product",
        "any product",
        "añadió {x} al carrito",
        "un producto",
        "ningún producto",
    ),
    "cart_abandoned": (
        "abandoned a cart with {x}",
        "abandon a cart with {x}",
        "products",
        "any product",
        "abandonó un carrito con {x}",
        "productos",
        "ningún producto",
    ),
    "search": ("searched for {x}", "search for {x}", "something", "anything", "buscó {x}", "algo", "nada"),
    "login": ("logged in", "log in", "", "", "inició sesión", "", ""),
    "signup": ("signed up", "sign up", "", "", "se registró", "", ""),
    "form_submit": ("submitted a form", "submit a form", "", "", "envió un formulario", "", ""),
    "visit": ("visited the site", "visit the site", "", "", "visitó la web", "", ""),
}
# message event -> (en positive, en negative in a window, en never, es positive, es negative after no/nunca)
MESSAGE_VERBS: dict[str, tuple[str, str, str, str, str]] = {
    "sent": (
        "was sent {pl}",
        "was NOT sent {any}",
        "was never sent {any}",
        "se le enviaron {pl}",
        "se le envió {none}",
    ),
    "delivered": (
        "received {a}",
        "did NOT receive {any}",
        "never received {any}",
        "recibió {a}",
        "recibió {none}",
    ),
    "opened": ("opened {a}", "did NOT open {any}", "never opened {any}", "abrió {a}", "abrió {none}"),
    "clicked": (
        "clicked {a}",
        "did NOT click {any}",
        "never clicked {any}",
        "hizo clic en {a}",
        "hizo clic en {none}",
    ),
    "bounced": (
        "had {a} bounce",
        "did NOT have {any} bounce",
        "never had {any} bounce",
        "tuvo un rebote de {a}",
        "tuvo rebotes de {pl}",
    ),
    "unsubscribed": (
        "unsubscribed via {a}",
        "did NOT unsubscribe via {any}",
        "never unsubscribed via {any}",
        "se dio de baja desde {a}",
        "se dio de baja desde {none}",
    ),
    "converted": (
        "converted from {a}",
        "did NOT convert from {any}",
        "never converted from {any}",
        "convirtió desde {a}",
        "convirtió desde {none}",
    ),
}
# channel -> (en a, en any, en plural, es a, es none, es plural)
CHANNEL_NOUNS: dict[str, tuple[str, str, str, str, str, str]] = {
    "email": ("an email", "any email", "emails", "un email", "ningún email", "emails"),
    "sms": ("an SMS", "any SMS", "SMS messages", "un SMS", "ningún SMS", "SMS"),
    "push": (
        "a push notification",
        "any push notification",
        "push notifications",
        "una notificación push",
        "ninguna notificación push",
        "notificaciones push",
    ),
    "web_content": (
        "a web content piece",
        "any web content piece",
        "web content pieces",
        "un contenido web",
        "ningún contenido web",
        "contenidos web",
    ),
    "whatsapp": (
        "a WhatsApp message",
        "any WhatsApp message",
        "WhatsApp messages",
        "un mensaje de WhatsApp",
        "ningún mensaje de WhatsApp",
        "mensajes de WhatsApp",
    ),
}


def format_number(value: float, lang: Lang, country: str = "") -> str:
    """A number as written in a sentence: whole numbers without decimals, the locale's marks (Babel).

    >>> format_number(30.0, "en"), format_number(2.5, "es"), format_number(12000, "es", "MX")
    ('30', '2,5', '12,000')
    """
    if not math.isfinite(value):
        return repr(value)
    # every digit the plan holds: a sentence that rounds would restate another condition
    exact = Decimal(repr(float(value)))
    return format_decimal(
        exact, format="#,##0.###", locale=locale_id(lang, country), decimal_quantization=False
    )


def format_money(value: float, lang: Lang, currency: str = "EUR", country: str = "") -> str:
    """An amount with 2 decimals and the currency's symbol where the locale puts it (Babel, CLDR);
    with no currency, the number alone.

    >>> format_money(300, "en"), format_money(300, "es"), format_money(12500.5, "es", "MXN", "MX")
    ('€300.00', '300,00 €', '$12,500.50')
    >>> format_money(1500, "en", "USD", "US"), format_money(1500, "es", "")
    ('$1,500.00', '1.500,00')
    """
    if not math.isfinite(value):
        return f"{value!r} {currency}".strip()
    loc = locale_id(lang, country)
    if not currency:
        return decimal(value, loc)
    # a normal space: explanations are read, copied and searched as plain text
    return money(value, loc, currency).replace("\xa0", " ")


def _euphony(word: str, following: str) -> str:
    """Spanish ``y``/``o`` become ``e``/``u`` before an /i/ or /o/ sound (``Madrid u Oviedo``)."""
    head = following.lower().lstrip("'\"(¿¡")
    head = head[1:] if head.startswith("h") else head
    if word == "y" and head[:1] in ("i", "í") and head[1:2] not in ("a", "e", "o", "u"):
        return "e"
    if word == "o" and head[:1] in ("o", "ó"):
        return "u"
    return word


def join_words(items: list[str], lang: Lang, conj: Literal["and", "or", "nor"] = "or") -> str:
    """Join values as a list in a sentence: ``A, B or C`` / ``A, B o C`` (``nor``: ``ni`` in Spanish).

    >>> join_words(["Madrid", "Barcelona", "Sevilla"], "en")
    'Madrid, Barcelona or Sevilla'
    >>> join_words(["Vigo", "Oviedo"], "es"), join_words(["Football", "Hockey"], "es", "and")
    ('Vigo u Oviedo', 'Football y Hockey')
    """
    if len(items) < 2:
        return "".join(items)
    words = {"and": ("and", "y"), "or": ("or", "o"), "nor": ("or", "ni")}[conj]
    word = words[1] if lang == "es" else words[0]
    if lang == "es":
        word = _euphony(word, items[-1])
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _quoted(values: list[str]) -> list[str]:
    return [f"'{v}'" for v in values]


@dataclass(frozen=True)
class _Ctx:
    as_of: date
    lang: Lang
    currency: str
    country: str = ""

    def t(self, en: str, es: str) -> str:
        return es if self.lang == "es" else en

    def num(self, value: float) -> str:
        return format_number(value, self.lang, self.country)

    def money(self, value: float) -> str:
        return format_money(value, self.lang, self.currency, self.country)

    def window(self, w: Window) -> str:
        return describe_window(w, self.as_of, self.lang, self.country)

    def day(self, d: date) -> str:
        """A day as the answer's locale writes it (``30 jun 2026``, ``Jun 30, 2026``)."""
        return day_text(d, self.lang, self.country)

    def up_to(self) -> str:
        return self.t(f"up to {self.day(self.as_of)}", f"hasta el {self.day(self.as_of)}")

    def span(self, w: Window | None) -> str:
        """The window's dates, or ``up to D`` when the condition has none."""
        return self.window(w) if w is not None else self.up_to()

    def join(self, items: list[str], conj: Literal["and", "or", "nor"] = "or") -> str:
        return join_words(items, self.lang, conj)


def _cmp(value: Compare | None, where: str) -> Compare:
    if value is None:
        raise ExplainError(f"explanation: the {where} condition has no comparison")
    return value


def _win(value: Window | None, where: str) -> Window:
    if value is None:
        raise ExplainError(f"explanation: the {where} condition has no time window")
    return value


# --- comparisons -----------------------------------------------------------------------------


def _second(c: Compare) -> float:
    if c.value2 is None:
        raise ExplainError(f"explanation: 'between {c.value}' has no upper value")
    return c.value2


def _sym(c: Compare, ctx: _Ctx, money: bool = False) -> str:
    """``> 30``, ``> 300.00 EUR``, ``between 25 and 35`` / ``entre 25 y 35``."""
    if money:
        fmt = ctx.money
        if c.op == "between":
            lo, hi = ctx.money(c.value), ctx.money(_second(c))
            return ctx.t(f"between {lo} and {hi}", f"entre {lo} y {hi}")
    else:
        fmt = ctx.num
    if c.op == "between":
        lo, hi = fmt(c.value), fmt(_second(c))
        return ctx.t(f"between {lo} and {hi}", f"entre {lo} {_euphony('y', hi)} {hi}")
    return f"{c.op} {fmt(c.value)}"


def _whole_bound(c: Compare) -> tuple[str, int] | None:
    """The bound a comparison sets on a whole number (``> 30`` is ``("min", 31)``); None for ``between``."""
    v = c.value
    if not math.isfinite(v) or c.op == "between" or (c.op in ("=", "!=") and not v.is_integer()):
        return None
    if c.op == ">":
        return "min", math.floor(v) + 1
    if c.op == ">=":
        return "min", math.ceil(v)
    if c.op == "<":
        return "max", math.ceil(v) - 1
    if c.op == "<=":
        return "max", math.floor(v)
    return ("eq" if c.op == "=" else "ne"), int(v)


def _inclusive(ctx: _Ctx) -> str:
    return ctx.t("inclusive", "ambos incluidos")


def _age_reading(c: Compare, ctx: _Ctx) -> str | None:
    """The plain reading of an age comparison: ``31 or older`` / ``31 o más``."""
    if c.op == "between":
        return _inclusive(ctx)
    bound = _whole_bound(c)
    if bound is None:
        return None
    kind, n = bound
    return {
        "min": ctx.t(f"{n} or older", f"{n} o más"),
        "max": ctx.t(f"{n} or younger", f"{n} o menos"),
        "eq": ctx.t(f"exactly {n}", f"exactamente {n}"),
        "ne": ctx.t(f"any age but {n}", f"cualquier edad salvo {n}"),
    }[kind]


def _count_reading(c: Compare, ctx: _Ctx) -> str | None:
    """The plain reading of a whole count: ``3 or more`` / ``3 o más``; None for ``between``."""
    bound = _whole_bound(c)
    if bound is None:
        return None
    kind, n = bound
    return {
        "min": ctx.t(f"{n} or more", f"{n} o más"),
        "max": ctx.t(f"{n} or fewer", f"{n} o menos"),
        "eq": ctx.t(f"exactly {n}", f"exactamente {n}"),
        "ne": ctx.t(f"other than {n}", f"distinto de {n}"),
    }[kind]


def _counted(c: Compare, ctx: _Ctx, noun: tuple[str, str, str, str]) -> str:
    """A count with its symbol, ``3 or more units (>= 3)``; noun = (en one, en many, es one, es many)."""
    one, many = (noun[2], noun[3]) if ctx.lang == "es" else (noun[0], noun[1])
    if c.op == "between":
        return f"{_sym(c, ctx)} {many} ({_inclusive(ctx)})"
    reading = _count_reading(c, ctx)
    if reading is None:
        return f"{_sym(c, ctx)} {many}"
    single = c.op == "=" and c.value == 1
    return f"{reading} {one if single else many} ({_sym(c, ctx)})"


def _times(c: Compare, ctx: _Ctx) -> str:
    return _counted(c, ctx, ("time", "times", "vez", "veces"))


# --- contact attributes ----------------------------------------------------------------------


def _field_name(cond: AttributeCondition, ctx: _Ctx) -> str:
    if cond.field == "custom":
        return cond.custom_field or ctx.t("custom field", "campo personalizado")
    en, es = FIELD_NAMES[cond.field]
    return ctx.t(en, es)


def _values(cond: AttributeCondition, ctx: _Ctx) -> list[str]:
    if cond.field == "gender" and ctx.lang == "es":
        return [GENDER_ES.get(v, v) for v in cond.values]
    return list(cond.values)


NEGATED_ATTR_OP = {
    "in": "not_in",
    "not_in": "in",
    "is_true": "is_false",
    "is_false": "is_true",
    "is_null": "not_null",
    "not_null": "is_null",
}


def _attribute(cond: AttributeCondition, ctx: _Ctx, negated: bool = False) -> str | None:
    """A contact-field test in words; with ``negated``, its opposite (None when it has no plain opposite)."""
    field, values, op = _field_name(cond, ctx), _values(cond, ctx), str(cond.op)
    if op in ("in", "not_in", "prefix", "contains") and not values:
        raise ExplainError(f"explanation: the {cond.field} {op} condition has no values")
    if negated:
        if op not in NEGATED_ATTR_OP and op not in ("prefix", "contains"):
            return None
        op = NEGATED_ATTR_OP.get(op, op)
    if op == "in":
        return ctx.t(f"{field} is {ctx.join(values)}", f"{field}: {ctx.join(values)}")
    if op == "not_in":
        if ctx.lang == "es":
            return f"{field} no es {ctx.join(values, 'nor')}"
        if len(values) == 2:
            return f"{field} is neither {values[0]} nor {values[1]}"
        return f"{field} is {'none of ' if values[2:] else 'not '}{ctx.join(values, 'and')}"
    if op in ("prefix", "contains"):
        shown = ctx.join(values if op == "prefix" else _quoted(values))
        verb = {
            ("prefix", False): ("starts with", "empieza por"),
            ("prefix", True): ("does not start with", "no empieza por"),
            ("contains", False): ("contains", "contiene"),
            ("contains", True): ("does not contain", "no contiene"),
        }[(op, negated)]
        return f"{field} {ctx.t(*verb)} {shown}"
    if op in ("is_true", "is_false"):
        if cond.field in BOOL_PHRASES:
            en, es = BOOL_PHRASES[cond.field]
            return ctx.t(*((en[0], es[0]) if op == "is_true" else (en[1], es[1])))
        return ctx.t(
            f"{field} is {'true' if op == 'is_true' else 'false'}",
            f"{field}: {'sí' if op == 'is_true' else 'no'}",
        )
    if op in ("is_null", "not_null"):
        return ctx.t(
            f"{field} is {'empty' if op == 'is_null' else 'filled in'}",
            f"{'sin' if op == 'is_null' else 'con'} {field}",
        )
    if op == "compare":
        c = _cmp(cond.compare, f"{cond.field} {op}")
        if cond.field == "age":
            reading = _age_reading(c, ctx)
            note = f" ({reading})" if reading else ""
            return f"{field} {_sym(c, ctx)}{note} {ctx.t('on', 'a')} {ctx.day(ctx.as_of)}"
        return f"{field} {_sym(c, ctx)}" + (f" ({_inclusive(ctx)})" if c.op == "between" else "")
    if op == "birthday_in":
        whole = calendar_window(_win(cond.window, f"{cond.field} {op}"), ctx.as_of)
        if whole.kind == "range" and whole.start and whole.end:
            last = whole.end - timedelta(days=1)
            return ctx.t(
                f"has a birthday from {ctx.day(whole.start)} to {ctx.day(last)}",
                f"cumple años del {ctx.day(whole.start)} al {ctx.day(last)}",
            )
    window = ctx.window(_win(cond.window, f"{cond.field} {op}"))
    if op == "birthday_in":
        return ctx.t(f"has a birthday {window}", f"cumple años {window}")
    if cond.field == "created_at":
        return ctx.t(f"signed up {window}", f"se dio de alta {window}")
    return f"{field} {window}"


# --- purchases -------------------------------------------------------------------------------


def _product(p: ProductMatch | None, ctx: _Ctx, short: bool = False) -> str:
    """``products of category Football and subcategory Boots`` (short: ``Football / Boots``)."""
    if p is None:
        return ""
    if short:
        return " / ".join([*p.category, *p.subcategory, *p.brand, *p.name]) or p.text
    keys = (
        ("category", "categoría", p.category),
        ("subcategory", "subcategoría", p.subcategory),
        ("brand", "marca", p.brand),
    )
    tests = [f"{ctx.t(en, es)} {ctx.join(values)}" for en, es, values in keys if values]
    named = ctx.t(" named ", " llamados ") + ctx.join(_quoted(p.name)) if p.name else ""
    if tests:
        return ctx.t("products of ", "productos de la ") + ctx.join(tests, "and") + named
    if named:
        return ctx.t("products", "productos") + named
    return ctx.t(f"products matching '{p.text}'", f"productos que encajan con '{p.text}'") if p.text else ""


PAYMENT_NAMES: dict[str, tuple[str, str]] = {  # DATA_MODEL's payment codes, as a marketer says them
    "credit_card": ("credit card", "tarjeta de crédito"),
    "debit_card": ("debit card", "tarjeta de débito"),
    "paypal": ("PayPal", "PayPal"),
    "bizum": ("Bizum", "Bizum"),
    "bank_transfer": ("bank transfer", "transferencia bancaria"),
    "cash": ("cash", "efectivo"),
    "cash_on_delivery": ("cash on delivery", "contra reembolso"),
}


def _payment(code: str, ctx: _Ctx) -> str:
    """A payment method in words: the data model's codes named, a shop's own value as it is.

    >>> es, en = _ctx(date(2026, 1, 1), "es", "EUR"), _ctx(date(2026, 1, 1), "en", "EUR")
    >>> _payment("cash_on_delivery", es), _payment("Klarna", en)
    ('contra reembolso', 'Klarna')
    """
    names = PAYMENT_NAMES.get(code)
    return ctx.t(*names) if names else code


def _order_tests(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """The tests one order must pass (payment, channel, coupon...), comma-separated."""
    out: list[str] = []
    if cond.order_amount is not None:
        total = _sym(cond.order_amount, ctx, money=True)
        out.append(ctx.t("with an order total ", "con un total del pedido ") + total)
    if cond.payment_method:
        out.append(
            ctx.t("paid with ", "pagando con ") + ctx.join([_payment(p, ctx) for p in cond.payment_method])
        )
    if cond.card_brand:
        out.append(ctx.t("by card ", "con tarjeta ") + ctx.join(cond.card_brand))
    if cond.channel:
        out.append(
            ctx.t("online", "online")
            if cond.channel == "online"
            else ctx.t("in a physical store", "en tienda física")
        )
    if cond.store:
        out.append(ctx.t("at store ", "en la tienda ") + ctx.join(cond.store))
    if cond.coupon:
        out.append(ctx.t("with coupon ", "con el cupón ") + ctx.join(cond.coupon))
    elif cond.any_coupon:
        out.append(ctx.t("with a coupon", "con cupón"))
    if cond.utm_source:
        out.append(ctx.t("with utm_source ", "con utm_source ") + ctx.join(cond.utm_source))
    if cond.utm_campaign:
        out.append(ctx.t("with utm_campaign ", "con utm_campaign ") + ctx.join(cond.utm_campaign))
    if cond.returned:
        out.append(ctx.t("with returned units", "con unidades devueltas"))
    if cond.first_purchase:
        out.append(ctx.t("as the contact's first purchase", "como primera compra del contacto"))
    return ", ".join(out)


ORDER_NOUN = ("order", "orders", "pedido", "pedidos")


def _purchase(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """The purchase sentence; with ``only``, what every order (and line) had to be as well."""
    body = _purchase_body(cond, ctx)
    if not cond.only:
        return body
    every: list[str] = []
    if cond.product is not None:
        every.append(
            ctx.t("everything they bought was ", "todo lo que compró fue ") + _product(cond.product, ctx)
        )
    tests = _order_tests(cond.model_copy(update={"product": None}), ctx)
    if tests:
        every.append(ctx.t("every order was ", "todos sus pedidos fueron ") + tests)
    return f"{body}, {ctx.t('and', 'y')} " + f" {ctx.t('and', 'y')} ".join(every)


def _purchase_body(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """``bought <product> [in one order <tests>] <window> (completed orders)``, or ``spent > X ...``."""
    en_many, en_one, es_many, es_one = STATUS_WORDS[cond.status]
    status_noun = (en_one, en_many, es_one, es_many)
    completed = cond.status == "completed"
    target = _product(cond.product, ctx) + _also(cond, ctx)
    tests = _order_tests(cond, ctx)
    if cond.units is not None:
        units = _counted(cond.units, ctx, ("unit", "units", "unidad", "unidades"))
        target = f"{units} {ctx.t('of', 'de')} {target or ctx.t('products', 'productos')}"
    if cond.amount is not None:
        head = ctx.t("spent ", "gastó ") + _sym(cond.amount, ctx, money=True)
        head += f" {ctx.t('on', 'en')} {target}" if target else ""
        scope = _counted(cond.count, ctx, status_noun) if cond.count else ctx.t(en_many, es_many)
        head += f" {ctx.t('in', 'en')} {scope}" + (f" {tests}" if tests else "")
        return f"{head} {ctx.span(cond.window)}"
    if target:
        head = ctx.t("bought " if completed else "ordered ", "compró " if completed else "pidió ") + target
        if cond.count is not None:
            head += f" {ctx.t('in', 'en')} {_counted(cond.count, ctx, ORDER_NOUN)}"
        if tests and cond.count is not None:
            head += f" {tests}"
        elif tests:
            many = cond.units is not None
            head += (
                ctx.t(
                    " in orders " if many else " in one order ",
                    " en pedidos " if many else " en un mismo pedido ",
                )
                + tests
            )
    else:
        return _no_product_head(cond, ctx) + (f" {tests}" if tests else "") + f" {ctx.span(cond.window)}"
    if cond.window is not None:
        return f"{head} {ctx.window(cond.window)} ({ctx.t(en_many, es_many)})"
    return f"{head} ({ctx.t(en_many, es_many)} {ctx.up_to()})"


def _also(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """`` together with <product> in the same order``: the other products one order had to hold."""
    if not cond.also:
        return ""
    others = f" {ctx.t('and', 'y')} ".join(_product(p, ctx) for p in cond.also)
    same = ctx.t(" in the same order", " en el mismo pedido")
    return ctx.t(" together with ", " junto con ") + others + same


def _no_product_head(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """``had a completed order`` / ``had 3 or more cancelled orders (>= 3)`` when no product is named."""
    en_many, en_one, es_many, es_one = STATUS_WORDS[cond.status]
    if cond.count is not None:
        return ctx.t("had ", "tuvo ") + _counted(cond.count, ctx, (en_one, en_many, es_one, es_many))
    return ctx.t(f"had {'an' if en_one[0] in 'aeiou' else 'a'} {en_one}", f"tuvo un {es_one}")


def _purchase_negated(cond: PurchaseCondition, ctx: _Ctx) -> str | None:
    """``never bought X (no completed order up to D)``; None when the purchase has a count or amount."""
    if cond.amount is not None or cond.count is not None or cond.units is not None:
        return None
    _, en_one, _, es_one = STATUS_WORDS[cond.status]
    target, tests = _product(cond.product, ctx) + _also(cond, ctx), _order_tests(cond, ctx)
    if not target:
        tail = (f" {tests}" if tests else "") + f" {ctx.span(cond.window)}"
        return ctx.t(f"had no {en_one}", f"no tuvo ningún {es_one}") + tail
    if tests:
        target += ctx.t(" in one order ", " en un mismo pedido ") + tests
    bought = ctx.t(*(("bought", "compró") if cond.status == "completed" else ("ordered", "pidió")))
    if cond.window is not None:
        window = ctx.window(cond.window)
        base = ctx.t("buy" if cond.status == "completed" else "order", bought)
        return ctx.t(
            f"did not {base} {target} {window} (no {en_one} in that period)",
            f"no {bought} {target} {window} (ningún {es_one} en ese periodo)",
        )
    return ctx.t(
        f"never {bought} {target} (no {en_one} {ctx.up_to()})",
        f"nunca {bought} {target} (ningún {es_one} {ctx.up_to()})",
    )


# --- derived metrics, RFM, lead score --------------------------------------------------------


def _days_note(c: Compare, ctx: _Ctx) -> str | None:
    """What ``days since last order`` means as a date: ``> 180`` is a last order on or before D - 181."""
    try:
        if c.op == "between":
            first = ctx.as_of - timedelta(days=math.floor(_second(c)))
            last = ctx.as_of - timedelta(days=math.ceil(c.value))
            f1, l1 = ctx.day(first), ctx.day(last)
            return ctx.t(f"last order from {f1} to {l1}", f"último pedido del {f1} al {l1}")
        bound = _whole_bound(c)
        if bound is None:
            return None
        kind, n = bound
        day = ctx.day(ctx.as_of - timedelta(days=n))
    except (OverflowError, ValueError):
        return None
    return {
        "min": ctx.t(f"last order on or before {day}", f"último pedido el {day} o antes"),
        "max": ctx.t(f"last order on or after {day}", f"último pedido el {day} o después"),
        "eq": ctx.t(f"last order on {day}", f"último pedido el {day}"),
        "ne": ctx.t(f"last order not on {day}", f"último pedido no el {day}"),
    }[kind]


def _metric(cond: MetricCondition, ctx: _Ctx) -> str:
    """``orders count >= 3 (3 or more completed orders up to D)``, ``first purchase from A to B``."""
    name = ctx.t(*METRIC_NAMES[cond.metric])
    if cond.compare is None:
        return f"{name} {ctx.window(_win(cond.window, cond.metric))}"
    c = cond.compare
    orders = ctx.t(f"completed orders {ctx.up_to()}", f"pedidos completados {ctx.up_to()}")
    notes: list[str] = [_inclusive(ctx)] if c.op == "between" else []
    if cond.metric == "orders_count":
        reading = _count_reading(c, ctx)
        notes.append(f"{reading} {orders}" if reading else orders)
    elif cond.metric in ("total_spent", "avg_order_value"):
        notes.append(orders)
    elif cond.metric == "days_since_last_order":
        notes = [n for n in [_days_note(c, ctx)] if n] or notes
    sentence = f"{name} {_sym(c, ctx, money=cond.metric in ('total_spent', 'avg_order_value'))}"
    if cond.window is not None:
        sentence += f" {ctx.window(cond.window)}"
    return sentence + (f" ({'; '.join(notes)})" if notes else "")


def _cell(code: str) -> str:
    return "-".join(code) if len(code) == 3 and code.isdigit() else code


def _rfm_scores(cond: RfmCondition, ctx: _Ctx) -> tuple[str, str | None]:
    """``r = 5, f = 5, m = 5`` and the cell ``5-5-5`` when all three name one score."""
    scores = [(k, c) for k, c in (("r", cond.r), ("f", cond.f), ("m", cond.m)) if c is not None]
    text = ", ".join(
        f"{k} {_sym(c, ctx)}" + (f" ({_inclusive(ctx)})" if c.op == "between" else "") for k, c in scores
    )
    exact = [c for _, c in scores if c.op == "=" and c.value.is_integer()]
    cell = "-".join(str(int(c.value)) for c in exact) if len(exact) == 3 else None
    return text, cell


def _rfm(cond: RfmCondition, ctx: _Ctx) -> str:
    """``RFM r = 5, f = 5, m = 5 (cell 5-5-5)``, ``RFM segment is Champions or Loyal``."""
    parts: list[str] = []
    scores, cell = _rfm_scores(cond, ctx)
    if scores:
        parts.append(f"RFM {scores}" + (f" ({ctx.t('cell', 'celda')} {cell})" if cell else ""))
    if cond.cells:
        parts.append(ctx.t("RFM cell ", "RFM celda ") + ctx.join([_cell(c) for c in cond.cells]))
    if cond.segments:
        names = [RFM_SEGMENTS_ES[s] if ctx.lang == "es" else str(s) for s in cond.segments]
        parts.append(ctx.t("RFM segment is ", "segmento RFM: ") + ctx.join(names))
    if not parts:
        return ctx.t(
            f"has an RFM score (a completed order {ctx.up_to()})",
            f"tiene puntuación RFM (algún pedido completado {ctx.up_to()})",
        )
    return ctx.t(" and ", " y ").join(parts)


def _lead_score(cond: LeadScoreCondition, ctx: _Ctx) -> str:
    """``lead score > 50 (points over the 365 days to D)``."""
    c = cond.compare
    incl = f"{_inclusive(ctx)}; " if c.op == "between" else ""
    return ctx.t(
        f"lead score {_sym(c, ctx)} ({incl}points over the 365 days to {ctx.day(ctx.as_of)})",
        f"puntuación de lead {_sym(c, ctx)} ({incl}puntos de los 365 días hasta el {ctx.day(ctx.as_of)})",
    )


# --- behaviour: web and messages -------------------------------------------------------------


def _web(cond: WebCondition, ctx: _Ctx, negated: bool = False, bare: bool = False) -> str | None:
    """``viewed products of ... from A to B``; negated: ``did NOT view ...`` / ``never viewed ...``.

    ``bare`` gives the label form: the short product, no device, window or count.
    """
    if negated and cond.count is not None:
        return None
    en_past, en_base, en_some, en_any, es_past, es_some, es_none = WEB_VERBS[cond.event]
    parts = [_product(cond.product, ctx, short=bare)]
    parts.append(ctx.t("category ", "la categoría ") + ctx.join(cond.category) if cond.category else "")
    parts.append(ctx.join(_quoted(cond.search)))
    obj = ctx.t(" and ", " y ").join(p for p in parts if p)

    def fill(template: str, default: str) -> str:
        if "{x}" in template:
            return template.format(x=obj or default)
        return template + (f" ({obj})" if obj else "")

    if not negated:
        text = fill(ctx.t(en_past, es_past), ctx.t(en_some, es_some))
    elif cond.window is not None:
        text = ctx.t("did NOT " + fill(en_base, en_any), "no " + fill(es_past, es_none))
    else:
        text = ctx.t("never " + fill(en_past, en_any), "nunca " + fill(es_past, es_none))
    if bare:
        return text
    if cond.count is not None:
        text += f" {_times(cond.count, ctx)}"
    if cond.value is not None:
        text += ctx.t(" with a cart value ", " con un valor del carrito ") + _sym(cond.value, ctx, money=True)
    if cond.device:
        text += ctx.t(" on device ", " desde dispositivo ") + ctx.join(cond.device)
    if cond.window is not None:
        text += f" {ctx.window(cond.window)}"
    elif negated:
        text += f" {ctx.up_to()}"
    return text


def _message_nouns(cond: MessageCondition, ctx: _Ctx) -> dict[str, str]:
    """The message named three ways (``an email``, ``any email``, ``emails``), with its qualifiers."""
    chans = cond.channel
    if len(chans) == 1 and chans[0].lower() in CHANNEL_NOUNS:
        nouns = CHANNEL_NOUNS[chans[0].lower()]
        a, none, pl = (nouns[3], nouns[4], nouns[5]) if ctx.lang == "es" else (nouns[0], nouns[1], nouns[2])
    else:
        by = ctx.t(" by ", " por ") + ctx.join(chans) if chans else ""
        a, none, pl = (
            ctx.t("a message", "un mensaje") + by,
            ctx.t("any message", "ningún mensaje") + by,
            ctx.t("messages", "mensajes") + by,
        )
    quals: list[str] = []
    if cond.workflow:
        quals.append(ctx.t("of workflow ", "del workflow ") + ctx.join(_quoted(cond.workflow)))
    if cond.message:
        quals.append(ctx.t("named ", "llamado ") + ctx.join(_quoted(cond.message)))
    if cond.message_type:
        quals.append(ctx.t("of type ", "de tipo ") + ctx.join(cond.message_type))
    if cond.campaign:
        quals.append(ctx.t("of campaign ", "de la campaña ") + ctx.join(cond.campaign))
    if cond.one_off:
        quals.append(ctx.t("outside any workflow", "fuera de cualquier workflow"))
    if cond.latest:
        quals.append(
            ctx.t("(only the latest one sent up to ", "(solo el último enviado hasta el ")
            + ctx.day(ctx.as_of)
            + ")"
        )
    tail = "".join(f" {q}" for q in quals)
    return {"a": a + tail, "any": none + tail, "none": none + tail, "pl": pl + tail}


def _message(cond: MessageCondition, ctx: _Ctx, negated: bool = False, bare: bool = False) -> str | None:
    """``opened an email of workflow 'Welcome series'``; negated: ``did NOT open any email ...``.

    ``bare`` gives the label form, without window or count.
    """
    if negated and cond.count is not None:
        return None
    en_pos, en_not, en_never, es_pos, es_neg = MESSAGE_VERBS[cond.event]
    nouns = _message_nouns(cond, ctx)
    if not negated:
        text = ctx.t(en_pos, es_pos).format(**nouns)
    elif cond.window is not None:
        text = ctx.t(en_not, "no " + es_neg).format(**nouns)
    else:
        text = ctx.t(en_never, "nunca " + es_neg).format(**nouns)
    if bare:
        return text
    if cond.count is not None:
        text += f" {_times(cond.count, ctx)}"
    if cond.window is not None:
        text += f" {ctx.window(cond.window)}"
    elif negated:
        text += f" {ctx.up_to()}"
    return text


# --- trees, plans and labels -----------------------------------------------------------------


def _leaf(node: Node, ctx: _Ctx, negated: bool = False) -> str | None:
    """One condition in words; with ``negated``, its plain opposite or None when it has none."""
    if isinstance(node, AttributeCondition):
        return _attribute(node, ctx, negated)
    if isinstance(node, PurchaseCondition):
        return _purchase_negated(node, ctx) if negated else _purchase(node, ctx)
    if isinstance(node, WebCondition):
        return _web(node, ctx, negated)
    if isinstance(node, MessageCondition):
        return _message(node, ctx, negated)
    if isinstance(node, SavedSegmentCondition):
        if negated:
            return ctx.t(
                f"not a member of saved segment '{node.name}'",
                f"no es miembro del segmento guardado '{node.name}'",
            )
        return ctx.t(f"member of saved segment '{node.name}'", f"miembro del segmento guardado '{node.name}'")
    if negated:
        return None
    if isinstance(node, MetricCondition):
        return _metric(node, ctx)
    if isinstance(node, RfmCondition):
        return _rfm(node, ctx)
    if isinstance(node, LeadScoreCondition):
        return _lead_score(node, ctx)
    raise ExplainError(f"explanation: no words for a {type(node).__name__} node")


def _joined(parts: list[str], ctx: _Ctx, conj: Literal["and", "or"], nested: bool) -> str:
    """Conditions joined inline (``A or B``, ``(A y B)``), parenthesised when inside another."""
    word = ctx.t(*(("and", "y") if conj == "and" else ("or", "o")))
    text = parts[0]
    for part in parts[1:]:
        text += f" {_euphony(word, part) if ctx.lang == 'es' else word} {part}"
    return f"({text})" if nested and len(parts) > 1 else text


def _render(node: Node, ctx: _Ctx, nested: bool) -> str:
    if isinstance(node, (All, Any_)):
        if not node.items:
            if isinstance(node, All):
                return ctx.t("all contacts", "todos los contactos")
            return ctx.t("no contact", "ningún contacto")
        parts = [_render(item, ctx, True) for item in node.items]
        return _joined(parts, ctx, "and" if isinstance(node, All) else "or", nested)
    if isinstance(node, Not):
        plain = _leaf(node.item, ctx, negated=True) if not isinstance(node.item, (All, Any_, Not)) else None
        return plain or f"{ctx.t('not', 'no')} ({_render(node.item, ctx, False)})"
    text = _leaf(node, ctx)
    assert text is not None
    return text


def _ctx(as_of: date, lang: str, currency: str, country: str = "") -> _Ctx:
    if lang not in ("es", "en"):
        raise ExplainError(f"explanation: language must be 'es' or 'en', got {lang!r}")
    return _Ctx(as_of, "es" if lang == "es" else "en", currency, country)


def explain_condition(
    node: Node, as_of: date, lang: Lang, *, currency: str = "EUR", country: str = ""
) -> str:
    """One plain sentence for a condition (or a tree, rendered inline), numbers and windows exact.

    Args:
        node: a condition or an All/Any_/Not tree of them.
        as_of: the as-of date D the windows and ages are resolved against.
        lang: ``es`` or ``en``, the request's language.
        currency: the ISO 4217 code of amounts.
        country: the shop's country, for the locale's number marks (Babel).

    Returns:
        The sentence, e.g. ``age > 30 (31 or older) on 2026-06-30``.

    Raises:
        ExplainError: the condition lacks a field its kind needs (a ``compare`` without a comparison).
    """
    return _render(node, _ctx(as_of, lang, currency, country), nested=False)


def explain_plan(plan: SegmentPlan, as_of: date, *, currency: str = "EUR", country: str = "") -> list[str]:
    """One sentence per top-level AND-ed condition of a segment plan, in the plan's language.

    Args:
        plan: the segment plan; an empty one is everyone.
        as_of: the as-of date D.
        currency: the ISO 4217 code of amounts.
        country: the shop's country, for the locale's number marks (Babel).

    Returns:
        The sentences in the plan's order; ``["all contacts on D"]`` when it has no condition.
    """
    ctx = _ctx(as_of, plan.language, currency, country)
    steps = conjuncts(plan.where)
    if not steps:
        return [ctx.t(f"all contacts on {ctx.day(as_of)}", f"todos los contactos a {ctx.day(as_of)}")]
    return [_render(step, ctx, nested=False) for step in steps]


def _clip(text: str, limit: int = LABEL_MAX) -> str:
    """Cut a label to ``limit`` characters, marking the cut with an ellipsis.

    >>> _clip("bought Football / Boots"), _clip("x" * 90)[-3:], len(_clip("x" * 90))
    ('bought Football / Boots', 'xx…', 80)
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _purchase_label(cond: PurchaseCondition, ctx: _Ctx) -> str:
    short = _product(cond.product, ctx, short=True)
    completed = cond.status == "completed"
    if cond.amount is not None:
        text = ctx.t("spent ", "gastó ") + _sym(cond.amount, ctx, money=True)
        text += f" {ctx.t('on', 'en')} {short}" if short else ""
    elif cond.units is not None:
        text = ctx.t(f"{short} units ", f"unidades de {short} ") if short else ctx.t("units ", "unidades ")
        text += _sym(cond.units, ctx)
    elif short:
        text = ctx.t("bought " if completed else "ordered ", "compró " if completed else "pidió ") + short
        if cond.count is not None:
            text += ctx.t(f" {_sym(cond.count, ctx)} times", f" {_sym(cond.count, ctx)} veces")
    elif cond.count is not None:
        text = ctx.t("orders ", "pedidos ") + _sym(cond.count, ctx)
    else:
        return _with_order_tests(_no_product_head(cond, ctx), cond, ctx)
    if not completed:
        en_many, _, es_many, _ = STATUS_WORDS[cond.status]
        text += f" ({ctx.t(en_many, es_many)})"
    return _with_order_tests(text, cond, ctx)


def _with_order_tests(label: str, cond: PurchaseCondition, ctx: _Ctx) -> str:
    """A purchase label with its window and what its order must be (paid by card, online...): the
    step that counts "pagaron con tarjeta en marzo" says so, not just "tuvo un pedido completado"."""
    tests = _order_tests(cond, ctx)
    label += _label_when(cond.window, ctx)
    return f"{label} {tests}" if tests else label


def _label_when(w: Window | None, ctx: _Ctx) -> str:
    """The window of a label, short: `` since Dec 1, 2025`` when it runs to the as-of date, `` from A
    to B`` when it ends before, `` up to B`` when it has no start; empty without a window.

    >>> ctx = _ctx(date(2026, 9, 30), "es", "EUR")
    >>> _label_when(Window(kind="last", n=10, unit="month"), ctx), _label_when(None, ctx)
    (' desde el 1 dic 2025', '')
    >>> _label_when(Window(kind="range", start=date(2026, 3, 1), end=date(2026, 5, 16)), ctx)
    ' del 1 mar 2026 al 15 may 2026'
    """
    if w is None:
        return ""
    start, end = resolve_window(w, ctx.as_of)
    last = (end - timedelta(days=1)).date() if end is not None else ctx.as_of
    to = ctx.day(last)
    if start is None:
        return ctx.t(f" up to {to}", f" hasta el {to}")
    since = ctx.day(start.date())
    if last >= ctx.as_of:
        return ctx.t(f" since {since}", f" desde el {since}")
    return ctx.t(f" from {since} to {to}", f" del {since} al {to}")


def _not_in_window_label(cond: PurchaseCondition, ctx: _Ctx) -> str:
    """``no purchase of X since D1`` for a purchase not made within a window (never "never")."""
    assert cond.window is not None
    when = _label_when(cond.window, ctx)
    short = _product(cond.product, ctx, short=True)
    completed = cond.status == "completed"
    if short:
        head = ctx.t(
            ("has not bought " if completed else "has not ordered ") + short,
            ("no ha comprado " if completed else "no ha pedido ") + short,
        )
    else:
        head = (
            ctx.t("no completed order", "ningún pedido completado")
            if completed
            else ctx.t("no order", "ningún pedido")
        )
    if not completed:
        en_many, _, es_many, _ = STATUS_WORDS[cond.status]
        head += f" ({ctx.t(en_many, es_many)})"
    return head + when


def _label(node: Node, ctx: _Ctx, nested: bool) -> str:
    if isinstance(node, (All, Any_)):
        if not node.items:
            return _render(node, ctx, nested)
        parts = [_label(item, ctx, True) for item in node.items]
        return _joined(parts, ctx, "and" if isinstance(node, All) else "or", nested)
    if isinstance(node, Not):
        item = node.item
        if isinstance(item, PurchaseCondition) and not (item.amount or item.count or item.units):
            if item.window is not None:  # not in a window is not "never": the label keeps the window
                return _not_in_window_label(item, ctx)
            return ctx.t("never ", "nunca ") + _purchase_label(item, ctx)
        if isinstance(item, WebCondition) and item.count is None:
            return str(_web(item, ctx, negated=True, bare=True)) + _label_when(item.window, ctx)
        if isinstance(item, MessageCondition) and item.count is None:
            return str(_message(item, ctx, negated=True, bare=True)) + _label_when(item.window, ctx)
        if isinstance(item, (AttributeCondition, SavedSegmentCondition)):
            plain = _leaf(item, ctx, negated=True)
            if plain and (not isinstance(item, AttributeCondition) or item.op != "in"):
                return plain
            if plain:
                return _label(item.model_copy(update={"op": "not_in"}), ctx, nested)
        inner = _label(item, ctx, True)
        return f"{ctx.t('not', 'no')} {f'({inner})' if isinstance(item, Not) else inner}"
    if isinstance(node, AttributeCondition):
        values = _values(node, ctx)
        if node.op == "compare":
            return f"{_field_name(node, ctx)} {_sym(_cmp(node.compare, node.field), ctx)}"
        if node.op in ("in", "not_in", "prefix") and values:
            shown = " / ".join(f"{v}*" if node.op == "prefix" else v for v in values)
            neg = ctx.t(" not", " no") if node.op == "not_in" else ":"
            return f"{_field_name(node, ctx)}{neg} {shown}"
    if isinstance(node, PurchaseCondition):
        return _purchase_label(node, ctx)
    if isinstance(node, MetricCondition) and node.compare is not None:
        money = node.metric in ("total_spent", "avg_order_value")
        return f"{ctx.t(*METRIC_NAMES[node.metric])} {_sym(node.compare, ctx, money)}"
    if isinstance(node, RfmCondition):
        scores, cell = _rfm_scores(node, ctx)
        names = [RFM_SEGMENTS_ES[s] if ctx.lang == "es" else s for s in node.segments]
        parts = [cell or scores, " / ".join(_cell(c) for c in node.cells), " / ".join(names)]
        return "RFM " + ", ".join(p for p in parts if p) if any(parts) else "RFM"
    if isinstance(node, LeadScoreCondition):
        return ctx.t("lead score ", "puntuación de lead ") + _sym(node.compare, ctx)
    if isinstance(node, WebCondition):
        return str(_web(node, ctx, bare=True)) + _label_when(node.window, ctx)
    if isinstance(node, MessageCondition):
        return str(_message(node, ctx, bare=True)) + _label_when(node.window, ctx)
    return _render(node, ctx, nested)


def step_label(node: Node, as_of: date, lang: Lang, *, currency: str = "EUR", country: str = "") -> str:
    """A short label (at most 80 characters) for a funnel row or checklist: ``age > 30``, ``RFM 5-5-5``.

    Args:
        node: a condition or tree.
        as_of: the as-of date D (windows in labels that keep one).
        lang: ``es`` or ``en``.
        currency: the ISO 4217 code of amounts.
        country: the shop's country, for the locale's number marks (Babel).

    Returns:
        The label, cut with ``…`` when longer than 80 characters.
    """
    return _clip(_label(node, _ctx(as_of, lang, currency, country), nested=False))
