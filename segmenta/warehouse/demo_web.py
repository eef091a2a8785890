"""The demo shop's web and app behaviour: sessions of known contacts and anonymous visitors.

Visitors browse categories, search, view products and fill carts that they keep or abandon
(mobile carts more often); some anonymous visitors sign up later on the same device, and
every online order is preceded by the visit that placed it. The abandoned carts and browsing
sessions are handed to the messages (cart reminders, "still thinking about it?").

A known contact has about a dozen events over the three years (a few browsing sessions and
the visits that placed their orders), which keeps a million-contact shop near 12 million rows.
URLs and utm campaigns arrive as Arrow dictionaries (labels), not text built per row, and
``event_id`` is left NULL (it is optional in the data model and nothing reads it): twelve
million unique ids cost about a fifth of this table's write time.
"""

from __future__ import annotations

import unicodedata

import duckdb
import numpy as np
import numpy.typing as npt

from segmenta.warehouse import demo_catalog as cat
from segmenta.warehouse.demo_orders import Shop, campaign_labels, campaign_of, sample_rows
from segmenta.warehouse.demo_people import (
    DAY,
    DEVICES,
    I64,
    Arr,
    Calendar,
    choose,
    cid,
    labels,
    table,
    within,
)

WEB_TYPES = (
    "page_view",
    "product_view",
    "category_view",
    "add_to_cart",
    "cart_abandoned",
    "search",
    "login",
    "signup",
)
PV, PRODUCT_VIEW, CATEGORY_VIEW, ADD_TO_CART, CART_ABANDONED, SEARCH, LOGIN, SIGNUP = range(8)
_ABANDON = np.array([0.55, 0.75, 0.62, 0.5])  # by device: mobile carts are left more often


class _Events:
    """Web events accumulated block by block as parallel arrays (absent columns are NULL)."""

    DTYPES: dict[str, type[np.generic]] = {
        "v": np.int32,
        "c": np.int32,
        "t": np.int64,
        "type": np.int8,
        "product": np.int16,
        "category": np.int8,
        "term": np.int16,
        "value": np.float64,
        "device": np.int8,
        "utm": np.int8,
        "campaign": np.int8,
    }

    def __init__(self) -> None:
        self.blocks: list[dict[str, Arr]] = []

    def add(self, **cols: Arr) -> None:
        n = len(cols["t"])
        self.blocks.append({k: np.broadcast_to(v, (n,)) for k, v in cols.items()})

    def arrays(self, end: int) -> dict[str, Arr]:
        """Every block's events before ``end``, in block order, one array per column."""
        keeps = [np.flatnonzero((b["t"] >= 0) & (b["t"] < end)) for b in self.blocks]
        out: dict[str, Arr] = {}
        for k, dtype in self.DTYPES.items():
            empty = np.nan if k == "value" else -1
            out[k] = np.concatenate(
                [
                    b[k][keep].astype(dtype) if k in b else np.full(len(keep), empty, dtype=dtype)
                    for b, keep in zip(self.blocks, keeps, strict=True)
                ]
            )
        return out


