"""The workflow templates segmenta drafts: the words that name each kind, and each kind's graph.

A template is data: the trigger's cohort (which contacts would have entered, as SQL over the
warehouse) and a list of steps. Steps read the cohort ``k(contact_id, t, v)`` (one row per
contact: when the trigger fired and a value such as the cart's) and the contact row ``c`` of
``contacts_at(D)``; condition tests are fixed SQL predicates over ``k`` and ``c``, the as-of
date enters only as a DATE literal. Numbers that depend on the shop (the cart value that splits
carts, repurchase intervals) are computed from the warehouse by ``segmenta.tools.workflows``.
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

# (kind, Spanish and English phrases, folded; the longest phrase that matches wins)
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "abandoned_cart": (
        "carrito abandonado",
        "carritos abandonados",
        "abandoned cart",
        "cart abandonment",
        "abandono de carrito",
        "abandonment cart",
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


def to_segment(name: str, *, remove: bool = False) -> Step:
    verb = "Remove from" if remove else "Add to"
    return Step(
        "action",
        f"{verb} segment '{name}'",
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


def templates(cart_split: float, intervals_text: str) -> dict[str, Template]:
    """Every template, with the shop's cart-value split and repurchase intervals in their labels."""
    split = f"{cart_split:,.2f}"
    return {
        "abandoned_cart": Template(
            "abandoned_cart",
            "Cart abandoned (web event cart_abandoned)",
            "event",
            [
                wait(1, "Wait 1 hour"),
                cond(
                    "Bought after abandoning?",
                    BOUGHT_AFTER,
                    [stop("Converted: exit")],
                    [
                        cond(
                            f"Cart value >= {split}? (the shop's median abandoned cart)",
                            f"k.v >= {cart_split!r}",
                            [
                                send("email", "Email: your cart is waiting (free shipping)"),
                                wait(24, "Wait 1 day"),
                                send("sms", "SMS: last chance, 10% off your cart"),
                            ],
                            [
                                send("email", "Email: your cart is waiting"),
                                wait(24, "Wait 1 day"),
                                send("push", "Push: items in your cart are selling out"),
                            ],
                            yes_label="high value",
                            no_label="lower value",
                        ),
                    ],
                ),
            ],
        ),
        "browse_abandonment": Template(
            "browse_abandonment",
            "Viewed products without adding to cart or buying",
            "event",
            [
                wait(4, "Wait 4 hours"),
                cond(
                    "Viewed 3 or more products?",
                    "k.v >= 3",
                    [
                        send("email", "Email: picks from the categories you browsed"),
                    ],
                    [
                        send("email", "Email: still thinking about it?"),
                    ],
                ),
                wait(48, "Wait 2 days"),
                cond(
                    "Bought since browsing?",
                    BOUGHT_AFTER,
                    [stop("Converted: exit")],
                    [
                        send("web_content", "Web content: recently viewed banner"),
                    ],
                ),
            ],
        ),
        "win_back": Template(
            "win_back",
            "Joins the audience (stopped buying)",
            "joined",
            [
                cond(
                    "Email subscribed?",
                    EMAIL_OK,
                    [send("email", "Email: we miss you (15% off)")],
                    [send("sms", "SMS: we miss you (15% off)")],
                ),
                wait(7 * 24, "Wait 7 days"),
                cond(
                    "Opened or clicked a message in the last 90 days?",
                    ENGAGED,
                    [
                        send("email", "Email: your offer ends soon"),
                    ],
                    [
                        to_segment("Win-back: no response"),
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
            default_audience_text=f"customers whose last purchase was more than {WIN_BACK_DAYS} days ago",
        ),
        "welcome": Template(
            "welcome",
            "Contact created (sign-up)",
            "event",
            [
                send("email", "Email: welcome"),
                wait(48, "Wait 2 days"),
                cond(
                    "Has bought since signing up?",
                    BOUGHT_AFTER,
                    [
                        send("email", "Email: thanks, discover more"),
                    ],
                    [
                        send("email", "Email: 10% off your first order"),
                        wait(5 * 24, "Wait 5 days"),
                        cond(
                            "Push subscribed?",
                            PUSH_OK,
                            [send("push", "Push: your welcome offer ends soon")],
                            [stop("Exit")],
                        ),
                    ],
                ),
            ],
        ),
        "replenishment": Template(
            "replenishment",
            f"Typical repurchase interval reached ({intervals_text})",
            "event",
            [
                cond(
                    "Email subscribed?",
                    EMAIL_OK,
                    [send("email", "Email: time to restock?")],
                    [send("push", "Push: time to restock?")],
                ),
                wait(5 * 24, "Wait 5 days"),
                cond(
                    "Bought the category again?",
                    (
                        "EXISTS (SELECT 1 FROM completed_orders({day}) AS o JOIN order_lines "
                        "AS ol ON ol.order_id = o.order_id "
                        "JOIN products AS p ON p.product_id = ol.product_id "
                        "WHERE o.contact_id = k.contact_id AND p.category = k.g AND o.ordered_at >= k.t)"
                    ),
                    [stop("Re-bought: exit")],
                    [send("email", "Email: running low? 10% off your refill")],
                ),
            ],
        ),
        "post_purchase_survey": Template(
            "post_purchase_survey",
            "Completed order",
            "event",
            [
                wait(7 * 24, "Wait 7 days (delivery)"),
                cond(
                    "Returned items of the order?",
                    (
                        "EXISTS (SELECT 1 FROM order_lines AS ol WHERE ol.order_id = k.o "
                        "AND ol.returned_quantity > 0)"
                    ),
                    [
                        send("email", "Email: sorry, how can we help? (support)"),
                    ],
                    [
                        send("email", "Email: how was your purchase? (score 1-5)"),
                        wait(3 * 24, "Wait 3 days for the answer"),
                        cond(
                            "Answer score 4 or 5?",
                            None,
                            [
                                send("email", "Email: leave a review"),
                            ],
                            [
                                to_segment("Unhappy customers"),
                                send("email", "Email: support follow-up"),
                            ],
                            yes_label="promoter",
                            no_label="detractor or no answer",
                            note="survey answers are not in the warehouse: the split is known once it runs",
                        ),
                    ],
                ),
            ],
        ),
        "birthday": Template(
            "birthday",
            "Birthday",
            "event",
            [
                cond(
                    "Has bought before?",
                    CUSTOMER,
                    [send("email", "Email: a birthday gift, 15% off")],
                    [send("email", "Email: happy birthday, 10% off your first order")],
                ),
                wait(7 * 24, "Wait 7 days"),
                cond(
                    "SMS subscribed?",
                    SMS_OK,
                    [send("sms", "SMS: your birthday gift ends soon")],
                    [stop("Exit")],
                ),
            ],
        ),
        "vip_early_access": Template(
            "vip_early_access",
            "Launch: early access 48 hours before the public sale",
            "audience",
            [
                send("email", "Email: VIP early access is open"),
                wait(24, "Wait 1 day"),
                cond(
                    "SMS subscribed?",
                    SMS_OK,
                    [send("whatsapp", "WhatsApp: early access ends tomorrow")],
                    [send("web_content", "Web content: VIP banner")],
                ),
            ],
            default_audience=RfmCondition(segments=["Champions", "Loyal"]),
            default_audience_text="RFM Champions and Loyal customers",
        ),
        "lead_nurture": Template(
            "lead_nurture",
            f"Becomes a marketing-qualified lead (lead score >= {MQL_SCORE})",
            "joined",
            [
                send("email", "Email: buying guide"),
                wait(3 * 24, "Wait 3 days"),
                cond(
                    f"Lead score >= {SQL_SCORE} (sales-qualified)?",
                    f"ls.lead_score >= {SQL_SCORE}",
                    [
                        to_segment("Sales-qualified leads"),
                        send("email", "Email: a personal offer"),
                    ],
                    [
                        wait(7 * 24, "Wait 7 days"),
                        send("email", "Email: customer stories"),
                    ],
                ),
            ],
            default_audience=All(
                items=[
                    LeadScoreCondition(compare=Compare(op=">=", value=MQL_SCORE)),
                    Not(item=PurchaseCondition()),
                ]
            ),
            default_audience_text=f"contacts with lead score >= {MQL_SCORE} who never bought",
        ),
    }
