"""The demo shop's people and time: random helpers, the seasonal calendar, and the contacts.

Every other demo module draws from here: ``choose`` and ``within`` (vectorised sampling),
``labels`` (integer codes to Arrow dictionaries, so DuckDB turns codes into text cheaply) and
``Calendar`` (three years of seasonal timestamps as seconds from its start). The contacts are
generated as arrays of codes and written by one INSERT that builds the messy text of a real
export (phones in many formats, emails with spaces, capitals and typos) inside DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from segmenta.warehouse import demo_catalog as cat

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Arr = npt.NDArray[Any]

DAY = 86_400
YEARS = 3
COUNTRIES = ("ES", "MX", "PT", "FR", "US")
CURRENCIES = ("EUR", "MXN", "EUR", "EUR", "USD")
DEVICES = ("desktop", "mobile", "tablet", "app")


def labels(values: Sequence[str | None], codes: Arr) -> pa.DictionaryArray:
    """Integer codes (-1 for NULL) as an Arrow dictionary of their text, which DuckDB reads cheaply.

    >>> labels(["x", "y", "x"], np.array([2, -1, 1])).to_pylist()
    ['x', None, 'y']
    """
    uniq = sorted({v for v in values if v is not None})
    pos = {v: i for i, v in enumerate(uniq)}
    mapping = np.array([pos[v] if v is not None else -1 for v in values] + [-1], dtype=np.int32)
    idx = mapping[np.where(codes >= 0, codes, len(values))]
    return pa.DictionaryArray.from_arrays(pa.array(idx, mask=idx < 0), pa.array(uniq, type=pa.string()))


BATCH_ROWS = 1 << 19
"""Rows per Arrow record batch: DuckDB scans a table's batches on parallel threads (keeping their order)."""


def table(**columns: Arr | pa.Array) -> pa.Table:
    """An Arrow table from numpy columns (NaN and NaT become NULL) and ready Arrow arrays, in batches.

    >>> table(x=np.arange(BATCH_ROWS + 1)).column("x").num_chunks
    2
    """
    whole = pa.table(
        {k: v if isinstance(v, pa.Array) else pa.array(v, from_pandas=True) for k, v in columns.items()}
    )
    return pa.Table.from_batches(whole.to_batches(max_chunksize=BATCH_ROWS), schema=whole.schema)


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

    WEB_HOURS: tuple[float, ...] = (1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3.2, 3.4)
    WEB_HOURS += (3.8, 3.6, 3.2, 3, 3.2, 3.6, 4.2, 5, 5.4, 5, 3.6, 2)
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


def contacts(rng: np.random.Generator, n: int, calendar: Calendar) -> dict[str, Arr]:
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


def cid(col: str) -> str:
    """SQL for the contact id of a contact number (-1 for none): C1000001, C1000002, ...

    >>> cid("c")
    "CASE WHEN c >= 0 THEN 'C' || (c + 1_000_001)::VARCHAR END"
    """
    return f"CASE WHEN {col} >= 0 THEN 'C' || ({col} + 1_000_001)::VARCHAR END"


def write_contacts(con: duckdb.DuckDBPyConnection, cal: Calendar, c: dict[str, Arr], subscribed: Arr) -> None:
    """Insert the contacts; ``subscribed`` is the email consent left after the unsubscribes."""
    cities = cat.CITIES
    frame: dict[str, Arr | pa.Array] = {k: v for k, v in c.items() if v.ndim == 1}
    frame.update(
        i=np.arange(len(c["created"])),
        created=cal.timestamps(c["created"]),
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
    con.unregister("c_frame")


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