def _sessions(
    rng: np.random.Generator, ev: _Events, shop: Shop, s: dict[str, Arr], terms: int
) -> dict[str, Arr]:
    """Browsing sessions: landing, categories, searches, product views, carts kept or abandoned."""
    n = len(s["t"])
    known = s["c"] >= 0
    n_cat = choose(rng, n, (45, 45, 10))
    n_pv = choose(rng, n, (20, 33, 22, 12, 7, 4, 2))
    search = rng.random(n) < 0.22
    login = known & (s["device"] != 3) & (rng.random(n) < 0.3)
    atc = (n_pv > 0) & (rng.random(n) < 0.3)
    abandon = atc & (rng.random(n) < _ABANDON[s["device"]])
    ids = np.arange(n)

    def block(counts: I64, type_: int, offset: I64 | int, **cols: Arr) -> I64:
        idx = np.repeat(ids, counts)
        k = within(counts)
        ev.add(
            v=s["v"][idx],
            c=s["c"][idx],
            t=s["t"][idx] + offset if np.isscalar(offset) else s["t"][idx] + np.asarray(offset)[idx] + 45 * k,
            type=np.full(len(idx), type_),
            device=s["device"][idx],
            **{key: val[idx] if len(val) == n else val for key, val in cols.items()},
        )
        return idx

    ones = np.ones(n, dtype=np.int64)
    block(ones, PV, 0, utm=s["utm"], campaign=s["campaign"])
    block(login.astype(np.int64), LOGIN, 8)
    other_cat = np.where(rng.random(n) < 0.5, s["cat"], rng.integers(0, len(cat.CATEGORIES), n))
    cat_idx = np.repeat(ids, n_cat)
    ev.add(
        v=s["v"][cat_idx],
        c=s["c"][cat_idx],
        t=s["t"][cat_idx] + 20 + 40 * within(n_cat),
        type=np.full(len(cat_idx), CATEGORY_VIEW),
        device=s["device"][cat_idx],
        category=np.where(within(n_cat) == 0, s["cat"][cat_idx], other_cat[cat_idx]),
    )
    block(search.astype(np.int64), SEARCH, 15, term=rng.integers(0, terms, n))
    pv_idx = np.repeat(ids, n_pv)
    pv_product = shop.pick_products(rng, s["cat"][pv_idx])
    pv_t = s["t"][pv_idx] + 120 + 70 * within(n_pv) + rng.integers(0, 50, len(pv_idx))
    ev.add(
        v=s["v"][pv_idx],
        c=s["c"][pv_idx],
        t=pv_t,
        type=np.full(len(pv_idx), PRODUCT_VIEW),
        device=s["device"][pv_idx],
        product=pv_product,
    )
    last = np.cumsum(n_pv) - 1
    cart_product = np.where(n_pv > 0, pv_product[np.maximum(last, 0)], -1)
    cart_value = shop.price[s["country"], np.maximum(cart_product, 0)]
    cart_t = s["t"] + 150 + 70 * n_pv
    for flag, type_, offset in ((atc, ADD_TO_CART, 0), (abandon, CART_ABANDONED, 1800)):
        ev.add(
            v=s["v"][flag],
            c=s["c"][flag],
            t=cart_t[flag] + offset,
            type=np.full(int(flag.sum()), type_),
            device=s["device"][flag],
            product=cart_product[flag],
            value=cart_value[flag],
        )
    return {
        "c": s["c"],
        "t": cart_t,
        "abandon": abandon & known,
        "value": cart_value,
        "country": s["country"],
        "browse": known & (n_pv >= 2) & ~atc,
    }


