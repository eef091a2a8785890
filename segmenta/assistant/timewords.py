"""Time phrases in a request (Spanish or English) found as token spans and read into Windows.

The grammar asks :func:`find_windows` once per request and gets every phrase that names a time
window — "en los últimos 10 meses", "since March", "el verano pasado", "Q1 2026" — with the
tokens it covers (leading prepositions and articles included) and a relative
:class:`~segmenta.assistant.plan.Window`. Month names and key words tolerate typos (rapidfuzz,
words of 5+ letters, ratio >= 85). Phrases that are not windows are left alone: "hace más de
180 días" is a recency metric, "last purchase" has no time unit, "in their 40s" is an age.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from segmenta.assistant.numbers import parse_number, parse_ordinal
from segmenta.assistant.plan import TimeUnit, Window
from segmenta.assistant.text import Token, span_text

MONTHS: dict[str, int] = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
# weekday names said before a date ("el lunes 2 de febrero"): they add nothing to the date
WEEKDAYS = frozenset(
    "lunes martes miercoles jueves viernes sabado domingo monday tuesday wednesday thursday friday "
    "saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
)
UNITS: dict[str, TimeUnit] = {
    "dia": "day",
    "dias": "day",
    "day": "day",
    "days": "day",
    "semana": "week",
    "semanas": "week",
    "week": "week",
    "weeks": "week",
    "mes": "month",
    "meses": "month",
    "month": "month",
    "months": "month",
    "ano": "year",
    "anos": "year",
    "year": "year",
    "years": "year",
    "trimestre": "quarter",
    "trimestres": "quarter",
    "quarter": "quarter",
    "quarters": "quarter",
}
Season = Literal["spring", "summer", "autumn", "winter"]
SEASONS: dict[str, Season] = {
    "primavera": "spring",
    "spring": "spring",
    "verano": "summer",
    "summer": "summer",
    "otono": "autumn",
    "autumn": "autumn",
    "fall": "autumn",
    "invierno": "winter",
    "winter": "winter",
}
_ROLES: dict[str, str] = {
    **dict.fromkeys(["ultimo", "ultimos", "ultima", "ultimas"], "ultimo"),
    "last": "last",
    "past": "past",
    "previous": "previous",
    "preceding": "previous",
    **dict.fromkeys(["pasado", "pasada", "pasados", "pasadas", "anterior", "anteriores"], "pasado"),
    **dict.fromkeys(["este", "esta", "this", "current", "actual"], "this"),
    "desde": "since",
    "since": "since",
    "from": "from",
    "antes": "before",
    "before": "before",
    "prior": "before",
    "entre": "between",
    "between": "between",
    "y": "and",
    "and": "and",
    **dict.fromkeys(["al", "a", "to", "until", "till", "through", "hasta"], "to"),
    "hoy": "today",
    "today": "today",
    "ayer": "yesterday",
    "yesterday": "yesterday",
    "anteayer": "anteayer",
}
_UNIT_NAMES: dict[str, TimeUnit] = {u: u for u in UNITS.values()}
_ENGLISH_ABBREVIATIONS = frozenset(
    w for w in MONTHS if len(w) <= 4 and w not in ("mayo", "ene", "abr", "dic")
)
_IN = frozenset({"en", "in", "durante", "during", "within", "over", "throughout", "for", "on"})
_ARTICLES = frozenset({"el", "la", "los", "las", "lo", "the"})
_OF = frozenset({"de", "del", "of"})
_NOT_TYPOS = frozenset({"mayor", "mayores", "junior", "juniors", "semanal", "pasta", "marco"})
_VOCAB: dict[str, str] = {
    **{w: f"month:{m}" for w, m in MONTHS.items()},
    **{w: f"unit:{u}" for w, u in UNITS.items()},
    **{w: f"season:{s}" for w, s in SEASONS.items()},
    **_ROLES,
}
_FUZZY_CHOICES = [w for w in _VOCAB if len(w) >= 5]
_QUARTER_TOKEN = re.compile(r"(?:q([1-4]))|(?:([1-4])(?:t|q))|(?:t([1-4]))")


@dataclass(frozen=True, slots=True)
class WindowSpan:
    """A time phrase: tokens ``[start_token, end_token)`` of the request and its Window."""

    start_token: int
    end_token: int
    window: Window


@dataclass(frozen=True, slots=True)
class _Point:
    """A date named in words, as precise as the words were (a year, a month, a day)."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


