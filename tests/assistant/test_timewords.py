"""Time phrases in Spanish and English: the span, the Window and its dates on two as-of dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta.assistant.plan import Window
from segmenta.assistant.text import tokenize
from segmenta.assistant.timewords import canonical, find_windows
from segmenta.assistant.windows import describe_window
from tests.assistant.dates import dated

JUNE_30 = date(2026, 6, 30)
FEB_10 = date(2026, 2, 10)
AFTER_FEB = "no dates: the window starts on 2026-03-01, after the as-of date 2026-02-10"


def W(kind: str, **fields: Any) -> Window:
    return Window(kind=kind, **fields)  # type: ignore[arg-type]


# phrase, lang, window, dates at 2026-06-30, dates at 2026-02-10 (as describe_window says them in
# English, the days written ISO here: ``dated`` turns them into the locale's)
PHRASES: list[tuple[str, str, Window, str, str]] = [
    (
        "en los últimos 10 meses",
        "es",
        W("last", n=10, unit="month"),
        "from 2025-09-01 to 2026-06-30",
        "from 2025-04-11 to 2026-02-10",
    ),
    (
        "los últimos 30 días",
        "es",
        W("last", n=30, unit="day"),
        "from 2026-06-01 to 2026-06-30",
        "from 2026-01-12 to 2026-02-10",
    ),
    (
        "the past 12 months",
        "en",
        W("last", n=12, unit="month"),
        "from 2025-07-01 to 2026-06-30",
        "from 2025-02-11 to 2026-02-10",
    ),
    (
        "in the last 3 months",
        "en",
        W("last", n=3, unit="month"),
        "from 2026-04-01 to 2026-06-30",
        "from 2025-11-11 to 2026-02-10",
    ),
    (
        "last 90 days",
        "en",
        W("last", n=90, unit="day"),
        "from 2026-04-02 to 2026-06-30",
        "from 2025-11-13 to 2026-02-10",
    ),
    (
        "las últimas 2 semanas",
        "es",
        W("last", n=2, unit="week"),
        "from 2026-06-17 to 2026-06-30",
        "from 2026-01-28 to 2026-02-10",
    ),
    (
        "las 2 últimas semanas",
        "es",
        W("last", n=2, unit="week"),
        "from 2026-06-17 to 2026-06-30",
        "from 2026-01-28 to 2026-02-10",
    ),
    (
        "durante los últimos seis meses",
        "es",
        W("last", n=6, unit="month"),
        "from 2026-01-01 to 2026-06-30",
        "from 2025-08-11 to 2026-02-10",
    ),
    (
        "en el último año",
        "es",
        W("last", n=12, unit="month"),
        "from 2025-07-01 to 2026-06-30",
        "from 2025-02-11 to 2026-02-10",
    ),
    (
        "in the last year",
        "en",
        W("last", n=12, unit="month"),
        "from 2025-07-01 to 2026-06-30",
        "from 2025-02-11 to 2026-02-10",
    ),
    (
        "en el último mes",
        "es",
        W("last", n=1, unit="month"),
        "from 2026-06-01 to 2026-06-30",
        "from 2026-01-11 to 2026-02-10",
    ),
    (
        "desde marzo",
        "es",
        W("since_month", month=3),
        "from 2026-03-01 to 2026-06-30",
        "from 2025-03-01 to 2026-02-10",
    ),
    (
        "since March",
        "en",
        W("since_month", month=3),
        "from 2026-03-01 to 2026-06-30",
        "from 2025-03-01 to 2026-02-10",
    ),
    (
        "desde el 1 de marzo",
        "es",
        W("since_month", month=3),
        "from 2026-03-01 to 2026-06-30",
        "from 2025-03-01 to 2026-02-10",
    ),
    (
        "since 2026-03-01",
        "en",
        W("since", start=date(2026, 3, 1)),
        "from 2026-03-01 to 2026-06-30",
        AFTER_FEB,
    ),
    (
        "since 1 March 2026",
        "en",
        W("since", start=date(2026, 3, 1)),
        "from 2026-03-01 to 2026-06-30",
        AFTER_FEB,
    ),
    (
        "desde marzo de 2025",
        "es",
        W("since_month", month=3, year=2025),
        "from 2025-03-01 to 2026-06-30",
        "from 2025-03-01 to 2026-02-10",
    ),
    (
        "a partir de abril",
        "es",
        W("since_month", month=4),
        "from 2026-04-01 to 2026-06-30",
        "from 2025-04-01 to 2026-02-10",
    ),
    ("before 2025", "en", W("before", start=date(2025, 1, 1)), "before 2025-01-01", "before 2025-01-01"),
    ("antes de marzo", "es", W("before", month=3), "before 2026-03-01", "before 2025-03-01"),
    ("in 2025", "en", W("year", year=2025), "from 2025-01-01 to 2025-12-31", "from 2025-01-01 to 2025-12-31"),
    ("en 2025", "es", W("year", year=2025), "from 2025-01-01 to 2025-12-31", "from 2025-01-01 to 2025-12-31"),
    (
        "durante 2025",
        "es",
        W("year", year=2025),
        "from 2025-01-01 to 2025-12-31",
        "from 2025-01-01 to 2025-12-31",
    ),
    (
        "del 2025",
        "es",
        W("year", year=2025),
        "from 2025-01-01 to 2025-12-31",
        "from 2025-01-01 to 2025-12-31",
    ),
    ("in May", "en", W("month", month=5), "from 2026-05-01 to 2026-05-31", "from 2025-05-01 to 2025-05-31"),
    ("en mayo", "es", W("month", month=5), "from 2026-05-01 to 2026-05-31", "from 2025-05-01 to 2025-05-31"),
    ("in March 2026", "en", W("month", month=3, year=2026), "from 2026-03-01 to 2026-03-31", AFTER_FEB),
    ("en marzo de 2026", "es", W("month", month=3, year=2026), "from 2026-03-01 to 2026-03-31", AFTER_FEB),
    ("en marzo del 2026", "es", W("month", month=3, year=2026), "from 2026-03-01 to 2026-03-31", AFTER_FEB),
    (
        "between January and March",
        "en",
        W("month", month=1, month_end=3),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "entre enero y marzo",
        "es",
        W("month", month=1, month_end=3),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "entre enero y marzo de 2026",
        "es",
        W("month", month=1, month_end=3, year=2026),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "between 2026-01-01 and 2026-03-31",
        "en",
        W("range", start=date(2026, 1, 1), end=date(2026, 4, 1)),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "del 1 de enero al 31 de marzo",
        "es",
        W("month", month=1, month_end=3),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "del 1 de enero al 15 de marzo de 2026",
        "es",
        W("range", start=date(2026, 1, 1), end=date(2026, 3, 16)),
        "from 2026-01-01 to 2026-03-15",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "between 2024 and 2025",
        "en",
        W("range", start=date(2024, 1, 1), end=date(2026, 1, 1)),
        "from 2024-01-01 to 2025-12-31",
        "from 2024-01-01 to 2025-12-31",
    ),
    (
        "this month",
        "en",
        W("this", unit="month"),
        "from 2026-06-01 to 2026-06-30",
        "from 2026-02-01 to 2026-02-10",
    ),
    (
        "this week",
        "en",
        W("this", unit="week"),
        "from 2026-06-29 to 2026-06-30",
        "from 2026-02-09 to 2026-02-10",
    ),
    (
        "this year",
        "en",
        W("this", unit="year"),
        "from 2026-01-01 to 2026-06-30",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "this quarter",
        "en",
        W("this", unit="quarter"),
        "from 2026-04-01 to 2026-06-30",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "este mes",
        "es",
        W("this", unit="month"),
        "from 2026-06-01 to 2026-06-30",
        "from 2026-02-01 to 2026-02-10",
    ),
    (
        "este año",
        "es",
        W("this", unit="year"),
        "from 2026-01-01 to 2026-06-30",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "este trimestre",
        "es",
        W("this", unit="quarter"),
        "from 2026-04-01 to 2026-06-30",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "esta semana",
        "es",
        W("this", unit="week"),
        "from 2026-06-29 to 2026-06-30",
        "from 2026-02-09 to 2026-02-10",
    ),
    (
        "last month",
        "en",
        W("previous", n=1, unit="month"),
        "from 2026-05-01 to 2026-05-31",
        "from 2026-01-01 to 2026-01-31",
    ),
    (
        "last week",
        "en",
        W("previous", n=1, unit="week"),
        "from 2026-06-22 to 2026-06-28",
        "from 2026-02-02 to 2026-02-08",
    ),
    (
        "last year",
        "en",
        W("previous", n=1, unit="year"),
        "from 2025-01-01 to 2025-12-31",
        "from 2025-01-01 to 2025-12-31",
    ),
    (
        "last quarter",
        "en",
        W("previous", n=1, unit="quarter"),
        "from 2026-01-01 to 2026-03-31",
        "from 2025-10-01 to 2025-12-31",
    ),
    (
        "el mes pasado",
        "es",
        W("previous", n=1, unit="month"),
        "from 2026-05-01 to 2026-05-31",
        "from 2026-01-01 to 2026-01-31",
    ),
    (
        "la semana pasada",
        "es",
        W("previous", n=1, unit="week"),
        "from 2026-06-22 to 2026-06-28",
        "from 2026-02-02 to 2026-02-08",
    ),
    (
        "el año pasado",
        "es",
        W("previous", n=1, unit="year"),
        "from 2025-01-01 to 2025-12-31",
        "from 2025-01-01 to 2025-12-31",
    ),
    (
        "el trimestre pasado",
        "es",
        W("previous", n=1, unit="quarter"),
        "from 2026-01-01 to 2026-03-31",
        "from 2025-10-01 to 2025-12-31",
    ),
    (
        "el último trimestre",
        "es",
        W("previous", n=1, unit="quarter"),
        "from 2026-01-01 to 2026-03-31",
        "from 2025-10-01 to 2025-12-31",
    ),
    (
        "last summer",
        "en",
        W("season", season="summer", which="last"),
        "from 2025-06-01 to 2025-08-31",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "el verano pasado",
        "es",
        W("season", season="summer", which="last"),
        "from 2025-06-01 to 2025-08-31",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "this summer",
        "en",
        W("season", season="summer", which="this"),
        "from 2026-06-01 to 2026-06-30",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "este verano",
        "es",
        W("season", season="summer", which="this"),
        "from 2026-06-01 to 2026-06-30",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "in summer 2025",
        "en",
        W("season", season="summer", year=2025),
        "from 2025-06-01 to 2025-08-31",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "en verano",
        "es",
        W("season", season="summer", which="this"),
        "from 2026-06-01 to 2026-06-30",
        "from 2025-06-01 to 2025-08-31",
    ),
    (
        "este invierno",
        "es",
        W("season", season="winter", which="this"),
        "from 2025-12-01 to 2026-02-28",
        "from 2025-12-01 to 2026-02-10",
    ),
    (
        "Q1 2026",
        "en",
        W("quarter", n=1, year=2026),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "first quarter of 2026",
        "en",
        W("quarter", n=1, year=2026),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "el primer trimestre de 2026",
        "es",
        W("quarter", n=1, year=2026),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    (
        "1T 2026",
        "es",
        W("quarter", n=1, year=2026),
        "from 2026-01-01 to 2026-03-31",
        "from 2026-01-01 to 2026-02-10",
    ),
    ("en el Q2", "es", W("quarter", n=2), "from 2026-04-01 to 2026-06-30", "from 2025-04-01 to 2025-06-30"),
    (
        "today",
        "en",
        W("last", n=1, unit="day"),
        "from 2026-06-30 to 2026-06-30",
        "from 2026-02-10 to 2026-02-10",
    ),
    (
        "hoy",
        "es",
        W("last", n=1, unit="day"),
        "from 2026-06-30 to 2026-06-30",
        "from 2026-02-10 to 2026-02-10",
    ),
    (
        "yesterday",
        "en",
        W("previous", n=1, unit="day"),
        "from 2026-06-29 to 2026-06-29",
        "from 2026-02-09 to 2026-02-09",
    ),
    (
        "ayer",
        "es",
        W("previous", n=1, unit="day"),
        "from 2026-06-29 to 2026-06-29",
        "from 2026-02-09 to 2026-02-09",
    ),
    ("el 2026-03-01", "es", W("day", start=date(2026, 3, 1)), "from 2026-03-01 to 2026-03-01", AFTER_FEB),
    # typos on key words and month names
    (
        "en los ultimos 3 meses",
        "es",
        W("last", n=3, unit="month"),
        "from 2026-04-01 to 2026-06-30",
        "from 2025-11-11 to 2026-02-10",
    ),
    (
        "en los últimso 3 meses",
        "es",
        W("last", n=3, unit="month"),
        "from 2026-04-01 to 2026-06-30",
        "from 2025-11-11 to 2026-02-10",
    ),
    (
        "en febreo",
        "es",
        W("month", month=2),
        "from 2026-02-01 to 2026-02-28",
        "from 2026-02-01 to 2026-02-10",
    ),
    (
        "en setiembre",
        "es",
        W("month", month=9),
        "from 2025-09-01 to 2025-09-30",
        "from 2025-09-01 to 2025-09-30",
    ),
]


@pytest.mark.parametrize(("phrase", "lang", "window", "at_june", "at_feb"), PHRASES)
def test_each_time_phrase_is_one_span_with_its_window_and_dates(
    phrase: str, lang: str, window: Window, at_june: str, at_feb: str
) -> None:
    tokens = tokenize(phrase)
    spans = find_windows(tokens, lang)  # type: ignore[arg-type]
    assert len(spans) == 1
    span = spans[0]
    assert (span.start_token, span.end_token) == (0, len(tokens))
    assert span.window == window.model_copy(update={"text": phrase})
    assert describe_window(span.window, JUNE_30, "en") == dated(at_june, "en")
    assert describe_window(span.window, FEB_10, "en") == dated(at_feb, "en")


@pytest.mark.parametrize(
    ("request_text", "lang", "span_text"),
    [
        ("mujeres que compraron zapatillas en los últimos 10 meses", "es", "en los últimos 10 meses"),
        ("men over 40 who bought boots in the last 6 months", "en", "in the last 6 months"),
        ("clientes de Madrid desde marzo con más de 300 €", "es", "desde marzo"),
        ("bought in March 2026 and paid by card", "en", "in March 2026"),
    ],
)
def test_a_window_inside_a_request_spans_only_its_own_words(
    request_text: str, lang: str, span_text: str
) -> None:
    tokens = tokenize(request_text)
    (span,) = find_windows(tokens, lang)  # type: ignore[arg-type]
    assert span.window.text == span_text
    assert request_text[tokens[span.start_token].start : tokens[span.end_token - 1].end] == span_text


def test_two_windows_in_one_request_come_back_in_order() -> None:
    spans = find_windows(tokenize("compraron el año pasado y no en los últimos 3 meses"), "es")
    assert [s.window.text for s in spans] == ["el año pasado", "en los últimos 3 meses"]


@pytest.mark.parametrize(
    ("request_text", "lang"),
    [
        ("hace más de 180 días", "es"),
        ("última compra hace 3 meses", "es"),
        ("desde hace 3 meses", "es"),
        ("last purchase over 90 days ago", "en"),
        ("women in their 40s", "en"),
        ("clientes de mayor valor", "es"),
        ("gastaron más de 2000 euros", "es"),
        ("más de 2000 pedidos", "es"),
        ("entre 25 y 34 años", "es"),
        ("between 2000 and 3000 €", "en"),
        ("compraron en el mar", "es"),
        ("bought the Summer collection", "en"),
        ("customers who may churn", "en"),
        ("the last 3 purchases", "en"),
    ],
)
def test_words_that_are_not_time_windows_are_left_alone(request_text: str, lang: str) -> None:
    assert find_windows(tokenize(request_text), lang) == []  # type: ignore[arg-type]


def test_day_month_order_of_slashed_dates_follows_the_language() -> None:
    (es,) = find_windows(tokenize("desde 01/03/2026"), "es")
    (en,) = find_windows(tokenize("since 01/03/2026"), "en")
    assert es.window.start == date(2026, 3, 1)
    assert en.window.start == date(2026, 1, 3)


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("febreo", "month:2"),
        ("setiembre", "month:9"),
        ("ultimso", "ultimo"),
        ("semanas", "unit:week"),
        ("mayor", None),
        ("junior", None),
        ("mes", "unit:month"),
        ("abc", None),
    ],
)
def test_typos_of_five_letters_or_more_are_forgiven(word: str, role: str | None) -> None:
    assert canonical(word) == role


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_find_windows_never_raises_on_any_text(raw: str) -> None:
    tokens = tokenize(raw)
    for span in find_windows(tokens, "es") + find_windows(tokens, "en"):
        assert 0 <= span.start_token < span.end_token <= len(tokens)


WORDS = st.sampled_from(
    [
        "en",
        "los",
        "últimos",
        "last",
        "the",
        "desde",
        "since",
        "marzo",
        "March",
        "2025",
        "10",
        "meses",
        "días",
        "entre",
        "y",
        "and",
        "de",
        "del",
        "al",
        "antes",
        "before",
        "Q1",
        "verano",
        "pasado",
        "este",
        "1",
        "31",
        "2026-03-01",
        "trimestre",
        "primer",
        "a",
        "partir",
        "hoy",
        "ayer",
        "hace",
        "mayo",
        "week",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=12))
def test_any_sequence_of_time_words_yields_windows_that_resolve(words: list[str]) -> None:
    tokens = tokenize(" ".join(words))
    for span in find_windows(tokens, "es"):
        describe_window(span.window, JUNE_30, "es")
        describe_window(span.window, FEB_10, "en")
