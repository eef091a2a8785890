"""Time windows resolved to dates: the one place where "last 10 months" becomes two datetimes.

A :class:`~segmenta.assistant.plan.Window` keeps the words of the request (relative, so a saved
segment means the same on any day); this module turns it into a half-open range
``start <= t < end`` against the as-of date D, following DATA_MODEL's semantics and Settled
readings: ``END = D + 1 day`` at 00:00 and nothing after END ever counts, months are calendar
months (``add_months`` clamps to the month's last day), weeks start on Monday (ISO), a month or
season named without a year is the latest one that started on or before D, and "last summer" is
the latest summer that ended before D. A window wholly after D resolves to an empty range
(``start >= end``), which :func:`is_empty` detects and :func:`describe_window` says in words.

One reading beyond plan.py's list: a ``before`` window may name a ``month`` (and ``year``)
instead of ``start`` ("antes de marzo"): before the first day of that month, the latest March
that started on or before D when no year is given.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Literal

from segmenta.assistant.plan import TimeUnit, Window
from segmenta.errors import SegmentaError, say

Range = tuple[datetime | None, datetime | None]

SEASON_START_MONTH: dict[str, int] = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}


class WindowError(SegmentaError):
    """A Window whose fields do not fit its kind (a ``last`` window without a unit, a month 13)."""

    title = "Time window"


def add_months(d: date, months: int) -> date:
    """Shift a date by whole calendar months, clamping the day to the target month's length.

    Args:
        d: the date to shift.
        months: how many months (negative goes back).

    Returns:
        The same day of the target month, or its last day when the month is shorter.

    >>> add_months(date(2026, 7, 1), -10)
    datetime.date(2025, 9, 1)
    >>> add_months(date(2026, 3, 31), -1)
    datetime.date(2026, 2, 28)
    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(date(2025, 12, 15), 1)
    datetime.date(2026, 1, 15)
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def _at(d: date) -> datetime:
    return datetime.combine(d, time())


def _shift(d: date, unit: TimeUnit, n: int) -> date:
    """``d`` moved by ``n`` units (negative goes back)."""
    if unit == "day":
        return d + timedelta(days=n)
    if unit == "week":
        return d + timedelta(weeks=n)
    if unit == "month":
        return add_months(d, n)
    if unit == "quarter":
        return add_months(d, 3 * n)
    return add_months(d, 12 * n)


def unit_start(d: date, unit: TimeUnit) -> date:
    """The first day of the calendar ``unit`` holding ``d`` (weeks start on Monday).

    >>> unit_start(date(2026, 6, 28), "week")
    datetime.date(2026, 6, 22)
    >>> unit_start(date(2026, 8, 15), "quarter")
    datetime.date(2026, 7, 1)
    """
    if unit == "day":
        return d
    if unit == "week":
        return d - timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    if unit == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return date(d.year, 1, 1)


def _month(value: int | None, what: str) -> int:
    if value is None or not 1 <= value <= 12:
        raise WindowError(f"time window: {what} must be a month number 1-12, got {value!r}")
    return value


def _latest_year_of_month(month: int, as_of: date) -> int:
    """The year of the latest ``month`` that started on or before ``as_of``."""
    return as_of.year if month <= as_of.month else as_of.year - 1


def season_range(season: str, year: int) -> tuple[date, date]:
    """The dates ``[start, end)`` of a season; winter ``year`` runs from December of ``year - 1``.

    >>> season_range("summer", 2025)
    (datetime.date(2025, 6, 1), datetime.date(2025, 9, 1))
    >>> season_range("winter", 2026)
    (datetime.date(2025, 12, 1), datetime.date(2026, 3, 1))
    """
    if season not in SEASON_START_MONTH:
        raise WindowError(f"time window: unknown season {season!r}")
    month = SEASON_START_MONTH[season]
    start = date(year - 1 if season == "winter" else year, month, 1)
    return start, add_months(start, 3)


def _season_dates(w: Window, as_of: date) -> tuple[date, date]:
    if w.season is None:
        raise WindowError("time window: a season window needs a season")
    if _year_of(w, as_of) is not None:
        return season_range(w.season, _year_of(w, as_of) or 0)
    year = as_of.year + 1  # winter of next year starts in December of this one
    while True:
        start, end = season_range(w.season, year)
        fits = end <= as_of if w.which == "last" else start <= as_of
        if fits:
            return start, end
        year -= 1