@lru_cache(maxsize=4096)
def canonical(word: str) -> str | None:
    """The role of a folded word in time phrases (``month:3``, ``unit:week``, ``ultimo``), typos allowed.

    >>> canonical("febreo"), canonical("ultimso"), canonical("setiembre"), canonical("mayor")
    ('month:2', 'ultimo', 'month:9', None)
    """
    if word in _VOCAB:
        return _VOCAB[word]
    if len(word) < 5 or word in _NOT_TYPOS or not word.isalpha():
        return None
    found = process.extractOne(word, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=85)
    return _VOCAB[found[0]] if found is not None else None


class _Reader:
    """Matches time phrases over one request's tokens."""

    def __init__(self, tokens: list[Token], lang: str) -> None:
        self.tokens = tokens
        self.lang = lang
        self.words = [t.folded if t.kind != "quoted" else "" for t in tokens]
        self.keys = [
            canonical(w) if t.kind == "word" else None for t, w in zip(tokens, self.words, strict=True)
        ]

    def w(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def k(self, i: int) -> str:
        return (self.keys[i] or "") if 0 <= i < len(self.keys) else ""

    def role(self, i: int, prefix: str) -> str | None:
        key = self.k(i)
        return key[len(prefix) :] if key.startswith(prefix) else None

    # -- small pieces --------------------------------------------------------------------------

    def year(self, i: int) -> int | None:
        tok = self.tokens[i] if 0 <= i < len(self.tokens) else None
        if tok is None or tok.kind != "number" or not re.fullmatch(r"(19|20|21)\d\d", tok.folded):
            return None
        nxt = self.w(i + 1)
        if nxt in ("€", "$", "£", "%", "eur", "euros", "usd", "dolares", "dollars", "pesos", "mxn"):
            return None
        return int(tok.folded)

    def day(self, i: int) -> int | None:
        tok = self.tokens[i] if 0 <= i < len(self.tokens) else None
        if tok is None:
            return None
        if tok.kind == "number" and re.fullmatch(r"\d{1,2}", tok.folded):
            value = int(tok.folded)
        else:
            ordinal = parse_ordinal(self.tokens, i)
            if ordinal is None or (tok.kind == "word" and ordinal[0] != 1):
                return None
            value = ordinal[0]
        return value if 1 <= value <= 31 else None

    def month(self, i: int) -> int | None:
        found = self.role(i, "month:")
        if found is None:
            return None
        if self.w(i) in _ENGLISH_ABBREVIATIONS or self.w(i) in ("ene", "abr", "ago", "dic"):
            # a short month name ("mar", "ago" are words too) only right after its day: "17 de nov"
            after_day = self.day(i - 1) is not None or (self.w(i - 1) in _OF and self.day(i - 2) is not None)
            if self.lang == "es" and not after_day:
                return None
        return int(found)

    def unit(self, i: int) -> TimeUnit | None:
        found = self.role(i, "unit:")
        return _UNIT_NAMES.get(found) if found is not None else None

    def season(self, i: int) -> Season | None:
        found = self.role(i, "season:")
        return SEASONS[found] if found is not None else None

    def opt_year(self, i: int) -> tuple[int | None, int]:
        """An optional ``[de|del|of|,] YEAR`` after a month or season."""
        if self.year(i) is not None:
            return self.year(i), i + 1
        if self.w(i) in _OF or self.w(i) == ",":
            skip = i + 1 + (self.w(i + 1) in ("el", "ano", "year"))
            if self.year(skip) is not None:
                return self.year(skip), skip + 1
        return None, i

    def date_token(self, i: int) -> date | None:
        tok = self.tokens[i] if 0 <= i < len(self.tokens) else None
        if tok is None or tok.kind != "date":
            return None
        parts = [int(p) for p in re.split(r"[-/]", tok.text)]
        try:
            if "-" in tok.text:
                return date(parts[0], parts[1], parts[2])
            year = parts[2] + 2000 if parts[2] < 100 else parts[2]
            first, second = (parts[1], parts[0]) if self.lang == "es" else (parts[0], parts[1])
            return date(year, first, second)
        except ValueError:
            return None

    def point(self, i: int) -> tuple[_Point, int] | None:
        """A date, a day and month (year optional), a month (year optional) or a year."""
        i += self.w(i) in _ARTICLES
        if self.w(i) in WEEKDAYS and self.day(i + 1) is not None:
            i += 1
        found = self.date_token(i)
        if found is not None:
            return _Point(found.year, found.month, found.day), i + 1
        day = self.day(i)
        if day is not None:
            j = i + 1 + (self.w(i + 1) in _OF)
            month = self.month(j)
            if month is not None:
                year, end = self.opt_year(j + 1)
                return _Point(year, month, day), end
        month = self.month(i)
        if month is not None:
            day = self.day(i + 1)
            if day is not None:  # "March 1, 2026", "March 1st": a day only with a year or an ordinal
                year, end = self.opt_year(i + 2)
                if year is not None or not self.w(i + 1).isdigit():
                    return _Point(year, month, day), end
            year, end = self.opt_year(i + 1)
            return _Point(year, month), end
        year = self.year(i)
        if year is not None:
            return _Point(year), i + 1
        return None

    # -- phrases -------------------------------------------------------------------------------

    def relative(self, j: int) -> tuple[Window, int] | None:
        """``últimos 10 meses``, ``las 2 últimas semanas``, ``last month``, ``el último año``."""
        role = self.k(j)
        if role not in ("ultimo", "last", "past", "previous"):
            number = parse_number(self.tokens, j)
            if number is not None and self.k(j + number[1]) == "ultimo":
                unit = self.unit(j + number[1] + 1)
                if unit is not None and number[0] == int(number[0]) and number[0] >= 1:
                    return Window(kind="last", n=int(number[0]), unit=unit), j + number[1] + 2
            return None
        number = parse_number(self.tokens, j + 1)
        if number is not None and number[0] == int(number[0]) and number[0] >= 1:
            unit = self.unit(j + 1 + number[1])
            if unit is not None:
                return Window(kind="last", n=int(number[0]), unit=unit), j + 2 + number[1]
        unit = self.unit(j + 1)
        if unit is not None:
            rolling = role in ("ultimo", "past") or (role == "last" and self.w(j - 1) == "the")
            if unit == "quarter" or not rolling:
                return Window(kind="previous", n=1, unit=unit), j + 2
            if unit == "year":
                return Window(kind="last", n=12, unit="month"), j + 2
            return Window(kind="last", n=1, unit=unit), j + 2
        season = self.season(j + 1)
        if season is not None:
            return Window(kind="season", season=season, which="last"), j + 2
        month = self.month(j + 1)
        if month is not None and role == "last":
            return Window(kind="month", month=month), j + 2
        return None

    def named_past(self, j: int) -> tuple[Window, int] | None:
        """``el mes pasado``, ``el pasado año``, ``el verano pasado``, ``this week``, ``este verano``."""
        if self.k(j) == "pasado":
            unit, season = self.unit(j + 1), self.season(j + 1)
            if unit is not None:
                return Window(kind="previous", n=1, unit=unit), j + 2
            if season is not None:
                return Window(kind="season", season=season, which="last"), j + 2
            return None
        if self.k(j) == "this":
            unit, season = self.unit(j + 1), self.season(j + 1)
            if unit is not None:
                return Window(kind="this", unit=unit), j + 2
            if season is not None:
                return Window(kind="season", season=season, which="this"), j + 2
            return None
        unit, season = self.unit(j), self.season(j)
        if self.k(j + 1) == "pasado":
            if unit is not None:
                return Window(kind="previous", n=1, unit=unit), j + 2
            if season is not None:
                return Window(kind="season", season=season, which="last"), j + 2
        if unit is not None and self.w(j + 1) == "actual":
            return Window(kind="this", unit=unit), j + 2
        if unit is not None and self.w(j + 1) == "en" and self.w(j + 2) == "curso":
            return Window(kind="this", unit=unit), j + 3
        return None

    def quarter(self, j: int) -> tuple[Window, int] | None:
        """``Q1 2026``, ``1T``, ``el primer trimestre de 2026``, ``the first quarter of 2026``."""
        m = _QUARTER_TOKEN.fullmatch(self.w(j))
        if m is not None:
            n = int(next(g for g in m.groups() if g is not None))
            year, end = self.opt_year(j + 1)
            return Window(kind="quarter", n=n, year=year), end
        ordinal = parse_ordinal(self.tokens, j)
        if ordinal is not None and 1 <= ordinal[0] <= 4 and self.unit(j + 1) == "quarter":
            year, end = self.opt_year(j + 2)
            return Window(kind="quarter", n=ordinal[0], year=year), end
        return None

    def since_before_between(self, j: int) -> tuple[Window, int] | None:
        """``desde marzo``, ``a partir del 1 de abril``, ``before 2025``, ``entre enero y marzo``."""
        role, start = self.k(j), j + 1
        if self.w(j) == "a" and self.w(j + 1) == "partir" and self.w(j + 2) in ("de", "del"):
            role, start = "since", j + 3
        elif role == "before" and self.w(j + 1) in ("de", "del", "to"):
            start = j + 2
        elif role not in ("since", "from", "between", "before") and self.w(j) not in ("de", "del"):
            return None
        first = self.point(start)
        start += self.w(start) in _ARTICLES
        if self.day(start) is not None and self.k(start + 1) in ("to", "and"):
            # "del 14 al 17 de nov", "entre el 3 y el 10 de marzo": the first day takes the month after
            second = self.point(start + 2)
            if second is not None and second[0].month is not None and second[0].day is not None:
                p2 = second[0]
                p1 = _Point(p2.year, p2.month, self.day(start))
                window = _between(p1, p2)
                if window is not None and role != "before":
                    return window, second[1]
        if first is None:
            return None
        p1, after = first
        if role != "before" and self.k(after) in ("to", "and"):
            second = self.point(after + 1)
            if second is not None:
                window = _between(p1, second[0])
                if window is not None:
                    return window, second[1]
        if role == "since" or role == "from":
            window = _since(p1)
        elif role == "before":
            window = _before(p1)
        elif role == "between":
            window = None
        else:  # "del 2025": a year after "del"/"de"
            window = _inside(p1) if p1.month is None and self.w(j) == "del" else None
        return (window, after) if window is not None else None

    def inside(self, j: int, prep: bool) -> tuple[Window, int] | None:
        """``en mayo``, ``in March 2026``, ``durante 2025``, ``in summer 2025``, ``el 2026-03-01``."""
        season = self.season(j)
        if season is not None:
            year, end = self.opt_year(j + 1)
            if year is None and not prep:
                return None
            return Window(kind="season", season=season, year=year, which=None if year else "this"), end
        if self.unit(j) == "year" and self.year(j + 1) is not None:
            return Window(kind="year", year=self.year(j + 1)), j + 2
        found = self.point(j)
        if found is None:
            return None
        p, end = found
        if not prep and (p.year is None or p.month is None):
            return None
        window = _inside(p)
        return (window, end) if window is not None else None

    def today(self, j: int) -> tuple[Window, int] | None:
        role = self.k(j)
        if role == "today":
            return Window(kind="last", n=1, unit="day"), j + 1
        if role == "yesterday":
            return Window(kind="previous", n=1, unit="day"), j + 1
        if role == "anteayer":
            return Window(kind="previous", n=2, unit="day"), j + 1
        if self.w(j) == "day" and self.w(j + 1) == "before" and self.k(j + 2) == "yesterday":
            return Window(kind="previous", n=2, unit="day"), j + 3
        return None

    def core(self, j: int, prep: bool) -> tuple[Window, int] | None:
        for match in (self.today, self.relative, self.named_past, self.quarter, self.since_before_between):
            found = match(j)
            if found is not None:
                return found
        return self.inside(j, prep)

    def at(self, i: int) -> tuple[Window, int] | None:
        """The phrase starting at token ``i``, leading prepositions and articles included."""
        j, prep = i, False
        while j < len(self.tokens) and j - i <= 3:
            found = self.core(j, prep)
            if found is not None:
                return found
            if self.w(j) in _IN:
                prep = True
            elif self.w(j) not in _ARTICLES:
                return None
            j += 1
        return None


def _last_day(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]


def _since(p: _Point) -> Window | None:
    if p.month is None:
        return Window(kind="since", start=date(p.year or 1, 1, 1)) if p.year else None
    if p.day is None or p.day == 1:
        if p.year is not None and p.day == 1:
            return Window(kind="since", start=date(p.year, p.month, 1))
        return Window(kind="since_month", month=p.month, year=p.year)
    if p.year is None:  # "desde el lunes 2 de febrero": from that day of the latest such month
        return Window(kind="since_month", month=p.month, day=p.day) if _date(2000, p.month, p.day) else None
    return Window(kind="since", start=_date(p.year, p.month, p.day))


def _before(p: _Point) -> Window | None:
    if p.month is None:
        return Window(kind="before", start=date(p.year, 1, 1)) if p.year else None
    if p.year is None:
        return Window(kind="before", month=p.month) if p.day in (None, 1) else None
    start = _date(p.year, p.month, p.day or 1)
    return Window(kind="before", start=start) if start is not None else None


def _inside(p: _Point) -> Window | None:
    if p.month is None:
        return Window(kind="year", year=p.year)
    if p.day is None:
        return Window(kind="month", month=p.month, year=p.year)
    if p.year is None:  # "el 3 de marzo": that day of the latest such month
        return Window(kind="month", month=p.month, day=p.day) if _date(2000, p.month, p.day) else None
    day = _date(p.year, p.month, p.day)
    return Window(kind="day", start=day) if day is not None else None


def _date(year: int | None, month: int, day: int) -> date | None:
    try:
        return date(year or 1, month, day)
    except ValueError:
        return None


def _between(p1: _Point, p2: _Point) -> Window | None:
    """``entre enero y marzo``, ``between 2024 and 2025``, ``del 1 de enero al 31 de marzo``."""
    if p1.month is None and p2.month is None and p1.year and p2.year:
        return Window(kind="range", start=date(p1.year, 1, 1), end=date(p2.year + 1, 1, 1))
    if p1.month is None or p2.month is None:
        return None
    whole = p1.day in (None, 1) and p2.day in (None, _last_day(p2.month))
    if p1.year is None and (p2.year is None or (p1.day is None and p2.day is None)) and whole:
        year = None
        if p2.year is not None:
            year = p2.year if p1.month <= p2.month else p2.year - 1
        return Window(kind="month", month=p1.month, month_end=p2.month, year=year)
    y2 = p2.year if p2.year is not None else p1.year
    if y2 is None:
        # "del 25 de mayo al 2 de junio": those days of the latest such span (or of a year said apart)
        if _date(2000, p1.month, p1.day or 1) is None or _date(2000, p2.month, p2.day or 1) is None:
            return None
        return Window(
            kind="month",
            month=p1.month,
            month_end=p2.month if p2.month != p1.month else None,
            day=p1.day or 1,
            day_end=p2.day or _last_day(p2.month),
        )
    in_order = (p1.month, p1.day or 1) <= (p2.month, p2.day or 1)
    y1 = p1.year if p1.year is not None else (y2 if in_order else y2 - 1)
    start = _date(y1, p1.month, p1.day or 1)
    last = _date(y2, p2.month, p2.day or calendar.monthrange(y2, p2.month)[1])
    if start is None or last is None:
        return None
    return Window(kind="range", start=start, end=last + timedelta(days=1))


def find_windows(tokens: list[Token], lang: Literal["es", "en"]) -> list[WindowSpan]:
    """Every time phrase of a request, left to right, each with its Window (``text`` = the words).

    Args:
        tokens: the request's tokens (:func:`segmenta.assistant.text.tokenize`).
        lang: the request's language; it orders day and month in ``01/03/2026`` (es: 1 March).

    Returns:
        Non-overlapping spans; phrases that are not windows ("hace 180 días") are skipped.

    >>> from segmenta.assistant.text import tokenize
    >>> [(s.start_token, s.end_token, s.window.kind, s.window.n, s.window.unit)
    ...  for s in find_windows(tokenize("compraron en los últimos 10 meses"), "es")]
    [(1, 6, 'last', 10, 'month')]
    """
    reader = _Reader(tokens, lang)
    spans: list[WindowSpan] = []
    i = 0
    while i < len(tokens):
        found = reader.at(i)
        if found is None:
            i += 1
            continue
        window, end = found
        text = span_text(tokens[i:end])
        spans.append(WindowSpan(i, end, window.model_copy(update={"text": text})))
        i = end
    return _with_years(spans, tokens)


# what may stand between a month and its year said apart: "diciembre del año pasado", "Q4 last yr",
# "el año pasado, o sea del 14 al 17 de nov"
_YEAR_JOINERS = frozenset(
    {"de", "del", "of", ",", "o", "sea", "osea", "es", "decir", "ie", "i.e", "that", "is"}
)


def _year_part(w: Window) -> dict[str, int] | None:
    """The year a window names, as the fields a yearless month window takes: a year, or one
    relative to D (this year 0, last year -1)."""
    if w.kind == "year" and w.year is not None:
        return {"year": w.year}
    if w.unit == "year" and w.kind == "previous":
        return {"year_offset": -(w.n or 1)}
    if w.unit == "year" and w.kind == "this":
        return {"year_offset": 0}
    if w.kind == "last" and w.unit == "month" and w.n == 12:
        return {"year_offset": -1}  # "last year" read as the rolling year: next to a month, the calendar one
    return None


def _with_years(spans: list[WindowSpan], tokens: list[Token]) -> list[WindowSpan]:
    """A month, days, quarter or season with no year and a year said next to it are one window."""
    out: list[WindowSpan] = []
    k = 0
    while k < len(spans):
        a = spans[k]
        b = spans[k + 1] if k + 1 < len(spans) else None
        if b is not None and all(
            tokens[t].folded in _YEAR_JOINERS or tokens[t].text == ","
            for t in range(a.end_token, b.start_token)
        ):
            for part, other in ((a, b), (b, a)):
                yearless = part.window.kind in ("month", "quarter", "season", "since_month")
                year = _year_part(other.window)
                if yearless and part.window.year is None and part.window.year_offset is None and year:
                    text = span_text(tokens[a.start_token : b.end_token])
                    merged = part.window.model_copy(update={**year, "text": text, "which": None})
                    out.append(WindowSpan(a.start_token, b.end_token, merged))
                    k += 2
                    break
            else:
                out.append(a)
                k += 1
            continue
        out.append(a)
        k += 1
    return out
