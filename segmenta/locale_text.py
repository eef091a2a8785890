"""Numbers, money and percentages as the answer's language writes them in the shop's country, and
the report's columns and data-model codes in that language.

The formats come from CLDR through Babel, never from hand-made rules: Spanish in Spain writes
``1.453.448,68`` and ``300,00 €``, Spanish in Mexico ``1,453,448.68`` and ``$300.00``, English in
the UK ``€300.00``. The locale is the answer's language with the shop's default country
(``[locale] default_country``) when CLDR has that pair (``es_MX``, ``en_GB``), the language alone
otherwise. Column names and values stay as they are in the JSON and in CSV files, where scripts read
them; only what a person reads is translated here.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from babel import Locale, localedata
from babel.languages import get_official_languages
from babel.numbers import format_currency, format_decimal, format_percent

Lang = Literal["es", "en"]


@lru_cache(maxsize=64)
def locale_id(lang: str, country: str = "") -> str:
    """The CLDR locale for ``lang`` in ``country`` where the language is the country's own (Spanish in
    Mexico, English in the UK), else the language's usual one: English about a shop in Spain is
    written as English is (``1,234.50``), not as CLDR's "English in Spain" (``1.234,50``).

    >>> locale_id("es", "MX"), locale_id("en", "GB"), locale_id("es", ""), locale_id("en", "ES")
    ('es_MX', 'en_GB', 'es_ES', 'en')
    """
    lang = "es" if lang == "es" else "en"
    territory = country.upper()
    if territory and localedata.exists(f"{lang}_{territory}"):
        try:
            own = lang in get_official_languages(territory, de_facto=True)
        except (KeyError, ValueError):
            own = False
        if own:
            return f"{lang}_{territory}"
    return "es_ES" if lang == "es" else "en"


def date_text(day: dt.date, loc: str) -> str:
    """A day as the locale writes it in a sentence (CLDR's medium date): what a person reads; SQL,
    JSON and files keep ISO dates.

    >>> date_text(dt.date(2025, 9, 1), "es_ES"), date_text(dt.date(2025, 9, 1), "es_MX")
    ('1 sept 2025', '1 sep 2025')
    >>> date_text(dt.date(2026, 6, 30), "en"), date_text(dt.date(2026, 6, 30), "en_GB")
    ('Jun 30, 2026', '30 Jun 2026')
    """
    from babel.dates import format_date

    if isinstance(day, dt.datetime):
        day = day.date()
    return str(format_date(day, format="medium", locale=loc))


def day_text(day: dt.date, lang: str, country: str = "") -> str:
    """:func:`date_text` in ``lang`` for a shop in ``country``."""
    return date_text(day, locale_id(lang, country))


def integer(n: int, loc: str) -> str:
    """A whole number with the locale's grouping.

    >>> integer(1234567, "es_ES"), integer(1234567, "es_MX"), integer(-20000, "en")
    ('1.234.567', '1,234,567', '-20,000')
    """
    return format_decimal(n, format="#,##0", locale=loc)


def decimal(x: float | Decimal, loc: str, digits: int = 2) -> str:
    """A number with ``digits`` decimals (``digits`` 0: none) with the locale's marks.

    >>> decimal(1453448.675, "es_ES"), decimal(1453448.675, "en_GB"), decimal(2.5, "es", 1)
    ('1.453.448,68', '1,453,448.68', '2,5')
    """
    if not math.isfinite(float(x)):
        return str(x)
    return format_decimal(x, format="#,##0" + ("." + "0" * digits if digits else ""), locale=loc)


def money(x: float | Decimal, loc: str, currency: str) -> str:
    """An amount in ``currency`` as the locale writes it.

    >>> money(300, "es_ES", "EUR"), money(300, "en_GB", "EUR"), money(12500.5, "es_MX", "MXN")
    ('300,00\\xa0€', '€300.00', '$12,500.50')
    """
    if not math.isfinite(float(x)):
        return f"{x} {currency}"
    return format_currency(x, currency, locale=loc)


def percent(fraction: float | Decimal, loc: str) -> str:
    """A fraction as a percentage with one decimal, in the locale's own pattern.

    >>> percent(0.4567, "en"), percent(0.4567, "es_ES"), percent(0.4567, "es_MX")
    ('45.7%', '45,7\\xa0%', '45.7%')
    """
    if not math.isfinite(float(fraction)):
        return str(fraction)
    return format_percent(fraction, format=_percent_pattern(loc), locale=loc)


@lru_cache(maxsize=64)
def _percent_pattern(loc: str) -> str:
    """The locale's percent pattern with one decimal (``#,##0 %`` becomes ``#,##0.0 %``)."""
    pattern: str = Locale.parse(loc).percent_formats[None].pattern
    k = pattern.rfind("0")
    return pattern[: k + 1] + ".0" + pattern[k + 1 :]


def cell(value: Any, loc: str = "en", *, rate: bool = False, currency: str | None = None) -> str:
    """One value as a table cell: grouped whole numbers, decimals with 2 places, rates as percentages,
    money (``currency`` given) with its symbol; dates in ISO order, which every locale reads.

    >>> cell(1234567), cell(Decimal("1498.634"), "es_ES"), cell(0.4567, rate=True), cell(None)
    ('1,234,567', '1.498,63', '45.7%', '')
    >>> cell(dt.date(2026, 1, 1)), cell(True), cell(" Ana "), cell(2.5, "en", currency="GBP")
    ('2026-01-01', 'True', ' Ana ', '£2.50')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return integer(value, loc)
    if isinstance(value, (float, Decimal)):
        if rate:
            return percent(value, loc)
        if currency:
            return money(value, loc, currency)
        return decimal(value, loc)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
