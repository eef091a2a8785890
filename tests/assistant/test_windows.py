"""Window resolution: every kind, the Settled readings, month ends, leap years, week edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segmenta.assistant.plan import Window
from segmenta.assistant.windows import (
    WindowError,
    add_months,
    describe_window,
    is_empty,
    resolve_window,
)

JUNE_30 = date(2026, 6, 30)  # a Tuesday
FEB_10 = date(2026, 2, 10)


def d(s: str) -> datetime:
    return datetime.fromisoformat(s)


CASES: list[tuple[Window, date, str | None, str]] = [
    (Window(kind="last", n=10, unit="month"), JUNE_30, "2025-09-01", "2026-07-01"),
    (Window(kind="last", n=7, unit="day"), JUNE_30, "2026-06-24", "2026-07-01"),
    (Window(kind="last", n=2, unit="week"), JUNE_30, "2026-06-17", "2026-07-01"),
    (Window(kind="last", n=12, unit="month"), JUNE_30, "2025-07-01", "2026-07-01"),
    (Window(kind="last", n=1, unit="year"), JUNE_30, "2025-07-01", "2026-07-01"),
    (Window(kind="last", n=2, unit="quarter"), JUNE_30, "2026-01-01", "2026-07-01"),
    (Window(kind="last", n=1, unit="month"), date(2026, 3, 31), "2026-03-01", "2026-04-01"),
    (Window(kind="last", n=1, unit="month"), date(2026, 3, 30), "2026-02-28", "2026-03-31"),
    (Window(kind="last", n=1, unit="month"), date(2024, 3, 30), "2024-02-29", "2024-03-31"),
    (Window(kind="last", n=1, unit="day"), JUNE_30, "2026-06-30", "2026-07-01"),
    (Window(kind="this", unit="week"), JUNE_30, "2026-06-29", "2026-07-01"),
    (Window(kind="this", unit="week"), date(2026, 6, 28), "2026-06-22", "2026-06-29"),
    (Window(kind="this", unit="week"), date(2026, 6, 29), "2026-06-29", "2026-06-30"),
    (Window(kind="this", unit="month"), JUNE_30, "2026-06-01", "2026-07-01"),
    (Window(kind="this", unit="quarter"), JUNE_30, "2026-04-01", "2026-07-01"),
    (Window(kind="this", unit="year"), JUNE_30, "2026-01-01", "2026-07-01"),
    (Window(kind="previous", n=1, unit="week"), date(2026, 6, 28), "2026-06-15", "2026-06-22"),
    (Window(kind="previous", n=1, unit="week"), date(2026, 6, 29), "2026-06-22", "2026-06-29"),
    (Window(kind="previous", n=1, unit="month"), JUNE_30, "2026-05-01", "2026-06-01"),
    (Window(kind="previous", n=1, unit="month"), date(2026, 1, 15), "2025-12-01", "2026-01-01"),
    (Window(kind="previous", n=2, unit="month"), JUNE_30, "2026-04-01", "2026-05-01"),
    (Window(kind="previous", n=1, unit="quarter"), FEB_10, "2025-10-01", "2026-01-01"),
    (Window(kind="previous", n=1, unit="year"), JUNE_30, "2025-01-01", "2026-01-01"),
    (Window(kind="previous", n=1, unit="day"), date(2024, 3, 1), "2024-02-29", "2024-03-01"),
    (Window(kind="since", start=date(2026, 3, 1)), JUNE_30, "2026-03-01", "2026-07-01"),
    (Window(kind="before", start=date(2025, 1, 1)), JUNE_30, None, "2025-01-01"),
    (Window(kind="before", start=date(2027, 1, 1)), JUNE_30, None, "2026-07-01"),
    (Window(kind="before", month=3), JUNE_30, None, "2026-03-01"),
    (Window(kind="before", month=3), FEB_10, None, "2025-03-01"),
    (Window(kind="range", start=date(2026, 1, 1), end=date(2026, 4, 1)), JUNE_30, "2026-01-01", "2026-04-01"),
    (Window(kind="range", start=date(2026, 6, 1), end=date(2026, 9, 1)), JUNE_30, "2026-06-01", "2026-07-01"),
    (Window(kind="month", month=5), JUNE_30, "2026-05-01", "2026-06-01"),
    (Window(kind="month", month=6), JUNE_30, "2026-06-01", "2026-07-01"),
    (Window(kind="month", month=7), JUNE_30, "2025-07-01", "2025-08-01"),
    (Window(kind="month", month=2, year=2024), JUNE_30, "2024-02-01", "2024-03-01"),
    (Window(kind="month", month=1, month_end=3), JUNE_30, "2026-01-01", "2026-04-01"),
    (Window(kind="month", month=11, month_end=2), JUNE_30, "2025-11-01", "2026-03-01"),
    (Window(kind="month", month=1, month_end=3, year=2026), FEB_10, "2026-01-01", "2026-02-11"),
    (Window(kind="since_month", month=3), FEB_10, "2025-03-01", "2026-02-11"),
    (Window(kind="since_month", month=3), JUNE_30, "2026-03-01", "2026-07-01"),
    (Window(kind="since_month", month=2), FEB_10, "2026-02-01", "2026-02-11"),
    (Window(kind="since_month", month=3, year=2025), JUNE_30, "2025-03-01", "2026-07-01"),
    (Window(kind="season", season="summer", which="last"), JUNE_30, "2025-06-01", "2025-09-01"),
    (Window(kind="season", season="summer", which="last"), date(2026, 9, 1), "2026-06-01", "2026-09-01"),
    (Window(kind="season", season="summer", which="last"), date(2026, 8, 31), "2025-06-01", "2025-09-01"),
    (Window(kind="season", season="summer", which="this"), JUNE_30, "2026-06-01", "2026-07-01"),
    (Window(kind="season", season="summer"), FEB_10, "2025-06-01", "2025-09-01"),
    (Window(kind="season", season="winter", which="this"), FEB_10, "2025-12-01", "2026-02-11"),
    (Window(kind="season", season="winter", which="this"), date(2026, 12, 5), "2026-12-01", "2026-12-06"),
    (Window(kind="season", season="winter", which="last"), JUNE_30, "2025-12-01", "2026-03-01"),
    (Window(kind="season", season="winter", year=2024), JUNE_30, "2023-12-01", "2024-03-01"),
    (Window(kind="season", season="spring", year=2025), JUNE_30, "2025-03-01", "2025-06-01"),
    (Window(kind="season", season="autumn", which="this"), JUNE_30, "2025-09-01", "2025-12-01"),
    (Window(kind="quarter", n=1, year=2026), JUNE_30, "2026-01-01", "2026-04-01"),
    (Window(kind="quarter", n=3), JUNE_30, "2025-07-01", "2025-10-01"),
    (Window(kind="quarter", n=2), JUNE_30, "2026-04-01", "2026-07-01"),
    (Window(kind="year", year=2025), JUNE_30, "2025-01-01", "2026-01-01"),
    (Window(kind="year", year=2026), JUNE_30, "2026-01-01", "2026-07-01"),
    (Window(kind="day", start=date(2024, 2, 29)), JUNE_30, "2024-02-29", "2024-03-01"),
]


@pytest.mark.parametrize(("window", "as_of", "start", "end"), CASES)
def test_each_window_resolves_to_the_documented_dates(
    window: Window, as_of: date, start: str | None, end: str
) -> None:
    assert resolve_window(window, as_of) == (None if start is None else d(start), d(end))


def test_a_window_wholly_after_the_as_of_date_is_empty_and_says_so() -> None:
    window = Window(kind="year", year=2027)
    start, end = resolve_window(window, JUNE_30)
    assert is_empty(start, end)
    assert end == d("2026-07-01")
    assert "after the as-of date Jun 30, 2026" in describe_window(window, JUNE_30, "en")
    assert "después de la fecha de referencia 30 jun 2026" in describe_window(window, JUNE_30, "es")


DESCRIPTIONS: list[tuple[Window, str, str]] = [
    (
        Window(kind="last", n=10, unit="month"),
        "from Sep 1, 2025 to Jun 30, 2026",
        "del 1 sept 2025 al 30 jun 2026",
    ),
    (Window(kind="before", start=date(2025, 1, 1)), "before Jan 1, 2025", "antes del 1 ene 2025"),
    (Window(kind="before", start=date(2027, 1, 1)), "up to Jun 30, 2026", "hasta el 30 jun 2026"),
    (
        Window(kind="previous", n=1, unit="day"),
        "from Jun 29, 2026 to Jun 29, 2026",
        "del 29 jun 2026 al 29 jun 2026",
    ),
]


@pytest.mark.parametrize(("window", "en", "es"), DESCRIPTIONS)
def test_descriptions_show_the_last_day_inclusive(window: Window, en: str, es: str) -> None:
    assert describe_window(window, JUNE_30, "en") == en
    assert describe_window(window, JUNE_30, "es") == es


@pytest.mark.parametrize(
    "window",
    [
        Window(kind="last", n=3),
        Window(kind="since"),
        Window(kind="month", month=13),
        Window(kind="quarter", n=5),
        Window(kind="year"),
        Window(kind="season"),
        Window(kind="last", n=-1, unit="day"),
    ],
)
def test_a_window_missing_its_fields_raises_a_window_error(window: Window) -> None:
    with pytest.raises(WindowError, match="time window"):
        resolve_window(window, JUNE_30)


def test_add_months_clamps_to_the_last_day_and_crosses_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


UNITS = st.sampled_from(["day", "week", "month", "quarter", "year"])
SEASONS = st.sampled_from(["spring", "summer", "autumn", "winter"])
DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
YEARS = st.integers(min_value=1950, max_value=2100)
MONTHS = st.integers(min_value=1, max_value=12)
SANE_WINDOWS = st.one_of(
    st.builds(Window, kind=st.sampled_from(["last", "this", "previous"]), n=st.integers(0, 400), unit=UNITS),
    st.builds(Window, kind=st.sampled_from(["since", "before", "day"]), start=DATES),
    st.builds(Window, kind=st.just("range"), start=DATES, end=DATES),
    st.builds(
        Window, kind=st.just("month"), month=MONTHS, month_end=st.none() | MONTHS, year=st.none() | YEARS
    ),
    st.builds(Window, kind=st.sampled_from(["since_month", "before"]), month=MONTHS, year=st.none() | YEARS),
    st.builds(
        Window,
        kind=st.just("season"),
        season=SEASONS,
        year=st.none() | YEARS,
        which=st.sampled_from([None, "this", "last"]),
    ),
    st.builds(Window, kind=st.just("quarter"), n=st.integers(1, 4), year=st.none() | YEARS),
    st.builds(Window, kind=st.just("year"), year=YEARS),
)


@given(SANE_WINDOWS, st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_no_sane_window_ends_after_the_end_of_the_as_of_date_or_raises(window: Window, as_of: date) -> None:
    start, end = resolve_window(window, as_of)
    end_all = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    assert end is not None and end <= end_all
    assert describe_window(window, as_of, "es")
    if start is not None and not is_empty(start, end):
        assert start < end