def web(
    rng: np.random.Generator,
    cal: Calendar,
    shop: Shop,
    c: dict[str, Arr],
    o: dict[str, Arr],
    lines: dict[str, Arr],
    affinity: npt.NDArray[np.float32],
    terms: int,
) -> tuple[dict[str, Arr], dict[str, Arr]]:
    """Visitors and their sessions: known contacts, anonymous visitors, sign-ups and purchase visits."""
    n = len(c["created"])
    second = np.flatnonzero(c["second_device"])
    n_anon = int(n * 0.5)
    v_device = np.concatenate(
        [c["device"], choose(rng, len(second), (40, 50, 10)), choose(rng, n_anon, (35, 55, 10))]
    )
    second_of = np.full(n, -1)
    second_of[second] = n + np.arange(len(second))
    ev = _Events()
    orders_per = np.bincount(o["contact"], minlength=n)
    # known visits after sign-up
    per = rng.poisson(c["engagement"] * (0.3 + 0.25 * np.minimum(orders_per, 10)))
    kc = np.repeat(np.arange(n), per)
    use_second = (second_of[kc] >= 0) & (rng.random(len(kc)) < 0.35)
    kv = np.where(use_second, second_of[kc], kc)
    kt = cal.sample(rng, c["created"][kc] + 120)
    # anonymous visits before sign-up, on the device they later sign up with
    pre = c["signup_online"] & (rng.random(n) < 0.4)
    pre_n = np.where(pre, 1 + rng.poisson(0.3, n), 0)
    pc = np.repeat(np.arange(n), pre_n)
    pt = c["created"][pc] - rng.integers(600, 30 * DAY, len(pc))
    # visitors who never sign up
    an_n = choose(rng, n_anon, (80, 14, 4, 2)) + 1
    av = np.repeat(n + len(second) + np.arange(n_anon), an_n)
    at = cal.sample(rng, np.zeros(len(av), dtype=np.int64))
    anon_country = np.where(rng.random(len(av)) < 0.72, 0, 1)
    v = np.concatenate([kv, pc, av])
    contact = np.concatenate([kc, np.full(len(pc) + len(av), -1)])
    owner = np.concatenate([kc, pc, np.full(len(av), -1)])
    m = len(v)
    pop = np.array([cat.CATEGORY_POPULARITY[x] for x in cat.CATEGORIES])
    rand_cat = choose(rng, m, pop)
    pref = np.where(owner >= 0, sample_rows(rng, affinity[np.maximum(owner, 0)]), rand_cat)
    utm = np.where(rng.random(m) < 0.25, choose(rng, m, [x[2] for x in cat.UTM_SOURCES]), -1)
    t = np.concatenate([kt, pt, at])
    campaign = np.where(
        (utm >= 0) & (utm != 5),
        campaign_of(cal.month[np.clip(t // DAY, 0, cal.days - 1)], np.zeros(m, dtype=bool)),
        -1,
    )
    sess = {
        "v": v,
        "c": contact,
        "t": t,
        "device": v_device[v],
        "cat": pref,
        "utm": utm,
        "campaign": campaign,
        "country": np.where(
            owner >= 0,
            c["country"][np.maximum(owner, 0)],
            np.concatenate([np.zeros(len(kc) + len(pc), dtype=np.int64), anon_country]),
        ),
    }
    carts = _sessions(rng, ev, shop, sess, terms)
    # sign-ups
    su = np.flatnonzero(c["signup_online"])
    ev.add(v=su, c=su, t=c["created"][su], type=np.full(len(su), SIGNUP), device=v_device[su])
    # the visit that ends in each online order
    online = np.flatnonzero(o["store"] < 0)
    oc = o["contact"][online]
    ov = np.where((second_of[oc] >= 0) & (rng.random(len(oc)) < 0.3), second_of[oc], oc)
    n_l = np.bincount(lines["order"], minlength=len(o["t"]))[online]
    start = o["t"][online] - 60 * (3 * n_l + 2) - rng.integers(0, 600, len(online))
    ev.add(
        v=ov,
        c=oc,
        t=start,
        type=np.full(len(oc), PV),
        device=v_device[ov],
        utm=o["utm"][online],
        campaign=o["campaign"][online],
    )
    is_online = np.zeros(len(o["t"]), dtype=bool)
    is_online[online] = True
    pos = np.full(len(o["t"]), -1)
    pos[online] = np.arange(len(online))
    ol = np.flatnonzero(is_online[lines["order"]])
    lo = pos[lines["order"][ol]]
    k = ol - np.searchsorted(lines["order"], lines["order"][ol])
    for type_, offset in ((PRODUCT_VIEW, 60), (ADD_TO_CART, 150)):
        ev.add(
            v=ov[lo],
            c=oc[lo],
            t=start[lo] + offset + 180 * k,
            type=np.full(len(lo), type_),
            device=v_device[ov[lo]],
            product=lines["product"][ol],
            value=np.where(type_ == ADD_TO_CART, lines["unit"][ol] * lines["qty"][ol], np.nan),
        )
    events = ev.arrays(cal.seconds)
    known = events["c"] >= 0
    events["c"] = np.where(known & (events["t"] < c["created"][np.maximum(events["c"], 0)]), -1, events["c"])
    return events, carts


def visitor_key(seed: int, visitor: I64) -> I64:
    """A cookie-like 60-bit number per visitor (shown as 15 hex digits), scrambled with the seed.

    >>> bool(visitor_key(7, np.array([5]))[0] != visitor_key(8, np.array([5]))[0])
    True
    >>> len({int(x) for x in visitor_key(7, np.arange(1000))})
    1000
    """
    with np.errstate(over="ignore"):
        x = (visitor.astype(np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)) * np.uint64(
            0xBF58476D1CE4E5B9
        )
    x ^= x >> np.uint64(31)
    return ((x >> np.uint64(4)) | np.uint64(1 << 59)).astype(np.int64)


def slug(text: str) -> str:
    """A URL slug for a category name.

    >>> slug("Pádel"), slug("Fútbol")
    ('padel', 'futbol')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-")


def urls(products: list[str], terms: list[str]) -> list[str]:
    """Every page URL of the site, in the order ``url_codes`` numbers them.

    >>> pages = urls(["P1"], ["gafas natación"])
    >>> pages[:6], pages[-1]
    (['/', '/cuenta/login', '/cuenta/registro', '/carrito', '/p/P1', '/c/futbol'], '/buscar?q=gafas+natación')
    """
    fixed = ["/", "/cuenta/login", "/cuenta/registro", "/carrito"]
    return (
        fixed
        + [f"/p/{p}" for p in products]
        + [f"/c/{slug(x)}" for x in cat.CATEGORIES]
        + [f"/buscar?q={t.replace(' ', '+')}" for t in terms]
    )


N_CATEGORIES = len(cat.CATEGORIES)


def url_codes(web: dict[str, Arr], products: int) -> I64:
    """The index in ``urls`` of each event's page: its product, category or search, or a fixed page."""
    kind = web["type"]
    product, category, term = (web[k].astype(np.int64) for k in ("product", "category", "term"))
    fixed = np.select(
        [kind == LOGIN, kind == SIGNUP, (kind == ADD_TO_CART) | (kind == CART_ABANDONED)], [1, 2, 3], 0
    )
    out: I64 = np.select(
        [kind == PRODUCT_VIEW, kind == CATEGORY_VIEW, kind == SEARCH],
        [4 + product, 4 + products + category, 4 + products + N_CATEGORIES + term],
        fixed,
    ).astype(np.int64)
    return out


def write_web(
    con: duckdb.DuckDBPyConnection, cal: Calendar, shop: Shop, seed: int, web: dict[str, Arr]
) -> None:
    """Insert the web events; visitor cookies are built as text inside DuckDB, the rest are labels."""
    sources, mediums = [u[0] for u in cat.UTM_SOURCES], [u[1] for u in cat.UTM_SOURCES]
    pids = [p.product_id for p in shop.products]
    terms = cat.search_terms(shop.products)
    w_frame = table(
        vid=visitor_key(seed, web["v"]),
        c=web["c"],
        t=cal.timestamps(web["t"]),
        type=labels(WEB_TYPES, web["type"]),
        pid=labels(pids, web["product"]),
        category=labels(cat.CATEGORIES, web["category"]),
        url=labels(urls(pids, terms), url_codes(web, len(pids))),
        term=labels(terms, web["term"]),
        value=web["value"],
        device=labels(DEVICES, web["device"]),
        src=labels(sources, web["utm"]),
        med=labels(mediums, web["utm"]),
        campaign=campaign_labels(cal, web["campaign"], web["t"]),
    )
    con.register("w_frame", w_frame)
    con.execute(f"""INSERT INTO web_events
        SELECT NULL, lower(hex(vid)), {cid("c")}, t, type, pid, category, url, term, value, device, src, med,
        campaign FROM w_frame""")
    con.unregister("w_frame")
