"""The demo shop's catalog as arrays, its orders and order lines, and the loyalty tier custom field.

Orders follow what real shops show: heavy-tailed repeat buying (a Zipf number of orders per
buyer, thinned by how long they have been a contact), stores near home, several payment
methods and card brands by market, coupons by season, a few cancellations and returns, and
lines drawn from each contact's one or two favourite categories weighted by the season.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from segmenta.warehouse import demo_catalog as cat
from segmenta.warehouse.demo_people import (
    CURRENCIES,
    DAY,
    F64,
    I64,
    Arr,
    Calendar,
    choose,
    cid,
    labels,
    table,
    within,
)
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE

PAYMENTS = ("credit_card", "debit_card", "paypal", "bizum", "bank_transfer", "cash", "cash_on_delivery")
_PAY_WEIGHTS = {  # online Spain, online Mexico, online elsewhere, store
    0: (38, 25, 20, 12, 5, 0, 0),
    1: (35, 25, 15, 0, 7, 0, 18),
    2: (40, 22, 30, 0, 8, 0, 0),
    3: (35, 35, 0, 0, 0, 30, 0),
}
CARD_BRANDS = ("visa", "mastercard", "amex")
COUPONS = ("BIENVENIDA10", "BLACKFRIDAY20", "BUENFIN20", "NAVIDAD15", "VERANO10", "VUELTA10", "AMIGO5")
COUPON_OFF = np.array([0.10, 0.20, 0.20, 0.15, 0.10, 0.10, 0.05])
STATUSES = ("completed", "cancelled", "returned")
CONSUMABLE = ("Pelotas", "Calcetines", "Gorros", "Cordajes", "Bandas elásticas")


@dataclass
class Shop:
    """The catalog as arrays: category, price per country currency and popularity of each product."""

    products: list[cat.Product]
    category: I64
    price: F64  # [country, product] in the country's currency
    popularity: F64
    consumable: npt.NDArray[np.bool_]

    @classmethod
    def build(cls, rng: np.random.Generator) -> Shop:
        """The demo catalog with a seeded popularity per product (a few best sellers per category)."""
        products = cat.products()
        eur = np.array([p.price for p in products])
        mxn = np.round(eur * 20 / 10) * 10 - 0.01
        usd = np.round(eur * 1.1) - 0.01
        price = np.vstack([eur, mxn, eur, eur, usd])
        category = np.array([cat.CATEGORIES.index(p.category) for p in products])
        popularity = rng.pareto(1.2, len(products)) + 0.3
        popularity /= np.sqrt(eur)
        consumable = np.array([p.subcategory in CONSUMABLE for p in products])
        return cls(products, category, price, popularity, consumable)

    def pick_products(self, rng: np.random.Generator, categories: I64) -> I64:
        """One product of each given category, by popularity."""
        out = np.zeros(len(categories), dtype=np.int64)
        for c in range(len(cat.CATEGORIES)):
            mask = categories == c
            ids = np.flatnonzero(self.category == c)
            out[mask] = ids[choose(rng, int(mask.sum()), self.popularity[ids])]
        return out

    def affinity(self, contacts: dict[str, Arr]) -> npt.NDArray[np.float32]:
        """How much each contact leans to each category: their one or two favourites dominate."""
        n = len(contacts["pref1"])
        pop = np.array([cat.CATEGORY_POPULARITY[c] for c in cat.CATEGORIES], dtype=np.float32) * 0.25
        w = np.tile(pop, (n, 1))
        w[np.arange(n), contacts["pref1"]] += 6.0
        has2 = contacts["pref2"] >= 0
        w[np.flatnonzero(has2), contacts["pref2"][has2]] += 3.0
        return w


def _season_matrix() -> npt.NDArray[np.float32]:
    return np.array([cat.SEASON[c] for c in cat.CATEGORIES], dtype=np.float32).T  # [month, category]


def sample_rows(rng: np.random.Generator, weights: npt.NDArray[np.float32]) -> I64:
    """One column index per row of a weight matrix."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)).astype(np.float32) * cum[:, -1]
    out: I64 = np.minimum((cum < u[:, None]).sum(axis=1), weights.shape[1] - 1).astype(np.int64)
    return out


