"""The workflow templates segmenta drafts: the words that name each kind, and each kind's graph.

A template is data: the trigger's cohort (which contacts would have entered, as SQL over the
warehouse) and a list of steps. Steps read the cohort ``k(contact_id, t, v)`` (one row per
contact: when the trigger fired and a value such as the cart's) and the contact row ``c`` of
``contacts_at(D)``; condition tests are fixed SQL predicates over ``k`` and ``c``, the as-of
date enters only as a DATE literal. Numbers that depend on the shop (the cart value that splits
carts, repurchase intervals) are computed from the warehouse by ``segmenta.tools.workflows``.
Every template exists in Spanish and English (labels, branch names, notes, default audiences): a
draft speaks the language of its request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from segmenta.assistant.plan import (
    All,
    Compare,
    LeadScoreCondition,
    MetricCondition,
    Node,
    Not,
    PurchaseCondition,
    RfmCondition,
)

Channel = Literal["email", "sms", "push", "web_content", "whatsapp"]
Cohort = Literal["event", "joined", "audience"]
Lang = Literal["es", "en"]

# (kind, Spanish and English phrases, folded; the longest phrase that matches wins)
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "abandoned_cart": (
        "carrito abandonado",
        "carritos abandonados",
        "abandoned cart",
        "cart abandonment",
        "abandono de carrito",
        "abandonment cart",
        "recuperacion de carritos",
        "recuperacion de carrito",
        "recuperar carritos",
        "recuperar el carrito",
        "cart recovery",
        "carrito",
    ),
    "browse_abandonment": (
        "browse abandonment",
        "navegacion abandonada",
        "abandono de navegacion",
        "browse abandon",
        "navegacion",
    ),
    "win_back": (
        "win back",
        "winback",
        "reactivacion",
        "reactivation",
        "recuperar clientes",
        "reactivar clientes",
        "recuperacion de clientes",
        "recuperacion",
        "reenganche",
        "re engagement",
        "reengagement",
    ),
    "welcome": ("bienvenida", "welcome", "onboarding"),
    "replenishment": ("reposicion", "replenishment", "recompra", "re buy", "rebuy", "repurchase"),
    "post_purchase_survey": (
        "encuesta post compra",
        "encuesta postcompra",
        "post purchase survey",
        "encuesta de satisfaccion",
        "satisfaction survey",
        "post purchase",
        "encuesta",
    ),
    "birthday": ("cumpleanos", "birthday"),
    "vip_early_access": ("vip early access", "acceso anticipado vip", "acceso anticipado", "early access"),
    "lead_nurture": ("lead nurture", "lead nurturing", "nutricion de leads", "nurture", "mql", "nutricion"),
}

KIND_TITLES: dict[str, str] = {
    "abandoned_cart": "Abandoned cart",
    "browse_abandonment": "Browse abandonment",
    "win_back": "Win-back",
    "welcome": "Welcome series",
    "replenishment": "Replenishment",
    "post_purchase_survey": "Post-purchase survey",
    "birthday": "Birthday",
    "vip_early_access": "VIP early access",
    "lead_nurture": "Lead nurture (MQL to SQL)",
}

KIND_TITLES_ES: dict[str, str] = {
    "abandoned_cart": "Carrito abandonado",
    "browse_abandonment": "Navegación abandonada",
    "win_back": "Reactivación (win-back)",
    "welcome": "Bienvenida",
    "replenishment": "Reposición",
    "post_purchase_survey": "Encuesta post-compra",
    "birthday": "Cumpleaños",
    "vip_early_access": "Acceso anticipado VIP",
    "lead_nurture": "Nutrición de leads (MQL a SQL)",
}
# a condition's default branch names
BRANCHES: dict[Lang, tuple[str, str]] = {"en": ("yes", "no"), "es": ("sí", "no")}

MQL_SCORE = 50
SQL_SCORE = 100
WIN_BACK_DAYS = 90


@dataclass
class Step:
    """One node of a template: its kind, label, parameters and, for conditions, the test and branches.

    ``test`` is a SQL predicate over ``k`` / ``c`` (None when the warehouse cannot tell, such as a
    survey answer); ``yes`` / ``no`` are the steps of each branch; other steps follow in order.
    """

    kind: Literal["trigger", "wait", "condition", "action", "exit"]
    label: str
    channel: Channel | None = None
    action: Literal["send", "add_to_segment", "remove_from_segment"] | None = None
    segment: str | None = None
    wait_hours: float | None = None
    test: str | None = None
    yes: list[Step] = field(default_factory=list)
    no: list[Step] = field(default_factory=list)
    yes_label: str = "yes"
    no_label: str = "no"
    note: str = ""


def kind_title(kind: str, lang: Lang = "en") -> str:
    """A workflow kind's name in ``lang`` (the kind itself when unknown).

    >>> kind_title("win_back"), kind_title("win_back", "es")
    ('Win-back', 'Reactivación (win-back)')
    """
    return (KIND_TITLES_ES if lang == "es" else KIND_TITLES).get(kind, kind)


def number(x: float, lang: Lang = "en") -> str:
    """``x`` with two decimals and thousands separators as ``lang`` writes them.

    >>> number(1234.5), number(1234.5, "es")
    ('1,234.50', '1.234,50')
    """
    text = f"{x:,.2f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "es" else text


def send(channel: Channel, label: str) -> Step:
    return Step("action", label, channel=channel, action="send")


def wait(hours: float, label: str) -> Step:
    return Step("wait", label, wait_hours=hours)


def cond(
    label: str,
    test: str | None,
    yes: list[Step],
    no: list[Step],
    *,
    yes_label: str = "yes",
    no_label: str = "no",
    note: str = "",
) -> Step:
    return Step(
        "condition", label, test=test, yes=yes, no=no, yes_label=yes_label, no_label=no_label, note=note
    )


def to_segment(name: str, *, remove: bool = False, lang: Lang = "en") -> Step:
    if lang == "es":
        verb = "Quitar del segmento" if remove else "Añadir al segmento"
    else:
        verb = "Remove from segment" if remove else "Add to segment"
    return Step(
        "action",
        f"{verb} '{name}'",
        action="remove_from_segment" if remove else "add_to_segment",
        segment=name,
    )


def stop(label: str) -> Step:
    return Step("exit", label)


@dataclass
class Template:
    """A workflow kind: how its cohort is found, its default audience, and its steps."""

    kind: str
    trigger: str
    cohort: Cohort
    steps: list[Step]
    default_audience: Node | None = None
    default_audience_text: str = ""


# predicates shared by templates (SQL over k, c; {end} is END as a TIMESTAMP literal)
BOUGHT_AFTER = (
    "EXISTS (SELECT 1 FROM completed_orders({day}) AS o WHERE o.contact_id = k.contact_id "
    "AND o.ordered_at > k.t)"
)
CUSTOMER = "EXISTS (SELECT 1 FROM completed_orders({day}) AS o WHERE o.contact_id = k.contact_id)"
ENGAGED = (
    "EXISTS (SELECT 1 FROM message_events AS me WHERE me.contact_id = k.contact_id "
    "AND me.event_type IN ('opened', 'clicked') AND me.occurred_at >= {end} - INTERVAL 90 DAY "
    "AND me.occurred_at < {end})"
)
EMAIL_OK = "c.email_subscribed IS TRUE AND c.email IS NOT NULL"
SMS_OK = "c.sms_subscribed IS TRUE AND c.phone IS NOT NULL"
PUSH_OK = "c.push_subscribed IS TRUE"


def templates(cart_split: float, intervals_text: str, lang: Lang = "en") -> dict[str, Template]:
    """Every template in ``lang``, with the shop's cart-value split and repurchase intervals in their labels.

    Args:
        cart_split: the shop's median abandoned-cart value.
        intervals_text: the repurchase intervals per category, already in ``lang``.
        lang: the language of every label, branch name, note and default-audience text.
    """

    def t(en: str, es: str) -> str:
        return es if lang == "es" else en

    def ask(
        label: str,
        test: str | None,
        yes: list[Step],
        no: list[Step],
        *,
        yes_label: str | None = None,
        no_label: str | None = None,
        note: str = "",
    ) -> Step:
        y, n = BRANCHES[lang]
        return cond(label, test, yes, no, yes_label=yes_label or y, no_label=no_label or n, note=note)

    def seg(name: str) -> Step:
        return to_segment(name, lang=lang)

    split = number(cart_split, lang)
    converted = t("Converted: exit", "Convirtió: salida")
    return {
        "abandoned_cart": Template(
            "abandoned_cart",
            t("Cart abandoned (web event cart_abandoned)", "Carrito abandonado (evento web cart_abandoned)"),
            "event",
            [
                wait(1, t("Wait 1 hour", "Esperar 1 hora")),
                ask(
                    t("Bought after abandoning?", "¿Compró después de abandonar el carrito?"),
                    BOUGHT_AFTER,
                    [stop(converted)],
                    [
                        ask(
                            t(
                                f"Cart value >= {split}? (the shop's median abandoned cart)",
                                f"¿Valor del carrito >= {split}? (la mediana de los carritos abandonados "
                                "de la tienda)",
                            ),
                            f"k.v >= {cart_split!r}",
                            [
                                send(
                                    "email",
                                    t(
                                        "Email: your cart is waiting (free shipping)",
                                        "Email: tu carrito te espera (envío gratis)",
                                    ),
                                ),
                                wait(24, t("Wait 1 day", "Esperar 1 día")),
                                send(
                                    "sms",
                                    t(
                                        "SMS: last chance, 10% off your cart",
                                        "SMS: última oportunidad, 10 % de descuento en tu carrito",
                                    ),
                                ),
                            ],
                            [
                                send(
                                    "email", t("Email: your cart is waiting", "Email: tu carrito te espera")
                                ),
                                wait(24, t("Wait 1 day", "Esperar 1 día")),
                                send(
                                    "push",
                                    t(
                                        "Push: items in your cart are selling out",
                                        "Push: los productos de tu carrito se están agotando",
                                    ),
                                ),
                            ],
                            yes_label=t("high value", "valor alto"),
                            no_label=t("lower value", "valor menor"),
                        ),
                    ],
                ),
            ],
        ),
        "browse_abandonment": Template(
            "browse_abandonment",
            t(
                "Viewed products without adding to cart or buying",
                "Vio productos sin añadirlos al carrito ni comprar",
            ),
            "event",
            [
                wait(4, t("Wait 4 hours", "Esperar 4 horas")),
                ask(
                    t("Viewed 3 or more products?", "¿Vio 3 o más productos?"),
                    "k.v >= 3",
                    [
                        send(
                            "email",
                            t(
                                "Email: picks from the categories you browsed",
                                "Email: una selección de las categorías que visitaste",
                            ),
                        ),
                    ],
                    [
                        send(
                            "email",
                            t("Email: still thinking about it?", "Email: ¿todavía te lo estás pensando?"),
                        ),
                    ],
                ),
                wait(48, t("Wait 2 days", "Esperar 2 días")),
                ask(
                    t("Bought since browsing?", "¿Compró después de navegar?"),
                    BOUGHT_AFTER,
                    [stop(converted)],
                    [
                        send(
                            "web_content",
                            t(
                                "Web content: recently viewed banner",
                                "Contenido web: banner de vistos recientemente",
                            ),
                        ),
                    ],
                ),
            ],
        ),
        "win_back": Template(
            "win_back",
            t("Joins the audience (stopped buying)", "Se une a la audiencia (dejó de comprar)"),
            "joined",
            [
                ask(
                    t("Email subscribed?", "¿Suscrito al email?"),
                    EMAIL_OK,
                    [
                        send(
                            "email",
                            t(
                                "Email: we miss you (15% off)",
                                "Email: te echamos de menos (15 % de descuento)",
                            ),
                        )
                    ],
                    [
                        send(
                            "sms",
                            t("SMS: we miss you (15% off)", "SMS: te echamos de menos (15 % de descuento)"),
                        )
                    ],
                ),
                wait(7 * 24, t("Wait 7 days", "Esperar 7 días")),
                ask(
                    t(
                        f"Opened or clicked a message in the last {WIN_BACK_DAYS} days?",
                        f"¿Abrió o hizo clic en un mensaje en los últimos {WIN_BACK_DAYS} días?",
                    ),
                    ENGAGED,
                    [
                        send("email", t("Email: your offer ends soon", "Email: tu oferta termina pronto")),
                    ],
                    [
                        seg(t("Win-back: no response", "Reactivación: sin respuesta")),
                    ],
                ),
            ],
            default_audience=All(
                items=[
                    MetricCondition(
                        metric="days_since_last_order", compare=Compare(op=">", value=WIN_BACK_DAYS)
                    ),
                ]
            ),
            default_audience_text=t(
                f"customers whose last purchase was more than {WIN_BACK_DAYS} days ago",
                f"clientes cuya última compra fue hace más de {WIN_BACK_DAYS} días",
            ),
        ),
        "welcome": Template(
            "welcome",
            t("Contact created (sign-up)", "Contacto creado (alta)"),
            "event",
            [
                send("email", t("Email: welcome", "Email: bienvenida")),
                wait(48, t("Wait 2 days", "Esperar 2 días")),
                ask(
                    t("Has bought since signing up?", "¿Ha comprado desde que se dio de alta?"),
                    BOUGHT_AFTER,
                    [
                        send("email", t("Email: thanks, discover more", "Email: gracias, descubre más")),
                    ],
                    [
                        send(
                            "email",
                            t(
                                "Email: 10% off your first order",
                                "Email: 10 % de descuento en tu primer pedido",
                            ),
                        ),
                        wait(5 * 24, t("Wait 5 days", "Esperar 5 días")),
                        ask(
                            t("Push subscribed?", "¿Suscrito a push?"),
                            PUSH_OK,
                            [
                                send(
                                    "push",
                                    t(
                                        "Push: your welcome offer ends soon",
                                        "Push: tu oferta de bienvenida termina pronto",
                                    ),
                                )
                            ],
                            [stop(t("Exit", "Salida"))],
                        ),
                    ],
                ),
            ],
        ),
        "replenishment": Template(
            "replenishment",
            t(
                f"Typical repurchase interval reached ({intervals_text})",
                f"Se alcanza el intervalo habitual de recompra ({intervals_text})",
            ),
            "event",
            [
                ask(
                    t("Email subscribed?", "¿Suscrito al email?"),
                    EMAIL_OK,
                    [send("email", t("Email: time to restock?", "Email: ¿es hora de reponer?"))],
                    [send("push", t("Push: time to restock?", "Push: ¿es hora de reponer?"))],
                ),
                wait(5 * 24, t("Wait 5 days", "Esperar 5 días")),
                ask(
                    t("Bought the category again?", "¿Volvió a comprar en la categoría?"),
                    (
                        "EXISTS (SELECT 1 FROM completed_orders({day}) AS o JOIN order_lines "
                        "AS ol ON ol.order_id = o.order_id "
                        "JOIN products AS p ON p.product_id = ol.product_id "
                        "WHERE o.contact_id = k.contact_id AND p.category = k.g AND o.ordered_at >= k.t)"
                    ),
                    [stop(t("Re-bought: exit", "Recompró: salida"))],
                    [
                        send(
                            "email",
                            t(
                                "Email: running low? 10% off your refill",
                                "Email: ¿se te está acabando? 10 % de descuento en tu reposición",
                            ),
                        )
                    ],
                ),
            ],
        ),
        "post_purchase_survey": Template(
            "post_purchase_survey",
            t("Completed order", "Pedido completado"),
            "event",
            [
                wait(7 * 24, t("Wait 7 days (delivery)", "Esperar 7 días (entrega)")),
                ask(
                    t("Returned items of the order?", "¿Devolvió artículos del pedido?"),
                    (
                        "EXISTS (SELECT 1 FROM order_lines AS ol WHERE ol.order_id = k.o "
                        "AND ol.returned_quantity > 0)"
                    ),
                    [
                        send(
                            "email",
                            t(
                                "Email: sorry, how can we help? (support)",
                                "Email: lo sentimos, ¿cómo podemos ayudarte? (atención al cliente)",
                            ),
                        ),
                    ],
                    [
                        send(
                            "email",
                            t(
                                "Email: how was your purchase? (score 1-5)",
                                "Email: ¿qué tal tu compra? (puntúa de 1 a 5)",
                            ),
                        ),
                        wait(3 * 24, t("Wait 3 days for the answer", "Esperar 3 días a la respuesta")),
                        ask(
                            t("Answer score 4 or 5?", "¿Respuesta con puntuación 4 o 5?"),
                            None,
                            [
                                send("email", t("Email: leave a review", "Email: deja tu reseña")),
                            ],
                            [
                                seg(t("Unhappy customers", "Clientes insatisfechos")),
                                send(
                                    "email",
                                    t(
                                        "Email: support follow-up",
                                        "Email: seguimiento de atención al cliente",
                                    ),
                                ),
                            ],
                            yes_label=t("promoter", "promotor"),
                            no_label=t("detractor or no answer", "detractor o sin respuesta"),
                            note=t(
                                "survey answers are not in the warehouse: the split is known once it runs",
                                "las respuestas de la encuesta no están en el almacén: el reparto se "
                                "sabrá cuando se lance",
                            ),
                        ),
                    ],
                ),
            ],
        ),
        "birthday": Template(
            "birthday",
            t("Birthday", "Cumpleaños"),
            "event",
            [
                ask(
                    t("Has bought before?", "¿Ha comprado antes?"),
                    CUSTOMER,
                    [
                        send(
                            "email",
                            t(
                                "Email: a birthday gift, 15% off",
                                "Email: un regalo de cumpleaños, 15 % de descuento",
                            ),
                        )
                    ],
                    [
                        send(
                            "email",
                            t(
                                "Email: happy birthday, 10% off your first order",
                                "Email: feliz cumpleaños, 10 % de descuento en tu primer pedido",
                            ),
                        )
                    ],
                ),
                wait(7 * 24, t("Wait 7 days", "Esperar 7 días")),
                ask(
                    t("SMS subscribed?", "¿Suscrito a SMS?"),
                    SMS_OK,
                    [
                        send(
                            "sms",
                            t(
                                "SMS: your birthday gift ends soon",
                                "SMS: tu regalo de cumpleaños termina pronto",
                            ),
                        )
                    ],
                    [stop(t("Exit", "Salida"))],
                ),
            ],
        ),
        "vip_early_access": Template(
            "vip_early_access",
            t(
                "Launch: early access 48 hours before the public sale",
                "Lanzamiento: acceso anticipado 48 horas antes de la venta al público",
            ),
            "audience",
            [
                send(
                    "email",
                    t("Email: VIP early access is open", "Email: ya está abierto el acceso anticipado VIP"),
                ),
                wait(24, t("Wait 1 day", "Esperar 1 día")),
                ask(
                    t("SMS subscribed?", "¿Suscrito a SMS?"),
                    SMS_OK,
                    [
                        send(
                            "whatsapp",
                            t(
                                "WhatsApp: early access ends tomorrow",
                                "WhatsApp: el acceso anticipado termina mañana",
                            ),
                        )
                    ],
                    [send("web_content", t("Web content: VIP banner", "Contenido web: banner VIP"))],
                ),
            ],
            default_audience=RfmCondition(segments=["Champions", "Loyal"]),
            default_audience_text=t("RFM Champions and Loyal customers", "clientes RFM Champions y Loyal"),
        ),
        "lead_nurture": Template(
            "lead_nurture",
            t(
                f"Becomes a marketing-qualified lead (lead score >= {MQL_SCORE})",
                f"Pasa a ser lead cualificado por marketing (lead score >= {MQL_SCORE})",
            ),
            "joined",
            [
                send("email", t("Email: buying guide", "Email: guía de compra")),
                wait(3 * 24, t("Wait 3 days", "Esperar 3 días")),
                ask(
                    t(
                        f"Lead score >= {SQL_SCORE} (sales-qualified)?",
                        f"¿Lead score >= {SQL_SCORE} (cualificado para ventas)?",
                    ),
                    f"ls.lead_score >= {SQL_SCORE}",
                    [
                        seg(t("Sales-qualified leads", "Leads cualificados para ventas")),
                        send("email", t("Email: a personal offer", "Email: una oferta personalizada")),
                    ],
                    [
                        wait(7 * 24, t("Wait 7 days", "Esperar 7 días")),
                        send("email", t("Email: customer stories", "Email: historias de clientes")),
                    ],
                ),
            ],
            default_audience=All(
                items=[
                    LeadScoreCondition(compare=Compare(op=">=", value=MQL_SCORE)),
                    Not(item=PurchaseCondition()),
                ]
            ),
            default_audience_text=t(
                f"contacts with lead score >= {MQL_SCORE} who never bought",
                f"contactos con lead score >= {MQL_SCORE} que nunca han comprado",
            ),
        ),
    }