def _quarter_dates(w: Window, as_of: date) -> tuple[date, date]:
    if w.n is None or not 1 <= w.n <= 4:
        raise WindowError(f"time window: a quarter must be 1-4, got {w.n!r}")
    year = _year_of(w, as_of)
    if year is None:
        year = as_of.year if 3 * (w.n - 1) + 1 <= as_of.month else as_of.year - 1
    start = date(year, 3 * (w.n - 1) + 1, 1)
    return start, add_months(start, 3)


def _year_of(w: Window, as_of: date) -> int | None:
    if w.year is not None:
        return w.year
    return as_of.year + w.year_offset if w.year_offset is not None else None


def _month_dates(w: Window, as_of: date) -> tuple[date, date]:
    month = _month(w.month, "month")
    last = _month(w.month_end, "month_end") if w.month_end is not None else month
    year = _year_of(w, as_of)
    if w.day is not None:
        # days of a month: "del 14 al 17 de nov", "del 25 de mayo al 2 de junio", "el 3 de marzo"
        day_end = w.day_end if w.day_end is not None else w.day
        if year is None:
            year = as_of.year if (month, w.day) <= (as_of.month, as_of.day) else as_of.year - 1
        start = date(year, month, w.day)
        end_year = year + (1 if last < month else 0)
        return start, date(end_year, last, day_end) + timedelta(days=1)
    if year is None:
        year = _latest_year_of_month(month, as_of)
    start = date(year, month, 1)
    span = (last - month) % 12 + 1
    return start, add_months(start, span)


def _bounds(w: Window, as_of: date) -> tuple[date | None, date | None]:
    """The uncut ``[start, end)`` of a window as dates (None = unbounded)."""
    end_all = as_of + timedelta(days=1)
    kind = w.kind
    n = 1 if w.n is None else w.n
    if kind in ("last", "this", "previous"):
        if w.unit is None:
            raise WindowError(f"time window: a {kind!r} window needs a unit")
        if n < 0:
            raise WindowError(f"time window: a {kind!r} window needs n >= 0, got {n}")
        if kind == "last":
            return _shift(end_all, w.unit, -n), end_all
        current = unit_start(as_of, w.unit)
        if kind == "this":
            return current, end_all
        start = _shift(current, w.unit, -n)
        return start, _shift(start, w.unit, 1)
    if kind == "before" and w.start is None and w.month is not None:
        month = _month(w.month, "month")
        year = w.year if w.year is not None else _latest_year_of_month(month, as_of)
        return None, date(year, month, 1)
    if kind in ("since", "before", "day"):
        if w.start is None:
            raise WindowError(f"time window: a {kind!r} window needs a start date")
        if kind == "since":
            return w.start, end_all
        if kind == "before":
            return None, w.start
        return w.start, w.start + timedelta(days=1)
    if kind == "range":
        return w.start, w.end if w.end is not None else end_all
    if kind == "month":
        return _month_dates(w, as_of)
    if kind == "since_month":
        month = _month(w.month, "month")
        day = w.day or 1
        said = _year_of(w, as_of)
        if said is None:
            said = as_of.year if (month, day) <= (as_of.month, as_of.day) else as_of.year - 1
        return date(said, month, day), end_all
    if kind == "season":
        return _season_dates(w, as_of)
    if kind == "quarter":
        return _quarter_dates(w, as_of)
    if w.year is None:
        raise WindowError("time window: a year window needs a year")
    return date(w.year, 1, 1), date(w.year + 1, 1, 1)


