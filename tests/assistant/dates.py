"""Expected sentences written with ISO dates, said as the answer's locale writes dates.

The tables of window and explanation cases keep ISO dates (exact and easy to check by eye); the
product says a day as CLDR's medium date of the answer's locale (``30 jun 2026``, ``Jun 30, 2026``),
which ``test_explainer``'s literal cases pin down.
"""

from __future__ import annotations

import re
from datetime import date

from segmenta.locale_text import day_text

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dated(text: str, lang: str, country: str = "") -> str:
    """``text`` with each ISO date as ``lang`` writes it in ``country``.

    >>> dated("del 2025-09-01 al 2026-06-30", "es")
    'del 1 sept 2025 al 30 jun 2026'
    """
    return _ISO.sub(lambda m: day_text(date(*(int(g) for g in m.groups())), lang, country), text)
