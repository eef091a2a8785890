"""The demo shop's messages: named workflows and one-off campaigns, and how people react to them.

Workflows fire on what they are about (welcome after sign-up, cart reminders after an abandoned
cart, win-back after a lapse, birthdays, post-purchase surveys, replenishment, browse
follow-ups); newsletters and seasonal campaigns go to each market's subscribers. Every send
is delivered or bounced, and may be opened, clicked and converted; an email unsubscribe stops
every later promotional email and clears the contact's email consent. Audiences are sized so
a contact has about a dozen message events over the three years (sends and reactions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import duckdb
import numpy as np

from segmenta.warehouse import demo_catalog as cat
from segmenta.warehouse.demo_orders import Shop
from segmenta.warehouse.demo_people import DAY, F64, I64, Arr, Calendar, cid, labels, table

MESSAGE_EVENTS = ("sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "converted")
CHANNELS = ("email", "sms", "push")


@dataclass(frozen=True)
class Piece:
    """One message a shop sends: its workflow (or none), channel and how people react to it."""

    name: str
    channel: int
    workflow: str | None
    campaign: str
    rates: tuple[float, float, float, float]  # open, click | open, convert | click, unsubscribe | delivered
    promotional: bool = True


_WORKFLOW_PIECES = (
    Piece("Bienvenida 1", 0, "W01", "bienvenida", (0.55, 0.30, 0.12, 0.003)),
    Piece("Bienvenida 2: 10 % de descuento", 0, "W01", "bienvenida", (0.45, 0.25, 0.15, 0.004)),
    Piece("Carrito abandonado 1", 0, "W02", "carrito", (0.48, 0.35, 0.22, 0.002)),
    Piece("Carrito abandonado 2", 0, "W02", "carrito", (0.40, 0.30, 0.18, 0.003)),
    Piece("Carrito abandonado push", 2, "W02", "carrito", (0.12, 0.50, 0.15, 0.0)),
    Piece("Carrito abandonado SMS", 1, "W02", "carrito", (0.0, 0.10, 0.15, 0.0)),
    Piece("Te echamos de menos", 0, "W03", "recuperacion", (0.22, 0.18, 0.08, 0.006)),
    Piece("Te echamos de menos SMS", 1, "W03", "recuperacion", (0.0, 0.06, 0.10, 0.0)),
    Piece("Feliz cumpleaños", 0, "W04", "cumpleanos", (0.42, 0.28, 0.15, 0.002)),
    Piece("Feliz cumpleaños push", 2, "W04", "cumpleanos", (0.15, 0.40, 0.10, 0.0)),
    Piece("¿Qué tal tu compra?", 0, "W05", "encuesta", (0.35, 0.30, 0.0, 0.0), promotional=False),
    Piece("Hora de renovar", 0, "W06", "reposicion", (0.30, 0.22, 0.12, 0.004)),
    Piece("¿Sigues pensándolo?", 0, "W07", "navegacion", (0.38, 0.22, 0.10, 0.003)),
)
_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
# month -> (name, slug, day of month, share of the audience, category or None, extra channels)
_SEASONAL: dict[int, tuple[str, str, int, float, str | None, tuple[int, ...]]] = {
    1: ("Rebajas de invierno", "rebajas_invierno", 7, 0.2, None, (2,)),
    3: ("Running: nueva temporada", "running_primavera", 12, 0.35, "Running", ()),
    4: ("Ciclismo: sal a rodar", "ciclismo_primavera", 9, 0.35, "Ciclismo", ()),
    5: ("Novedades pádel", "padel_novedades", 14, 0.35, "Pádel", ()),
    6: ("Especial natación", "verano_natacion", 3, 0.35, "Natación", ()),
    7: ("Rebajas de verano", "rebajas_verano", 1, 0.2, None, (2,)),
    8: ("Vuelta al fútbol", "vuelta_al_futbol", 20, 0.35, "Fútbol", ()),
    9: ("Vuelta al gimnasio", "vuelta_gimnasio", 8, 0.35, "Fitness", ()),
    12: ("Navidad", "navidad", 5, 0.25, None, (2,)),
}


def _campaigns(cal: Calendar) -> list[tuple[Piece, int, int, int, float]]:
    """One-off campaigns: (piece, send second, market, category or -1, share of the audience).

    Market 0 is Spain and the rest of Europe and the US, market 1 is Mexico.
    """
    out: list[tuple[Piece, int, int, int, float]] = []
    first = cal.start.date().replace(day=1)
    month = first
    while month < cal.end.date():
        y, m = month.year, month.month
        for market in (0, 1):
            day0 = (month - cal.start.date()).days
            shift = market * 2
            news = Piece(
                f"Newsletter {_MONTHS[m - 1]} {y}",
                0,
                None,
                f"newsletter_{y}_{m:02d}",
                (0.20, 0.12, 0.06, 0.01),
            )
            out.append((news, (day0 + 3 + shift) * DAY + 10 * 3600, market, -1, 0.045))
            if m in _SEASONAL:
                name, slug, dom, share, category, extra = _SEASONAL[m]
                code = cat.CATEGORIES.index(category) if category else -1
                for channel in (0, *extra):
                    piece = Piece(
                        f"{name} {y}" + ("" if channel == 0 else f" ({CHANNELS[channel]})"),
                        channel,
                        None,
                        f"{slug}_{y}",
                        (0.30 if channel == 0 else 0.1, 0.18, 0.09, 0.008),
                    )
                    out.append((piece, (day0 + dom - 1 + shift) * DAY + 11 * 3600, market, code, share))
        month = (month + timedelta(days=32)).replace(day=1)
    for bf in cal.black_fridays:
        y = (cal.start + timedelta(days=bf)).year
        for market, (name, slug, at) in enumerate(
            (("Black Friday", "black_friday", bf - 1), ("El Buen Fin", "buen_fin", bf - 13))
        ):
            for channel in (0, 1, 2):
                piece = Piece(
                    f"{name} {y}" + ("" if channel == 0 else f" ({CHANNELS[channel]})"),
                    channel,
                    None,
                    f"{slug}_{y}",
                    (0.28 if channel == 0 else 0.12, 0.2, 0.12, 0.01),
                )
                out.append((piece, at * DAY + 9 * 3600, market, -1, 0.3))
    return [x for x in out if 0 <= x[1] < cal.seconds]


def messages(
    rng: np.random.Generator,
    cal: Calendar,
    shop: Shop,
    c: dict[str, Arr],
    o: dict[str, Arr],
    lines: dict[str, Arr],
    carts: dict[str, Arr],
) -> tuple[list[Piece], dict[str, Arr], Arr]:
    """Workflow and campaign sends and the reactions to them; returns pieces, events, email consent."""
    n = len(c["created"])
    wf_start = {w[0]: w[3] * DAY for w in cat.WORKFLOWS}
    pieces = list(_WORKFLOW_PIECES)
    parts: list[tuple[I64, I64, I64, F64]] = []  # contact, piece, time, conversion value

    def send(contacts: I64, piece: int, t: I64, value: F64 | None = None) -> None:
        p = pieces[piece]
        ok = (t < cal.seconds) & (t >= c["created"][contacts])
        if p.workflow:
            ok &= t >= wf_start[p.workflow]
        if p.workflow == "W06":
            ok &= t < cal.seconds - 75 * DAY  # paused since
        ok &= (
            (c["email_optin"] if p.promotional else c["email_style"] != 4)[contacts]
            if p.channel == 0
            else (c["sms"] if p.channel == 1 else c["push"])[contacts]
        )
        aov = np.where(c["country"][contacts] == 1, 1500.0, 75.0) * rng.lognormal(0, 0.5, len(contacts))
        parts.append(
            (contacts[ok], np.full(int(ok.sum()), piece), t[ok], (aov if value is None else value)[ok])
        )

    everyone = np.arange(n)
    created = c["created"]
    send(everyone, 0, created + 600)
    first_order = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_order, o["contact"], o["t"])
    waiting = np.flatnonzero(first_order > created + 3 * DAY)  # the series stops at a first purchase
    send(waiting, 1, created[waiting] + 3 * DAY + 3600)
    ab = np.flatnonzero(carts["abandon"])
    ac, at, av = carts["c"][ab], carts["t"][ab] + 1800, carts["value"][ab]
    send(ac, 2, at + 3600, av)
    second = rng.random(len(ab)) < 0.6
    send(ac[second], 3, at[second] + DAY, av[second])
    send(ac, 4, at + 2 * 3600, av)
    send(ac[~second], 5, at[~second] + DAY, av[~second])
    done = np.flatnonzero(o["status"] == 0)
    by = np.lexsort((o["t"][done], o["contact"][done]))
    oc, ot = o["contact"][done][by], o["t"][done][by]
    nxt = np.append(np.where(oc[1:] == oc[:-1], ot[1:], np.iinfo(np.int64).max), np.iinfo(np.int64).max)
    lapsed = nxt - ot > 120 * DAY
    send(oc[lapsed], 6, ot[lapsed] + 120 * DAY + 10 * 3600)
    sms_too = lapsed & (rng.random(len(oc)) < 0.3)
    send(oc[sms_too], 7, ot[sms_too] + 120 * DAY + 12 * 3600)
    has_birth = np.flatnonzero(~np.isnat(c["birth"]))
    b = c["birth"][has_birth]
    b_month = b.astype("datetime64[M]").astype(np.int64) % 12
    b_day = (b - b.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    start_day = np.datetime64(cal.start.date())
    for year in range(cal.start.year, cal.end.year + 1):
        jan = np.datetime64(f"{year}-01", "M")
        when = (jan + b_month).astype("datetime64[D]") + b_day
        t = (when - start_day).astype(np.int64) * DAY + 9 * 3600 + rng.integers(0, 1800, len(has_birth))
        send(has_birth, 8, t)
        push = rng.random(len(has_birth)) < 0.5
        send(has_birth[push], 9, t[push] + 1800)
    online_done = done[o["store"][done] < 0]
    survey = online_done[rng.random(len(online_done)) < 0.25]
    send(o["contact"][survey], 10, o["t"][survey] + 7 * DAY)
    sub = np.array([p.subcategory for p in shop.products])
    wait = np.where(sub == "Zapatillas", 150, np.where(np.isin(sub, ("Pelotas", "Gafas")), 75, 0))[
        lines["product"]
    ]
    rep = np.flatnonzero((wait > 0) & (o["status"][lines["order"]] == 0))
    send(o["contact"][lines["order"][rep]], 11, o["t"][lines["order"][rep]] + wait[rep] * DAY)
    br = np.flatnonzero(carts["browse"] & (rng.random(len(carts["browse"])) < 0.3))
    send(carts["c"][br], 12, carts["t"][br] + 3 * 3600)
    for one_off, t0, market, category, share in _campaigns(cal):
        pieces.append(one_off)
        audience = (c["country"] == 1) == (market == 1)
        if category >= 0:
            audience &= (c["pref1"] == category) | (c["pref2"] == category)
        who = np.flatnonzero(audience & (rng.random(n) < share))
        send(who, len(pieces) - 1, t0 + rng.integers(0, 900, len(who)))
    contact, piece, t, value = (np.concatenate(x) for x in zip(*parts, strict=True))
    return pieces, *_reactions(rng, cal, pieces, c, contact, piece, t, value)


def _reactions(
    rng: np.random.Generator,
    cal: Calendar,
    pieces: list[Piece],
    c: dict[str, Arr],
    contact: I64,
    piece: I64,
    t: I64,
    value: F64,
) -> tuple[dict[str, Arr], Arr]:
    """Delivery, opens, clicks, conversions and unsubscribes; no promotional email after an unsubscribe."""
    channel = np.array([p.channel for p in pieces])[piece]
    rates = np.array([p.rates for p in pieces])[piece]
    promo = np.array([p.promotional for p in pieces])[piece]
    m = len(t)
    email = channel == 0
    bounce_p = np.where(
        email, np.where(c["invalid_email"][contact], 1.0, 0.015), np.where(channel == 1, 0.03, 0)
    )
    bounced = rng.random(m) < bounce_p
    delivered = ~bounced & (rng.random(m) < np.where(channel == 2, 0.92, 1.0))
    t_del = t + rng.integers(2, 120, m)
    opened = delivered & (channel != 1) & (rng.random(m) < rates[:, 0])
    t_open = t_del + np.minimum(rng.exponential(4 * 3600, m), 5 * DAY).astype(np.int64)
    clicked = np.where(channel == 1, delivered, opened) & (rng.random(m) < rates[:, 1])
    t_click = np.where(channel == 1, t_del, t_open) + rng.integers(5, 900, m)
    converted = clicked & (rng.random(m) < rates[:, 2])
    t_conv = t_click + rng.integers(120, 6 * 3600, m)
    unsub = delivered & email & promo & (rng.random(m) < rates[:, 3])
    t_unsub = np.where(opened, t_open, t_del) + rng.integers(20, 600, m)
    never = np.iinfo(np.int64).max
    first_unsub = np.full(len(c["created"]), never)
    np.minimum.at(first_unsub, contact[unsub], t_unsub[unsub])
    keep = ~(email & promo & (t > first_unsub[contact]))
    unsub &= t_unsub == first_unsub[contact]
    sel = np.flatnonzero(keep)
    blocks = [
        (np.ones(len(sel), dtype=bool), t),
        (delivered, t_del),
        (opened, t_open),
        (clicked, t_click),
        (bounced, t_del),
        (unsub, t_unsub),
        (converted, t_conv),
    ]
    idx_parts, type_parts, time_parts = [], [], []
    for code, (flag, when) in enumerate(blocks):
        f = sel[flag[sel]] if code else sel
        idx_parts.append(f)
        type_parts.append(np.full(len(f), code))
        time_parts.append(when[f])
    idx = np.concatenate(idx_parts)
    ts = np.concatenate(time_parts)
    ok = ts < cal.seconds
    idx, ts, kind = idx[ok], ts[ok], np.concatenate(type_parts)[ok]
    events = {
        "c": contact[idx],
        "piece": piece[idx],
        "t": ts,
        "type": kind,
        "value": np.where(kind == 6, np.round(value[idx], 2), np.nan),
    }
    subscribed = c["email_optin"] & (first_unsub >= cal.seconds)
    return events, subscribed


def write_messages(
    con: duckdb.DuckDBPyConnection, cal: Calendar, pieces: list[Piece], msg: dict[str, Arr]
) -> None:
    """Insert the workflows and the message events; piece codes become ids and names in DuckDB."""
    piece = msg["piece"]
    m_frame = table(
        c=msg["c"],
        t=cal.timestamps(msg["t"]),
        value=msg["value"],
        channel=labels([CHANNELS[p.channel] for p in pieces], piece),
        type=labels(MESSAGE_EVENTS, msg["type"]),
        mid=labels([f"M{i + 1:04d}" for i in range(len(pieces))], piece),
        name=labels([p.name for p in pieces], piece),
        kind=labels(["promotional" if p.promotional else "transactional" for p in pieces], piece),
        workflow=labels([p.workflow for p in pieces], piece),
        campaign=labels([p.campaign for p in pieces], piece),
    )
    con.register("m_frame", m_frame)
    con.execute(f"""INSERT INTO message_events
        SELECT {cid("c")}, channel, type, t, mid, name, kind, workflow, campaign, value FROM m_frame""")
    con.unregister("m_frame")
    con.executemany(
        "INSERT INTO workflows VALUES (?, ?, ?, ?)",
        [(w, name, status, cal.start + timedelta(days=d)) for w, name, status, d in cat.WORKFLOWS],
    )