def resolve_window(w: Window, as_of: date) -> Range:
    """Resolve a window against the as-of date D to ``(start, end)`` naive datetimes at 00:00.

    Args:
        w: the window, in the words of the request.
        as_of: the as-of date D.

    Returns:
        ``start`` inclusive (None = no lower bound) and ``end`` exclusive, never after
        ``END = D + 1 day``. A window wholly after D comes back empty (``start >= end``).

    Raises:
        WindowError: the window's fields do not fit its kind.

    >>> resolve_window(Window(kind="last", n=10, unit="month"), date(2026, 6, 30))
    (datetime.datetime(2025, 9, 1, 0, 0), datetime.datetime(2026, 7, 1, 0, 0))
    >>> resolve_window(Window(kind="since_month", month=3), date(2026, 2, 10))[0]
    datetime.datetime(2025, 3, 1, 0, 0)
    """
    try:
        start, end = _bounds(w, as_of)
    except (ValueError, OverflowError) as e:
        raise WindowError(
            say(
                f"time window {w.text or w.kind!r}: a date out of range ({e})",
                f"periodo {w.text or w.kind!r}: una fecha fuera de rango ({e})",
            )
        ) from e
    end_all = as_of + timedelta(days=1)
    cut = end_all if end is None or end > end_all else end
    return (None if start is None else _at(start)), _at(cut)


def calendar_window(w: Window, as_of: date) -> Window:
    """A "this week / month / quarter / year" window as the whole calendar period, for what falls on
    calendar days rather than happens up to D (birthdays: "cumplen años este mes" is the whole month).
    Any other window comes back as it is.

    >>> calendar_window(Window(kind="this", unit="month"), date(2026, 3, 10)).end
    datetime.date(2026, 4, 1)
    """
    if w.kind != "this" or w.unit not in ("week", "month", "quarter", "year"):
        return w
    start, _ = resolve_window(w, as_of)
    if start is None:
        return w
    first = start.date()
    if w.unit == "week":
        end = first + timedelta(days=7)
    elif w.unit == "year":
        end = date(first.year + 1, 1, 1)
    else:
        months = 3 if w.unit == "quarter" else 1
        m = first.month - 1 + months
        end = date(first.year + m // 12, m % 12 + 1, 1)
    return Window(kind="range", start=first, end=end, text=w.text)


def is_empty(start: datetime | None, end: datetime | None) -> bool:
    """True when a resolved range holds no instant (it lies wholly after D, or is reversed).

    >>> is_empty(datetime(2027, 1, 1), datetime(2026, 7, 1))
    True
    >>> is_empty(None, datetime(2026, 7, 1))
    False
    """
    return start is not None and end is not None and start >= end


def describe_window(w: Window, as_of: date, lang: Literal["es", "en"], country: str = "") -> str:
    """The exact dates of a window in words, the last day shown inclusive, as the language writes
    dates in the shop's country (Babel).

    Args:
        w: the window.
        as_of: the as-of date D.
        lang: ``es`` or ``en``.
        country: the shop's country (``ES``, ``MX``, ``GB``), for the locale's dates.

    Returns:
        ``from Sep 1, 2025 to Jun 30, 2026`` / ``del 1 sept 2025 al 30 jun 2026``, ``up to ...`` /
        ``hasta el ...`` when unbounded below, ``before ...`` / ``antes del ...`` for a
        ``before`` window, or a sentence saying the window is empty.

    >>> describe_window(Window(kind="last", n=10, unit="month"), date(2026, 6, 30), "en")
    'from Sep 1, 2025 to Jun 30, 2026'
    >>> describe_window(Window(kind="before", start=date(2025, 1, 1)), date(2026, 6, 30), "es")
    'antes del 1 ene 2025'
    >>> describe_window(Window(kind="year", year=2027), date(2026, 6, 30), "en", "GB")
    'no dates: the window starts on 1 Jan 2027, after the as-of date 30 Jun 2026'
    """
    from segmenta.locale_text import day_text

    def day(d: date) -> str:
        return day_text(d, lang, country)

    start, end = resolve_window(w, as_of)
    assert end is not None
    if is_empty(start, end):
        assert start is not None
        first, ref = day(start.date()), day(as_of)
        if lang == "es":
            return f"ningún día: la ventana empieza el {first}, después de la fecha de referencia {ref}"
        return f"no dates: the window starts on {first}, after the as-of date {ref}"
    if start is None:
        if w.kind == "before" and not (w.start is not None and _at(w.start) > end):
            bound = day(end.date())
            return f"antes del {bound}" if lang == "es" else f"before {bound}"
        last = day((end - timedelta(days=1)).date())
        return f"hasta el {last}" if lang == "es" else f"up to {last}"
    first = day(start.date())
    last = day((end - timedelta(days=1)).date())
    return f"del {first} al {last}" if lang == "es" else f"from {first} to {last}"
