"""The demo shop: a realistic, deterministic warehouse for a sports retailer in Spain and Mexico.

``segmenta demo`` (and the first ``ask`` without a warehouse) builds it, so the assistant has
something true-to-life to answer over: heavy-tailed repeat buying, category affinity,
seasonality, stores and online orders, messy phones and emails, anonymous visitors who later
sign up, and workflows that fire on the behaviour they are about. Everything is generated with
numpy arrays (never a Python loop over contacts or orders) and written by DuckDB, so a million
contacts take well under a minute. The same (contacts, seed, until) always gives the same data.
The fixed data (catalog, cities, names, workflows) lives in ``demo_catalog.py``. Sections below:
contacts, orders, web events, messages, writing (codes become text inside DuckDB), the build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from segmenta.errors import WarehouseError
from segmenta.warehouse import demo_catalog as cat
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, META_TABLE, create_schema

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Arr = npt.NDArray[Any]
Progress = Callable[[str, int, int], None]

DAY = 86_400
YEARS = 3
COUNTRIES = ("ES", "MX", "PT", "FR", "US")
CURRENCIES = ("EUR", "MXN", "EUR", "EUR", "USD")
DEVICES = ("desktop", "mobile", "tablet", "app")
STEPS = ("contacts", "orders", "web_events", "message_events", "writing", "finishing")


@dataclass(frozen=True)
class DemoReport:
    """What ``build_demo`` wrote: rows per table, the data's time span and how long it took."""

    db: Path
    rows: dict[str, int]
    first_at: datetime
    last_at: datetime
    seconds: float
    finished: bool = True
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as lines for the CLI."""
        out = [f"Demo shop written to {self.db} in {self.seconds:.1f} s"]
        out += [f"  {name:<22}{count:>12,}" for name, count in self.rows.items()]
        out.append(f"  data from {self.first_at:%Y-%m-%d} to {self.last_at:%Y-%m-%d %H:%M:%S}")
        return out + [f"  note: {n}" for n in self.notes]


def labels(values: Sequence[str | None], codes: Arr) -> pa.DictionaryArray:
    """Integer codes (-1 for NULL) as an Arrow dictionary of their text, which DuckDB reads cheaply.

    >>> labels(["x", "y", "x"], np.array([2, -1, 1])).to_pylist()
    ['x', None, 'y']
    """
    uniq = sorted({v for v in values if v is not None})
    mapping = np.array([uniq.index(v) if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    idx = mapping[np.where(codes >= 0, codes, len(values))]
    return pa.DictionaryArray.from_arrays(pa.array(idx, mask=idx < 0), pa.array(uniq, type=pa.string()))


def table(**columns: Arr | pa.Array) -> pa.Table:
    """An Arrow table from numpy columns (NaN and NaT become NULL) and ready Arrow arrays."""
    return pa.table(
        {k: v if isinstance(v, pa.Array) else pa.array(v, from_pandas=True) for k, v in columns.items()}
    )


def choose(rng: np.random.Generator, n: int, weights: list[float] | tuple[float, ...] | F64) -> I64:
    """``n`` codes drawn from ``weights`` (any positive scale)."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def within(counts: I64) -> I64:
    """The position of each repeated item within its group, for ``np.repeat(ids, counts)``.

    >>> within(np.array([2, 0, 3])).tolist()
    [0, 1, 0, 1, 2]
    """
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - starts


def black_fridays(first: date, last: date) -> list[date]:
    """The Black Fridays (day after the fourth Thursday of November) between two dates.

    >>> black_fridays(date(2023, 1, 1), date(2025, 12, 31))
    [datetime.date(2023, 11, 24), datetime.date(2024, 11, 29), datetime.date(2025, 11, 28)]
    """
    out = []
    for year in range(first.year, last.year + 1):
        nov1 = date(year, 11, 1)
        thursday = 1 + (3 - nov1.weekday()) % 7 + 21
        bf = date(year, 11, thursday + 1)
        if first <= bf <= last:
            out.append(bf)
    return out