def orders(
    rng: np.random.Generator, cal: Calendar, shop: Shop, c: dict[str, Arr], affinity: npt.NDArray[np.float32]
) -> tuple[dict[str, Arr], dict[str, Arr]]:
    """Orders and their lines: heavy-tailed repeat buying, stores near home, seasonal categories."""
    buyers = np.flatnonzero(c["buyer"])
    k = np.minimum(rng.zipf(1.9, len(buyers)), 60)
    tenure = (cal.seconds - c["created"][buyers]) / (540 * DAY)  # repeat orders need time to happen
    k = 1 + rng.binomial(k - 1, np.minimum(tenure, 1.0))
    contact = np.repeat(buyers, k)
    n = len(contact)
    country = c["country"][contact]
    store_city = np.isin(np.array([x.name for x in cat.CITIES]), [s[1] for s in cat.STORES])
    p_store = np.where(store_city[c["city"][contact]], 0.35, np.where(country <= 1, 0.04, 0.0))
    store_flag = rng.random(n) < p_store
    t = cal.sample(rng, c["created"][contact], store_flag)
    order = np.lexsort((t, contact))
    contact, country, store_flag, t = contact[order], country[order], store_flag[order], t[order]
    first = within(k) == 0
    quick = first & c["quick_first"][contact]
    t[quick] = np.minimum(
        c["created"][contact[quick]] + rng.exponential(2400, int(quick.sum())).astype(np.int64) + 60,
        cal.seconds - 1,
    )
    by_time = np.argsort(t, kind="stable")
    contact, country, t, first = contact[by_time], country[by_time], t[by_time], first[by_time]
    store_flag = store_flag[by_time]
    store_names = [s[1] for s in cat.STORES]
    city_names = [x.name for x in cat.CITIES]
    home_store = np.array([store_names.index(x) if x in store_names else -1 for x in city_names])[
        c["city"][contact]
    ]
    n_home = np.array([store_names.count(x) for x in city_names])[c["city"][contact]]
    first_mx = len([s for s in cat.STORES if s[1] in {x.name for x in cat.CITIES if x.country == "MX"}])
    es_stores = len(cat.STORES) - first_mx
    any_store = np.where(
        country == 1, es_stores + rng.integers(0, first_mx, n), rng.integers(0, es_stores, n)
    )
    near = home_store + (rng.random(n) * np.maximum(n_home, 1)).astype(np.int64)
    store = np.where(store_flag, np.where(home_store >= 0, near, any_store), -1)
    group = np.where(store_flag, 3, np.minimum(country, 2))
    pay = np.zeros(n, dtype=np.int64)
    for g, pay_w in _PAY_WEIGHTS.items():
        mask = group == g
        pay[mask] = choose(rng, int(mask.sum()), pay_w)
    brand = np.where(pay == 0, choose(rng, n, (50, 33, 17)), np.where(pay == 1, choose(rng, n, (62, 38)), -1))
    day = t // DAY
    month = cal.month[day]
    bf = np.zeros(cal.days, dtype=bool)
    for b in cal.black_fridays:
        bf[max(b - 3, 0) : b + 4] = True
    in_bf = bf[day]
    coupon = np.full(n, -1)
    u = rng.random(n)
    rules = (
        (first & ~store_flag & (u < 0.25), 0),
        (in_bf & (country != 1) & (u < 0.4), 1),
        (in_bf & (country == 1) & (u < 0.4), 2),
        ((month == 11) & (u < 0.18), 3),
        (np.isin(month, (6, 7)) & (u < 0.08), 4),
        ((month == 8) & (u < 0.08), 5),
        (u < 0.02, 6),
    )
    for mask, code in rules:
        coupon[mask & (coupon < 0)] = code
    status = choose(rng, n, (95, 3, 2))
    utm = np.where(~store_flag & (rng.random(n) < 0.35), choose(rng, n, [s[2] for s in cat.UTM_SOURCES]), -1)
    campaign = campaign_of(month, in_bf)
    campaign[(utm < 0) | (utm == 5)] = -1
    # lines
    n_lines = choose(rng, n, (60, 25, 10, 5)) + 1
    line_order = np.repeat(np.arange(n), n_lines)
    line_w = affinity[contact[line_order]] * _season_matrix()[month[line_order]]
    product = shop.pick_products(rng, sample_rows(rng, line_w))
    key = np.sort(line_order * 10_000 + product)  # one line per product in an order
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    line_order, product = key // 10_000, key % 10_000
    lc = country[line_order]
    u = rng.random(len(product))
    qty = (
        1
        + (u < np.where(shop.consumable[product], 0.35, 0.1))
        + (u < np.where(shop.consumable[product], 0.15, 0.03))
    )
    age_years = (cal.seconds - t[line_order]) / (365 * DAY)
    price = shop.price[lc, product] * (1 - 0.03 * age_years)
    sale = (in_bf[line_order] & (u > 0.4)) | (np.isin(month[line_order], (0, 6)) & (u > 0.65))
    price = np.where(sale, price * np.where(in_bf[line_order], 0.8, 0.85), price)
    unit = np.where(
        lc == 1,
        np.round(price / 10) * 10 - 0.01,
        np.where(price > 10, np.round(price) - 0.01, np.round(price, 2)),
    )
    st = status[line_order]
    partial = (st == 0) & (rng.random(len(product)) < 0.05)
    returned = np.where(
        st == 2, qty, np.where(partial, 1 + (rng.random(len(qty)) * qty).astype(np.int64) // 2, 0)
    )
    subtotal = np.bincount(line_order, weights=qty * unit, minlength=n)
    off = np.where(coupon >= 0, COUPON_OFF[np.maximum(coupon, 0)], 0.0)
    ship_limit, ship = (
        np.array([50, 999, 50, 50, 60.0])[country],
        np.array([4.99, 99, 4.99, 4.99, 5.99])[country],
    )
    total = np.round(subtotal * (1 - off) + np.where(~store_flag & (subtotal < ship_limit), ship, 0), 2)
    orders = {
        "contact": contact,
        "t": t,
        "country": country,
        "store": store,
        "pay": pay,
        "brand": brand,
        "coupon": coupon,
        "status": status,
        "utm": utm,
        "campaign": campaign,
        "total": total,
        "first": first,
    }
    lines = {"order": line_order, "product": product, "qty": qty, "unit": unit, "returned": returned}
    return orders, lines


def campaign_of(month: I64, in_bf: npt.NDArray[np.bool_]) -> I64:
    """The seasonal utm_campaign code (index in UTM_CAMPAIGNS) for each month (0 = January).

    >>> campaign_of(np.array([0, 10, 10]), np.array([False, False, True])).tolist()
    [0, 6, 4]
    """
    by_month = np.array([0, 0, 1, 1, 1, 2, 2, 2, 3, 6, 6, 5])
    return np.where(in_bf, 4, by_month[month]).astype(np.int64)


def campaign_labels(cal: Calendar, campaign: I64, t: I64) -> pa.DictionaryArray:
    """The utm_campaign text of seasonal campaign codes at times ``t``: the name and the event's year."""
    first, last = cal.start.year, cal.end.year
    names = [f"{name}_{y}" for name in cat.UTM_CAMPAIGNS for y in range(first, last + 1)]
    year = cal.timestamps(t).astype("datetime64[Y]").astype(np.int64) + 1970
    return labels(names, np.where(campaign >= 0, campaign * (last - first + 1) + year - first, -1))


def write_orders(
    con: duckdb.DuckDBPyConnection,
    cal: Calendar,
    shop: Shop,
    c: dict[str, Arr],
    o: dict[str, Arr],
    lines: dict[str, Arr],
) -> None:
    """Insert products, orders, order lines and the loyalty tier of loyalty-club members."""
    sources, mediums = [u[0] for u in cat.UTM_SOURCES], [u[1] for u in cat.UTM_SOURCES]
    con.register("p_frame", pd.DataFrame([vars(p) for p in shop.products]))
    con.execute(
        "INSERT INTO products SELECT product_id, name, category, subcategory, brand, price FROM p_frame"
    )
    o_frame = table(
        i=np.arange(len(o["t"])),
        contact=o["contact"],
        t=cal.timestamps(o["t"]),
        total=o["total"],
        currency=labels(CURRENCIES, o["country"]),
        channel=labels(["online", "store"], (o["store"] >= 0).astype(np.int64)),
        store=labels([x[0] for x in cat.STORES], o["store"]),
        pay=labels(PAYMENTS, o["pay"]),
        brand=labels(CARD_BRANDS, o["brand"]),
        coupon=labels(COUPONS, o["coupon"]),
        status_s=labels(STATUSES, o["status"]),
        src=labels(sources, o["utm"]),
        med=labels(mediums, o["utm"]),
        campaign=campaign_labels(cal, o["campaign"], o["t"]),
    )
    con.register("o_frame", o_frame)
    con.execute(f"""INSERT INTO orders SELECT 'O' || (i + 10_000_001)::VARCHAR, {cid("contact")}, t, total,
        currency, channel, store, pay, brand, coupon, status_s, src, med, campaign FROM o_frame""")
    l_frame = table(
        o=lines["order"],
        pid=labels([p.product_id for p in shop.products], lines["product"]),
        qty=lines["qty"],
        unit=lines["unit"],
        returned=lines["returned"],
    )
    con.register("l_frame", l_frame)
    con.execute(
        "INSERT INTO order_lines "
        "SELECT 'O' || (o + 10_000_001)::VARCHAR, pid, qty, unit, returned FROM l_frame"
    )
    members = np.flatnonzero(c["member"])
    done = o["status"] == 0
    eur = o["total"][done] / np.where(o["country"][done] == 1, 20.0, 1.0)
    spent = np.bincount(o["contact"][done], weights=eur, minlength=len(c["member"]))[members]
    tier = np.where(spent >= 1500, 0, np.where(spent >= 400, 1, 2))
    con.register("t_frame", table(i=members, tier=labels(["oro", "plata", "bronce"], tier)))
    con.execute(
        f"INSERT INTO {CUSTOM_FIELDS_TABLE} SELECT 'C' || (i + 1_000_001)::VARCHAR, 'loyalty_tier', tier "
        "FROM t_frame"
    )
    for name in ("p_frame", "o_frame", "l_frame", "t_frame"):
        con.unregister(name)
