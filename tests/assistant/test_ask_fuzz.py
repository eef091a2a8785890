"""A small fuzz of the function ``segmenta ask`` calls (the full run is ``bench/fuzz.py``): any
text, broken or hostile, gives an answer or one clear segmenta error, and any SQL it ran passes
the validator. Follow-ups (``--continue``) chain on whatever came before."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmenta.assistant.validator import validate
from segmenta.errors import SegmentaError
from segmenta.tools.ask import ask

AS_OF = date(2026, 6, 30)
PIECES = st.sampled_from(
    [
        "mujeres",
        "de",
        "más",
        "30",
        "Madrid",
        "compraron",
        "zapatillas",
        "nunca",
        "en",
        "2025",
        "men",
        "over",
        "bought",
        "Nike",
        "last",
        "6",
        "months",
        "y",
        "o",
        "no",
        "solo",
        "again",
        "quita",
        "la",
        "edad",
        "por",
        "categoría",
        "revenue",
        "by",
        "month",
        "vs",
        "last year",
        "'; DROP TABLE contacts; --",
        "UNION SELECT",
        "[link=http://x]y[/link]",
        "=HYPERLINK(1)",
        "\x1b[31m",
        "\x00",
        "\ud800",
        "\udfff",
        "€",
        "%_",
        "💥",
    ]
)
REQUEST = st.one_of(
    st.lists(PIECES, max_size=16).map(" ".join),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=120),
    st.lists(PIECES, min_size=1, max_size=4).map(lambda w: " ".join(w) * 40),  # past the cap too
)


@pytest.fixture(scope="module")
def db(sports_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("fuzz") / "shop.duckdb"
    shutil.copy(sports_db, copy)
    return copy


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chain=st.lists(st.tuples(REQUEST, st.booleans()), min_size=1, max_size=3))
def test_any_chain_of_requests_answers_or_says_why_in_one_line(
    db: Path,
    chain: list[tuple[str, bool]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))  # an "export them" writes here
    for text, follow_up in chain:
        try:
            answer = ask(db, text, AS_OF, continue_=follow_up)
        except SegmentaError as e:
            assert str(e) and "\n" not in str(e).strip()
            continue
        assert answer.kind in ("segment", "report", "export", "workflow", "clarification", "not_understood")
        if answer.sql:
            validate(answer.sql)