class Calendar:
    """The demo's time axis in seconds from ``start``; samples seasonal timestamps."""

    WEB_HOURS = (
        1,
        0.5,
        0.3,
        0.2,
        0.2,
        0.3,
        0.8,
        1.5,
        2.5,
        3,
        3.2,
        3.4,
        3.8,
        3.6,
        3.2,
        3,
        3.2,
        3.6,
        4.2,
        5,
        5.4,
        5,
        3.6,
        2,
    )
    STORE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4, 4, 3, 2, 3, 4, 5, 5, 4, 2, 0, 0)

    def __init__(self, until: date) -> None:
        self.end = datetime.combine(until + timedelta(days=1), datetime.min.time())
        self.days = 365 * YEARS + 1
        self.start = self.end - timedelta(days=self.days)
        self.seconds = self.days * DAY
        dates = np.datetime64(self.start.date()) + np.arange(self.days)
        self.month = (dates.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
        weekday = (dates.astype(np.int64) + 3) % 7
        w = (1.0 + 0.6 * np.arange(self.days) / self.days) * np.where(weekday >= 5, 1.15, 1.0)
        w *= np.array([1.3, 0.8, 0.85, 0.9, 0.95, 1.0, 1.15, 0.95, 1.0, 0.95, 1.0, 1.35])[self.month]
        day_of_month = dates.astype("datetime64[D]") - dates.astype("datetime64[M]")
        december = (self.month == 11) & (day_of_month.astype(np.int64) < 23)
        w[december] *= 1.5
        self.black_fridays = [(bf - self.start.date()).days for bf in black_fridays(self.start.date(), until)]
        for bf in self.black_fridays:
            w[max(bf - 7, 0) : bf + 4] *= 2.2
            w[bf : bf + 1] *= 3.5
        self.weights = w
        self.cdf = np.cumsum(w) / w.sum()

    def sample(self, rng: np.random.Generator, low: I64, store: npt.NDArray[np.bool_] | None = None) -> I64:
        """One seasonal timestamp (seconds) at or after each ``low`` and before the end."""
        n = len(low)
        low_day = np.clip(low // DAY, 0, self.days - 1)
        c0 = np.where(low_day > 0, self.cdf[low_day - 1], 0.0)
        u = c0 + rng.random(n) * (1.0 - c0)
        day = np.minimum(np.searchsorted(self.cdf, u, side="right"), self.days - 1).astype(np.int64)
        hour = choose(rng, n, self.WEB_HOURS)
        if store is not None:
            hour = np.where(store, choose(rng, n, self.STORE_HOURS), hour)
        t = day * DAY + hour * 3600 + rng.integers(0, 3600, n)
        t = np.where(t < low, low + rng.integers(60, 6 * 3600, n), t)
        out: I64 = np.minimum(t, self.seconds - 1)
        return out

    def timestamps(self, seconds: I64) -> npt.NDArray[np.datetime64]:
        """Seconds from the start as numpy datetimes."""
        return np.datetime64(self.start, "s") + seconds.astype("timedelta64[s]")


# ---------------------------------------------------------------- contacts

FIRST_NAMES = cat.MALE_ES + cat.FEMALE_ES + cat.MALE_MX + cat.FEMALE_MX
_NAME_GROUPS = (len(cat.MALE_ES), len(cat.FEMALE_ES), len(cat.MALE_MX), len(cat.FEMALE_MX))
DOMAINS = cat.EMAIL_DOMAINS_ES + cat.EMAIL_DOMAINS_MX
GENDERS = ("male", "female", "other")
LANGUAGES = ("es", "en", "ca", "pt", "fr")


def _contacts(rng: np.random.Generator, n: int, calendar: Calendar) -> dict[str, Arr]:
    """Who the shop's contacts are, as arrays of codes (one element per contact)."""
    cities = cat.CITIES
    city = choose(rng, n, [c.weight for c in cities])
    country = np.array([COUNTRIES.index(c.country) for c in cities])[city]
    mx = country == 1
    gender = choose(rng, n, (52, 45, 1, 2))
    gender[gender == 3] = -1
    female = np.where(gender >= 2, rng.random(n) < 0.5, gender == 1)
    group = mx.astype(np.int64) * 2 + female
    sizes, offsets = np.array(_NAME_GROUPS), np.cumsum((0,) + _NAME_GROUPS[:-1])
    first = offsets[group] + (rng.random(n) * sizes[group]).astype(np.int64)
    s1 = rng.integers(0, len(cat.SURNAMES), n)
    s2 = np.where(rng.random(n) < np.where(mx, 0.8, 0.65), rng.integers(0, len(cat.SURNAMES), n), -1)
    company = rng.random(n) < 0.03
    email_style = choose(rng, n, (62, 12, 5, 6, 5, 1.5, 1.5, 7))  # 7: plain with a number
    domain = np.where(
        mx,
        len(cat.EMAIL_DOMAINS_ES) + rng.integers(0, len(cat.EMAIL_DOMAINS_MX), n),
        choose(rng, n, (40, 25, 8, 8, 10, 6, 3)),
    )
    phone_fmt = np.where(rng.random(n) < 0.13, -1, choose(rng, n, (30, 25, 10, 20, 12, 3)))
    phone_fmt[phone_fmt == 5] = 9  # garbage such as "n/a"
    es_phone = np.where(rng.random(n) < 0.85, 600_000_000, 700_000_000) + rng.integers(0, 99_999_999, n)
    mx_phone = np.array([55, 33, 81, 22, 99])[rng.integers(0, 5, n)] * 100_000_000 + rng.integers(
        0, 99_999_999, n
    )
    phone = np.where(
        mx, mx_phone, np.where(country == 4, 3_055_000_000 + rng.integers(0, 999_999, n), es_phone)
    )
    age_days = (np.clip(rng.normal(38, 12, n), 16, 80) * 365.25).astype(np.int64) + rng.integers(0, 365, n)
    until = np.datetime64(calendar.end.date()) - np.timedelta64(1, "D")
    birth = until - age_days.astype("timedelta64[D]")
    birth[(rng.random(n) < 0.2) | company] = np.datetime64("NaT")
    catalan = np.array([c.catalan for c in cities])[city]
    lang = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    lang[u < 0.04] = 1
    lang[catalan & (u > 0.6)] = 2
    lang[(country == 2) & (u > 0.15)] = 3
    lang[(country == 3) & (u > 0.3)] = 4
    lang[(country == 4) & (u > 0.2)] = 1
    created = calendar.sample(rng, np.zeros(n, dtype=np.int64))
    has_email = email_style != 4
    has_phone = (phone_fmt >= 0) & (phone_fmt != 9)
    pop = np.array([cat.CATEGORY_POPULARITY[c] for c in cat.CATEGORIES])
    pref1 = choose(rng, n, pop)
    pref2 = np.where(rng.random(n) < 0.55, choose(rng, n, pop), -1)
    pref2[pref2 == pref1] = -1
    app = rng.random(n) < 0.3
    device = np.where(app, 3, choose(rng, n, (50, 43, 7)))
    return {
        "city": city,
        "country": country,
        "gender": gender,
        "first": first,
        "s1": s1,
        "s2": s2,
        "company": company,
        "email_style": email_style,
        "email_num": rng.integers(1, 999, n),
        "email_sep": rng.integers(0, 3, n),
        "domain": domain,
        "phone": phone,
        "phone_fmt": phone_fmt,
        "birth": birth,
        "postal": rng.integers(1, 99, n),
        "postal_mx": rng.integers(1000, 9999, n),
        "postal_pt": rng.integers(0, 999, n),
        "lang": lang,
        "created": created,
        "email_optin": has_email & (rng.random(n) < 0.76),
        "invalid_email": np.isin(email_style, (5, 6)),
        "sms": has_phone & (rng.random(n) < 0.36),
        "push": app & (rng.random(n) < 0.85),
        "ads": rng.random(n) < 0.55,
        "pref1": pref1,
        "pref2": pref2,
        "device": device,
        "second_device": rng.random(n) < 0.3,
        "engagement": rng.lognormal(0.0, 0.8, n) / np.exp(0.32),
        "buyer": rng.random(n) < 0.48,
        "quick_first": rng.random(n) < 0.5,
        "member": rng.random(n) < 0.35,
        "signup_online": rng.random(n) < 0.8,
    }


def _whens(branches: list[str]) -> str:
    """``WHEN 0 THEN a WHEN 1 THEN b ...`` for a CASE over a code.

    >>> _whens(["x", "y"])
    'WHEN 0 THEN x WHEN 1 THEN y'
    """
    return " ".join(f"WHEN {i} THEN {f}" for i, f in enumerate(branches))


def _contacts_sql(table: str, seed_frame: str) -> str:
    """The INSERT that turns the contact code arrays into the messy text of a real export."""
    fn, l1, l2, prefix, dom = "fn::VARCHAR", "l1::VARCHAR", "l2::VARCHAR", "prefix::VARCHAR", "dom::VARCHAR"
    plain = "replace(strip_accents(lower({})), ' ', '')"
    local = f"{plain.format(fn)} || sep::VARCHAR || {plain.format(l1)}"
    s = "phone::VARCHAR"
    es_fmt = [
        f"substr({s},1,3)||' '||substr({s},4,2)||' '||substr({s},6,2)||' '||substr({s},8,2)",
        f"'+34'||{s}",
        f"'0034 '||substr({s},1,3)||'-'||substr({s},4,3)||'-'||substr({s},7,3)",
        s,
        f"'+34 '||substr({s},1,3)||' '||substr({s},4,3)||' '||substr({s},7,3)",
    ]
    mx_fmt = [
        f"'('||substr({s},1,2)||') '||substr({s},3,4)||' '||substr({s},7,4)",
        f"'+52'||{s}",
        f"substr({s},1,2)||' '||substr({s},3,4)||' '||substr({s},7,4)",
        s,
        f"'+52 1 '||substr({s},1,2)||' '||substr({s},3,4)||' '||substr({s},7,4)",
    ]
    other = f"'+' || ['351', '33', '1'][country - 1] || ' ' || {s}"
    phone = (
        "CASE WHEN phone_fmt < 0 THEN NULL WHEN phone_fmt = 9 THEN "
        "['n/a', '-', '000000000', 'sin teléfono', 'no tiene'][phone % 5 + 1] "
        f"WHEN country = 0 THEN CASE phone_fmt {_whens(es_fmt)} END "
        f"WHEN country = 1 THEN CASE phone_fmt {_whens(mx_fmt)} END "
        f"ELSE {other} END"
    )
    email = (
        f"CASE WHEN company THEN 'compras@' || {plain.format(l1)} || 'sport.' || "
        "CASE WHEN country = 1 THEN 'com.mx' ELSE 'es' END "
        f"WHEN email_style = 0 THEN {local} || '@' || {dom} "
        f"WHEN email_style = 1 THEN strip_accents(replace({fn}, ' ', '')) || '.' || strip_accents({l1}) "
        f"|| '@' || {dom} "
        f"WHEN email_style = 2 THEN upper({local} || '@' || {dom}) "
        f"WHEN email_style = 3 THEN ' ' || {local} || email_num::VARCHAR || '@' || {dom} || ' ' "
        f"WHEN email_style = 5 THEN {local} || '@' "
        f"WHEN email_style = 6 THEN {local} || '.' || {dom} "
        f"WHEN email_style = 7 THEN {local} || email_num::VARCHAR || '@' || {dom} END"
    )
    postal = (
        f"CASE WHEN country = 2 THEN {prefix} || lpad(postal_pt::VARCHAR, 3, '0') || '-' || "
        "lpad((postal * 7)::VARCHAR, 3, '0') "
        f"WHEN country = 4 THEN {prefix} || lpad(postal::VARCHAR, 2, '0') "
        f"WHEN country = 1 AND length({prefix}) = 1 THEN {prefix} || postal_mx::VARCHAR "
        f"ELSE {prefix} || lpad(postal::VARCHAR, (5 - length({prefix}))::INTEGER, '0') END"
    )
    return f"""
        INSERT INTO {table}
        SELECT 'C' || (i + 1_000_001)::VARCHAR, {email}, {phone}, {fn},
               CASE WHEN s2 < 0 THEN {l1} ELSE {l1} || ' ' || {l2} END,
               gender_s, birth, {postal}, city_s, region_s, country_s, lang_s, company, created,
               email_subscribed, sms, push, ads
        FROM {seed_frame}"""


# ---------------------------------------------------------------- orders

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


def _sample_rows(rng: np.random.Generator, weights: npt.NDArray[np.float32]) -> I64:
    """One column index per row of a weight matrix."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)).astype(np.float32) * cum[:, -1]
    out: I64 = np.minimum((cum < u[:, None]).sum(axis=1), weights.shape[1] - 1).astype(np.int64)
    return out


def _orders(
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
    campaign = _campaign_of(month, in_bf)
    campaign[(utm < 0) | (utm == 5)] = -1
    # lines
    n_lines = choose(rng, n, (60, 25, 10, 5)) + 1
    line_order = np.repeat(np.arange(n), n_lines)
    line_w = affinity[contact[line_order]] * _season_matrix()[month[line_order]]
    product = shop.pick_products(rng, _sample_rows(rng, line_w))
    key = np.unique(line_order * 10_000 + product)
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


def _campaign_of(month: I64, in_bf: npt.NDArray[np.bool_]) -> I64:
    """The seasonal utm_campaign code (index in UTM_CAMPAIGNS) for each month."""
    by_month = np.array([0, 0, 1, 1, 1, 2, 2, 2, 3, 6, 6, 5])
    return np.where(in_bf, 4, by_month[month]).astype(np.int64)


# ---------------------------------------------------------------- web events

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
        sizes = [len(b["t"]) for b in self.blocks]
        starts = np.cumsum([0, *sizes])
        out: dict[str, Arr] = {}
        for k, dtype in self.DTYPES.items():
            col = np.full(int(starts[-1]), np.nan if k == "value" else -1, dtype=dtype)
            for b, lo, hi in zip(self.blocks, starts[:-1], starts[1:], strict=True):
                if k in b:
                    col[lo:hi] = b[k]
            out[k] = col
        keep = (out["t"] >= 0) & (out["t"] < end)
        return {k: v[keep] for k, v in out.items()}


def _sessions(
    rng: np.random.Generator, ev: _Events, shop: Shop, s: dict[str, Arr], terms: int
) -> dict[str, Arr]:
    """Browsing sessions: landing, categories, searches, product views, carts kept or abandoned."""
    n = len(s["t"])
    known = s["c"] >= 0
    n_cat = choose(rng, n, (30, 50, 20))
    n_pv = choose(rng, n, (12, 25, 22, 16, 10, 8, 7))
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


def _web(
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
    per = rng.poisson(c["engagement"] * (1.1 + 0.6 * np.minimum(orders_per, 10)))
    kc = np.repeat(np.arange(n), per)
    use_second = (second_of[kc] >= 0) & (rng.random(len(kc)) < 0.35)
    kv = np.where(use_second, second_of[kc], kc)
    kt = cal.sample(rng, c["created"][kc] + 120)
    # anonymous visits before sign-up, on the device they later sign up with
    pre = c["signup_online"] & (rng.random(n) < 0.4)
    pre_n = np.where(pre, 1 + rng.poisson(0.8, n), 0)
    pc = np.repeat(np.arange(n), pre_n)
    pt = c["created"][pc] - rng.integers(600, 30 * DAY, len(pc))
    # visitors who never sign up
    an_n = choose(rng, n_anon, (60, 25, 10, 5)) + 1
    av = np.repeat(n + len(second) + np.arange(n_anon), an_n)
    at = cal.sample(rng, np.zeros(len(av), dtype=np.int64))
    anon_country = np.where(rng.random(len(av)) < 0.72, 0, 1)
    v = np.concatenate([kv, pc, av])
    contact = np.concatenate([kc, np.full(len(pc) + len(av), -1)])
    owner = np.concatenate([kc, pc, np.full(len(av), -1)])
    m = len(v)
    pop = np.array([cat.CATEGORY_POPULARITY[x] for x in cat.CATEGORIES])
    rand_cat = choose(rng, m, pop)
    pref = np.where(owner >= 0, _sample_rows(rng, affinity[np.maximum(owner, 0)]), rand_cat)
    utm = np.where(rng.random(m) < 0.25, choose(rng, m, [x[2] for x in cat.UTM_SOURCES]), -1)
    t = np.concatenate([kt, pt, at])
    campaign = np.where(
        (utm >= 0) & (utm != 5),
        _campaign_of(cal.month[np.clip(t // DAY, 0, cal.days - 1)], np.zeros(m, dtype=bool)),
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


# ---------------------------------------------------------------- messages

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
    1: ("Rebajas de invierno", "rebajas_invierno", 7, 0.4, None, (2,)),
    3: ("Running: nueva temporada", "running_primavera", 12, 0.6, "Running", ()),
    4: ("Ciclismo: sal a rodar", "ciclismo_primavera", 9, 0.6, "Ciclismo", ()),
    5: ("Novedades pádel", "padel_novedades", 14, 0.6, "Pádel", ()),
    6: ("Especial natación", "verano_natacion", 3, 0.6, "Natación", ()),
    7: ("Rebajas de verano", "rebajas_verano", 1, 0.4, None, (2,)),
    8: ("Vuelta al fútbol", "vuelta_al_futbol", 20, 0.6, "Fútbol", ()),
    9: ("Vuelta al gimnasio", "vuelta_gimnasio", 8, 0.6, "Fitness", ()),
    12: ("Navidad", "navidad", 5, 0.45, None, (2,)),
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
            out.append((news, (day0 + 3 + shift) * DAY + 10 * 3600, market, -1, 0.18))
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
                out.append((piece, at * DAY + 9 * 3600, market, -1, 0.7))
    return [x for x in out if 0 <= x[1] < cal.seconds]


def _messages(
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
    send(everyone, 1, created + 3 * DAY + 3600)
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
        send(has_birth, 9, t + 1800)
    online_done = done[o["store"][done] < 0]
    survey = online_done[rng.random(len(online_done)) < 0.35]
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


# ---------------------------------------------------------------- writing


def _cid(col: str) -> str:
    """SQL for the contact id of a contact number (-1 for none): C1000001, C1000002, ..."""
    return f"CASE WHEN {col} >= 0 THEN 'C' || ({col} + 1_000_001)::VARCHAR END"


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


def _write(
    con: duckdb.DuckDBPyConnection,
    cal: Calendar,
    shop: Shop,
    seed: int,
    c: dict[str, Arr],
    subscribed: Arr,
    o: dict[str, Arr],
    lines: dict[str, Arr],
    web: dict[str, Arr],
    pieces: list[Piece],
    msg: dict[str, Arr],
) -> None:
    """Insert every table from the arrays; codes become text through categoricals, ids inside DuckDB."""
    ts = cal.timestamps
    cities = cat.CITIES
    pids = [p.product_id for p in shop.products]
    sources, mediums = [u[0] for u in cat.UTM_SOURCES], [u[1] for u in cat.UTM_SOURCES]
    con.register("p_frame", pd.DataFrame([vars(p) for p in shop.products]))
    con.execute(
        "INSERT INTO products SELECT product_id, name, category, subcategory, brand, price FROM p_frame"
    )
    frame = {k: v for k, v in c.items() if v.ndim == 1}
    frame.update(
        i=np.arange(len(c["created"])),
        created=ts(c["created"]),
        email_subscribed=subscribed,
        fn=labels(FIRST_NAMES, c["first"]),
        l1=labels(cat.SURNAMES, c["s1"]),
        l2=labels(cat.SURNAMES, c["s2"]),
        prefix=labels([x.postal_prefix for x in cities], c["city"]),
        dom=labels(DOMAINS, c["domain"]),
        sep=labels([".", "_", "-"], c["email_sep"]),
        gender_s=labels(GENDERS, c["gender"]),
        city_s=labels([x.name for x in cities], c["city"]),
        region_s=labels([x.region for x in cities], c["city"]),
        country_s=labels(COUNTRIES, c["country"]),
        lang_s=labels(LANGUAGES, c["lang"]),
    )
    con.register("c_frame", table(**frame))
    con.execute(_contacts_sql("contacts", "c_frame"))
    camp = "CASE WHEN campaign IS NOT NULL THEN campaign::VARCHAR || '_' || year(t)::VARCHAR END"
    con.register(
        "o_frame",
        table(
            **{
                "i": np.arange(len(o["t"])),
                "contact": o["contact"],
                "t": ts(o["t"]),
                "total": o["total"],
                "status": o["status"],
                "country": o["country"],
                "currency": labels(CURRENCIES, o["country"]),
                "channel": labels(["online", "store"], (o["store"] >= 0).astype(np.int64)),
                "store": labels([x[0] for x in cat.STORES], o["store"]),
                "pay": labels(PAYMENTS, o["pay"]),
                "brand": labels(CARD_BRANDS, o["brand"]),
                "coupon": labels(COUPONS, o["coupon"]),
                "status_s": labels(STATUSES, o["status"]),
                "src": labels(sources, o["utm"]),
                "med": labels(mediums, o["utm"]),
                "campaign": labels(cat.UTM_CAMPAIGNS, o["campaign"]),
            }
        ),
    )
    con.execute(f"""INSERT INTO orders SELECT 'O' || (i + 10_000_001)::VARCHAR, {_cid("contact")}, t, total,
        currency, channel, store, pay, brand, coupon, status_s, src, med, {camp} FROM o_frame""")
    con.register(
        "l_frame",
        table(
            **{
                "o": lines["order"],
                "pid": labels(pids, lines["product"]),
                "qty": lines["qty"],
                "unit": lines["unit"],
                "returned": lines["returned"],
            }
        ),
    )
    con.execute(
        "INSERT INTO order_lines SELECT 'O' || (o + 10_000_001)::VARCHAR, pid, qty, unit, returned "
        "FROM l_frame"
    )
    terms = cat.search_terms(shop.products)
    con.register(
        "w_frame",
        table(
            **{
                "i": np.arange(len(web["t"])),
                "vid": visitor_key(seed, web["v"]),
                "c": web["c"],
                "t": ts(web["t"]),
                "type": labels(WEB_TYPES, web["type"]),
                "pid": labels(pids, web["product"]),
                "category": labels(cat.CATEGORIES, web["category"]),
                "slug": labels([_slug(x) for x in cat.CATEGORIES], web["category"]),
                "term": labels(terms, web["term"]),
                "value": web["value"],
                "device": labels(DEVICES, web["device"]),
                "src": labels(sources, web["utm"]),
                "med": labels(mediums, web["utm"]),
                "campaign": labels(cat.UTM_CAMPAIGNS, web["campaign"]),
            }
        ),
    )
    url = (
        "CASE type WHEN 'product_view' THEN '/p/' || pid::VARCHAR "
        "WHEN 'category_view' THEN '/c/' || slug::VARCHAR "
        "WHEN 'search' THEN '/buscar?q=' || replace(term::VARCHAR, ' ', '+') "
        "WHEN 'login' THEN '/cuenta/login' WHEN 'signup' THEN '/cuenta/registro' "
        "WHEN 'add_to_cart' THEN '/carrito' WHEN 'cart_abandoned' THEN '/carrito' ELSE '/' END"
    )
    con.execute(f"""INSERT INTO web_events
        SELECT 'E' || (i + 100_000_001)::VARCHAR, lower(hex(vid)), {_cid("c")}, t,
        type, pid, category, {url}, term, value, device, src, med, {camp}
        FROM w_frame""")
    piece = msg["piece"]
    con.register(
        "m_frame",
        table(
            **{
                "c": msg["c"],
                "t": ts(msg["t"]),
                "value": msg["value"],
                "channel": labels([CHANNELS[p.channel] for p in pieces], piece),
                "type": labels(MESSAGE_EVENTS, msg["type"]),
                "mid": labels([f"M{i + 1:04d}" for i in range(len(pieces))], piece),
                "name": labels([p.name for p in pieces], piece),
                "kind": labels(["promotional" if p.promotional else "transactional" for p in pieces], piece),
                "workflow": labels([p.workflow for p in pieces], piece),
                "campaign": labels([p.campaign for p in pieces], piece),
            }
        ),
    )
    con.execute(f"""INSERT INTO message_events
        SELECT {_cid("c")}, channel, type, t, mid, name, kind, workflow,
        campaign, value FROM m_frame""")
    con.executemany(
        "INSERT INTO workflows VALUES (?, ?, ?, ?)",
        [(w, name, status, cal.start + timedelta(days=d)) for w, name, status, d in cat.WORKFLOWS],
    )
    con.execute(f"""INSERT INTO {CUSTOM_FIELDS_TABLE}
        SELECT 'C' || (f.i + 1_000_001)::VARCHAR, 'loyalty_tier',
               CASE WHEN coalesce(s.spent, 0) >= 1500 THEN 'oro' WHEN coalesce(s.spent, 0) >= 400 THEN 'plata'
                    ELSE 'bronce' END
        FROM c_frame f LEFT JOIN (
            SELECT contact, sum(total / CASE WHEN country = 1 THEN 20 ELSE 1 END) AS spent
            FROM o_frame WHERE status = 0 GROUP BY contact) s ON s.contact = f.i
        WHERE f.member""")
    for name in ("p_frame", "c_frame", "o_frame", "l_frame", "w_frame", "m_frame"):
        con.unregister(name)


def _slug(text: str) -> str:
    """A URL slug for a category name.

    >>> _slug("Pádel"), _slug("Fútbol")
    ('padel', 'futbol')
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-")


# ---------------------------------------------------------------- the build


def _finish(con: duckdb.DuckDBPyConnection, db: Path) -> bool:
    """Run the importer's shared finishing step (macros, catalog caches); False when it is not available."""
    import importlib

    try:
        importer = importlib.import_module("segmenta.warehouse.importer")
        config_mod = importlib.import_module("segmenta.warehouse.config")
    except ImportError:
        # TODO(issue 3): importer.py is written in parallel; until it lands the demo warehouse has
        # no macros or catalog caches, which `segmenta import` / finish_warehouse would add.
        return False
    finish = getattr(importer, "finish_warehouse", None)
    if finish is None:
        return False
    finish(con, config_mod.load_config(db))
    return True


def build_demo(
    db: Path,
    *,
    contacts: int = 20000,
    seed: int = 7,
    until: date | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    """Build the demo shop's warehouse at ``db``, replacing any warehouse there only on success.

    Args:
        db: the warehouse file to write.
        contacts: how many contacts (orders, events and messages scale with it).
        seed: the random seed; the same (contacts, seed, until) gives identical tables.
        until: the last day of data (default today); data covers the three years up to its end.
        progress: called with (step, steps done, steps in all) as the build goes.

    Returns:
        A DemoReport with rows per table, the data's time span and the seconds it took.
    """
    if contacts < 1:
        raise WarehouseError(f"the demo shop needs at least 1 contact, not {contacts}")
    began = time.perf_counter()
    cal = Calendar(until or date.today())
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]

    def step(i: int) -> None:
        if progress is not None:
            progress(STEPS[i], i, len(STEPS))

    step(0)
    shop = Shop.build(streams[0])
    c = _contacts(streams[1], contacts, cal)
    affinity = shop.affinity(c)
    step(1)
    o, lines = _orders(streams[2], cal, shop, c, affinity)
    step(2)
    terms = len(cat.search_terms(shop.products))
    web, carts = _web(streams[3], cal, shop, c, o, lines, affinity, terms)
    step(3)
    pieces, msg, subscribed = _messages(streams[4], cal, shop, c, o, lines, carts)
    step(4)
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.demo-{os.getpid()}.tmp")
    _remove(tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET enable_progress_bar = false")
            create_schema(con)
            _write(con, cal, shop, seed, c, subscribed, o, lines, web, pieces, msg)
            step(5)
            finished = _finish(con, db)
            con.executemany(
                f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)",
                [
                    ("source", "demo"),
                    ("demo_seed", str(seed)),
                    ("demo_contacts", str(contacts)),
                    ("data_until", (cal.end - timedelta(days=1)).date().isoformat()),
                ],
            )
            rows = {
                t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                for t in (
                    "contacts",
                    "products",
                    "orders",
                    "order_lines",
                    "web_events",
                    "message_events",
                    "workflows",
                    CUSTOM_FIELDS_TABLE,
                )
            }
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db)
    except duckdb.Error as e:
        _remove(tmp)
        raise WarehouseError(f"could not build the demo warehouse at {db}: {e}") from e
    except BaseException:
        _remove(tmp)
        raise
    notes = [] if finished else ["importer.finish_warehouse not available yet: no macros installed"]
    return DemoReport(
        db, rows, cal.start, cal.end - timedelta(seconds=1), time.perf_counter() - began, finished, notes
    )


def _remove(path: Path) -> None:
    """Delete a temporary warehouse and its write-ahead log, if they exist."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
