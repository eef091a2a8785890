"""The engine end to end on the sample shop: validated SQL, counts, funnel, explanation, and
robustness (any text gives an answer, a clarification or not_understood, never an exception)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmenta.assistant.conversation import Conversation
from segmenta.assistant.engine import Engine
from segmenta.assistant.validator import validate
from tests.assistant.dates import dated

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def engine(sports_db: Path) -> Iterator[Engine]:
    e = Engine(sports_db)
    yield e
    e.close()


def test_a_segment_answer_runs_its_own_sql_on_the_file_opened_read_only(
    engine: Engine, sports_db: Path
) -> None:
    a = engine.ask("mujeres +30 de Madrid", AS_OF)
    assert a.kind == "segment" and a.sql is not None and a.count is not None
    validate(a.sql)
    con = duckdb.connect(str(sports_db), read_only=True)
    try:
        ids = con.execute(a.sql).fetchall()
    finally:
        con.close()
    assert len(ids) == a.count > 0


def test_the_funnel_narrows_step_by_step_and_ends_at_the_count(engine: Engine) -> None:
    a = engine.ask("hombres de más de 30 que compraron botas de fútbol con RFM 4+", AS_OF)
    counts = [s.count for s in a.funnel]
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] == a.count
    assert len(a.funnel) == 1 + len(a.explanation)


def test_the_explanation_restates_the_comparison_and_the_window_in_the_requests_language(
    engine: Engine,
) -> None:
    a = engine.ask("compraron botas de fútbol en los últimos 10 meses", AS_OF)
    text = " ".join(a.explanation)
    assert "del 1 sept 2025 al 30 jun 2026" in text  # the days as Spanish in Spain writes them
    b = engine.ask("men over 40", AS_OF)
    assert any("> 40" in line for line in b.explanation)
    assert b.language == "en"


def test_rfm_5_says_which_reading_it_used(engine: Engine) -> None:
    a = engine.ask("RFM 5 customers", AS_OF)
    assert any("5-5-5" in x for x in a.assumptions)


def test_a_how_many_question_answers_with_one_count(engine: Engine) -> None:
    a = engine.ask("how many customers bought Adidas in 2025?", AS_OF)
    assert a.kind == "report" and a.rows == [[a.count]] and a.columns == ["contacts"]


def test_a_product_the_shop_does_not_sell_is_a_clarification_without_sql(engine: Engine) -> None:
    a = engine.ask("clientes que compraron raquetas de squash", AS_OF)
    assert a.kind == "clarification" and a.sql is None
    assert a.unrecognized and a.clarifications
    assert not a.answered


def test_gibberish_is_not_understood(engine: Engine) -> None:
    a = engine.ask("qwzx plorf", AS_OF)
    assert a.kind in ("clarification", "not_understood") and a.sql is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=2000))
def test_any_text_gives_an_answer_a_clarification_or_not_understood(engine: Engine, text: str) -> None:
    a = engine.ask(text, AS_OF)
    assert a.kind in ("segment", "report", "clarification", "not_understood")
    if a.sql is not None:
        validate(a.sql)


WORDS = st.sampled_from(
    "mujeres hombres de más menos 30 40 + compraron bought never nunca Madrid Barcelona o or y and RFM 5 "
    "Champions últimos meses days email abrieron zapatillas running boots Nike no sin pero but 'x' % ; --".split()
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, max_size=14).map(" ".join))
def test_any_mix_of_known_words_never_raises(engine: Engine, text: str) -> None:
    a = engine.ask(text, AS_OF)
    assert a.kind in ("segment", "report", "clarification", "not_understood")


def test_a_follow_up_refines_the_previous_segment(engine: Engine) -> None:
    conv = Conversation()
    first = conv.ask(engine, "hombres de Madrid que compraron Nike", AS_OF)
    second = conv.ask(engine, "ahora solo mujeres", AS_OF)
    assert second.kind == "segment"
    assert second.plan is not None
    genders = [c["values"] for c in second.plan["where"]["items"] if c.get("field") == "gender"]
    assert genders == [["female"]]
    assert "Nike" in str(second.plan) and "Madrid" in str(second.plan)
    assert first.count != second.count


def test_and_only_in_a_city_adds_a_condition(engine: Engine) -> None:
    conv = Conversation()
    a = conv.ask(engine, "customers who bought running shoes", AS_OF)
    b = conv.ask(engine, "and only in Madrid", AS_OF)
    assert b.count is not None and a.count is not None and b.count <= a.count
    assert "Madrid" in " ".join(b.explanation)


def test_removing_a_condition_by_its_kind(engine: Engine) -> None:
    conv = Conversation()
    conv.ask(engine, "hombres con RFM 4+ de Madrid", AS_OF)
    b = conv.ask(engine, "quita la condición de RFM", AS_OF)
    assert "RFM" not in " ".join(b.explanation)
    assert len(b.explanation) == 2


def test_same_but_another_window_replaces_the_window(engine: Engine) -> None:
    conv = Conversation()
    conv.ask(engine, "bought running shoes in the last 12 months", AS_OF)
    b = conv.ask(engine, "same but last 6 months", AS_OF)
    assert "from Jan 1, 2026 to Jun 30, 2026" in " ".join(b.explanation)


def test_how_many_of_them_counts_within_the_last_segment(engine: Engine) -> None:
    conv = Conversation()
    a = conv.ask(engine, "mujeres de Madrid", AS_OF)
    b = conv.ask(engine, "¿y cuántos de ellos abrieron algún email en los últimos 30 días?", AS_OF)
    assert b.kind == "report" and b.count is not None and a.count is not None
    assert b.count <= a.count


def test_the_conversation_survives_a_round_trip_through_json(engine: Engine) -> None:
    conv = Conversation()
    conv.ask(engine, "mujeres de Madrid", AS_OF)
    again = Conversation.from_json(conv.to_json())
    assert again.plan == conv.plan


def test_removing_a_condition_the_segment_does_not_have_says_so(engine: Engine) -> None:
    conv = Conversation()
    conv.ask(engine, "mujeres de Madrid", AS_OF)
    b = conv.ask(engine, "quita la condición de edad", AS_OF)
    assert b.kind == "clarification" and "edad" in b.clarifications[0].question
    c = conv.ask(engine, "quita la condición de ciudad", AS_OF)
    assert c.kind == "segment" and "Madrid" not in " ".join(c.explanation)


# ----------------------------------------------------------------- hardening: what any text can do
@pytest.mark.parametrize(
    "text",
    [
        "mujeres de Madrid \ud800",  # a lone surrogate: bytes that were not UTF-8
        "men in Madrid \ud83d\ude00",  # a pair split in two halves (JSON escapes)
        "mujeres\x1b[31m de Madrid\x00",  # escape and control characters
        "hombres \u202ede Madrid",  # a bidi override
    ],
)
def test_a_request_with_invalid_or_control_text_is_answered_and_kept(
    engine: Engine, text: str, tmp_path: Path
) -> None:
    conv = Conversation()
    answer = conv.ask(engine, text, AS_OF)
    assert answer.kind in ("segment", "clarification", "not_understood")
    conv.save(tmp_path / "conversation.json")  # was UnicodeEncodeError
    assert Conversation.load(tmp_path / "conversation.json").turns


def test_a_request_past_the_length_cap_is_refused_with_a_message(engine: Engine) -> None:
    from segmenta.errors import RequestError

    with pytest.raises(RequestError, match="1,000"):
        Conversation().ask(engine, "más de 30 " * 150, AS_OF)


def test_a_condition_said_many_times_is_one_condition_and_said_so(engine: Engine) -> None:
    answer = Conversation().ask(engine, "más de 30 " * 90, AS_OF)
    once = Conversation().ask(engine, "más de 30", AS_OF)
    assert answer.count == once.count and len(answer.funnel) == len(once.funnel)
    assert any("89 condición(es) repetida(s)" in a for a in answer.assumptions), answer.assumptions


@pytest.mark.parametrize("text", ["todos los contactos", "all customers", "everyone"])
def test_a_request_for_everyone_is_every_contact(engine: Engine, text: str, sports_db: Path) -> None:
    answer = Conversation().ask(engine, text, AS_OF)
    con = duckdb.connect(str(sports_db), read_only=True)
    try:
        row = con.execute(
            "SELECT count(*) FROM contacts WHERE created_at < TIMESTAMP '2026-07-01'"
        ).fetchone()
    finally:
        con.close()
    assert answer.kind == "segment" and row is not None and answer.count == row[0], answer.clarifications


def test_an_as_of_date_after_the_shops_data_says_so_in_both_languages(engine: Engine) -> None:
    last = engine.data_last_day
    assert last is not None
    after = date(last.year + 1, 1, 15)
    es = engine.ask("compraron en los últimos 30 días", after)
    assert es.count == 0 and any(
        f"terminan el {dated(last.isoformat(), 'es', 'ES')}" in a for a in es.assumptions
    )
    en = Conversation()
    en.ask(engine, "women who bought in the last 30 days", after)
    refined = en.ask(engine, "only those from Madrid", after)  # a refinement says it too
    assert any(f"data ends on {dated(last.isoformat(), 'en', 'ES')}" in a for a in refined.assumptions)
    within = engine.ask("compraron en los últimos 30 días", last)
    assert not any("terminan el" in a for a in within.assumptions)


@pytest.mark.parametrize(
    "text,name",
    [
        ("les clients qui ont acheté des chaussures le mois dernier", "francés"),
        ("Kunden, die letzten Monat Schuhe gekauft haben", "alemán"),
        ("clienti che hanno comprato scarpe il mese scorso", "italiano"),
    ],
)
def test_a_request_in_another_language_gets_one_sentence_not_a_question_per_word(
    engine: Engine, text: str, name: str
) -> None:
    answer = engine.ask(text, date(2026, 6, 30))
    assert answer.kind == "not_understood" and answer.sql is None
    assert len(answer.clarifications) == 1
    question = answer.clarifications[0].question
    assert f"parece estar en {name}" in question and "Spanish and English" in question


def test_spanish_and_english_slang_is_never_taken_for_another_language(engine: Engine) -> None:
    for text in ("chavales de bcn q pillaron algo en rebajas x tarjeta", "ppl who bought nike w/o coupon"):
        answer = engine.ask(text, date(2026, 6, 30))
        assert not any("parece estar en" in c.question for c in answer.clarifications), text
