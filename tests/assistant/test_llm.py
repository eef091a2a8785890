"""The LLM backend against a fake OpenAI-compatible server on loopback: structured output into the
Plan, the catalog guard, every failure mode ending in a clear answer, the modes, the settings, and
that no personal data is ever sent."""

from __future__ import annotations

import doctest
import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmenta.assistant import llm, llm_guard
from segmenta.assistant.catalog import Catalog
from segmenta.assistant.engine import Engine
from segmenta.assistant.llm import (
    LlmEngine,
    LlmSettings,
    Method,
    PlanAnswer,
    answer,
    ask_with_engine,
    build_system_prompt,
    load_settings,
    parse_with_mode,
    prompt_text,
)
from segmenta.assistant.llm_guard import check_plan
from segmenta.assistant.plan import (
    AttributeCondition,
    ProductMatch,
    PurchaseCondition,
    SavedSegmentCondition,
    SegmentPlan,
)
from segmenta.errors import ConfigError
from segmenta.tools.engines import run_report
from tests.assistant.fake_openai import FakeOpenAI, Reply, malformed, refusal, request_text, status
from tests.assistant.fake_openai import answer as scripted

AS_OF = date(2026, 6, 30)
WOMEN_MADRID = "mujeres +30 de Madrid"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    pytest.importorskip("langchain_openai")
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def server(fake: FakeOpenAI) -> FakeOpenAI:
    """The module's fake server with an empty script and no requests yet."""
    fake.script.clear()
    fake.requests.clear()
    fake.bodies.clear()
    fake.responder = None
    return fake


@pytest.fixture(scope="module")
def engine(sports_db: Path) -> Iterator[Engine]:
    e = Engine(sports_db, report_runner=run_report)
    yield e
    e.close()


def settings_for(
    server: FakeOpenAI, method: Method = "function_calling", timeout: float = 5.0
) -> LlmSettings:
    return LlmSettings(
        model="fake-model",
        base_url=server.base_url,
        engine="llm",
        timeout=timeout,
        max_retries=0,
        method=method,
    )


def plan_of(engine: Engine, text: str) -> dict[str, Any]:
    plan = engine.parse(text).plan
    assert plan is not None
    return plan.model_dump(mode="json")


# ---------------------------------------------------------------------- structured output into the Plan
@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_a_scripted_plan_is_answered_by_the_engine_with_the_same_sql_as_the_rules(
    engine: Engine, server: FakeOpenAI, method: Method
) -> None:
    server.push(scripted({"plan": plan_of(engine, WOMEN_MADRID)}))
    got = answer(engine, WOMEN_MADRID, AS_OF, "llm", settings_for(server, method))
    rules = engine.ask(WOMEN_MADRID, AS_OF)
    assert got.kind == "segment" and got.sql == rules.sql and got.count == rules.count
    assert got.count is not None and got.count > 0
    assert got.assumptions[0] == "leído por el modelo de lenguaje (fake-model)"
    body = server.requests[0]
    assert ("tools" in body) == (method == "function_calling")
    assert ("response_format" in body) == (method == "json_schema")


def test_the_request_is_sent_as_written_beside_the_schema_and_the_catalog_values_it_names(
    engine: Engine, server: FakeOpenAI
) -> None:
    text = "hombres que compraron botas de fútbol en Barcelona"
    server.push(scripted({"plan": plan_of(engine, text)}))
    answer(engine, text, AS_OF, "llm", settings_for(server))
    system, user = server.requests[0]["messages"]
    assert user == {"role": "user", "content": text}
    assert "- order_lines: order_id VARCHAR, product_id VARCHAR" in system["content"]
    catalog = system["content"].split("This shop's catalog")[1].split("Report metrics")[0]
    assert '"Boots"' in catalog and '"Football"' in catalog and '"Barcelona"' in catalog


def test_a_report_plan_from_the_model_runs_through_the_data_explorer(
    engine: Engine, server: FakeOpenAI
) -> None:
    text = "revenue by brand last month"
    server.push(scripted({"plan": plan_of(engine, text)}))
    got = answer(engine, text, AS_OF, "llm", settings_for(server))
    assert got.kind == "report" and got.sql is not None and got.rows
    assert got.assumptions == ["read by the language model (fake-model)"]


def test_the_models_question_becomes_a_clarification_without_sql(engine: Engine, server: FakeOpenAI) -> None:
    server.push(scripted({"plan": plan_of(engine, WOMEN_MADRID), "question": "¿Madrid ciudad o región?"}))
    got = answer(engine, WOMEN_MADRID, AS_OF, "llm", settings_for(server))
    assert got.kind == "clarification" and got.sql is None
    assert [c.question for c in got.clarifications] == ["¿Madrid ciudad o región?"]


def test_words_the_model_could_not_map_are_asked_about(engine: Engine, server: FakeOpenAI) -> None:
    server.push(scripted({"plan": plan_of(engine, WOMEN_MADRID), "unrecognized": ["astrofotografía"]}))
    got = answer(engine, WOMEN_MADRID + " que aman la astrofotografía", AS_OF, "llm", settings_for(server))
    assert got.kind == "clarification" and got.unrecognized == ["astrofotografía"] and got.sql is None


# ---------------------------------------------------------------------- the catalog guard
def _city(value: str) -> dict[str, Any]:
    return {
        "plan": {
            "kind": "segment",
            "language": "en",
            "where": {"type": "attribute", "field": "city", "op": "in", "values": [value]},
        }
    }


def test_an_invented_value_near_a_real_one_is_replaced_and_said(engine: Engine, server: FakeOpenAI) -> None:
    plan = {
        "kind": "segment",
        "language": "en",
        "where": {"type": "purchase", "product": {"subcategory": ["Boot"]}},
    }
    server.push(scripted({"plan": plan}))
    got = answer(engine, "people who bought boots", AS_OF, "llm", settings_for(server))
    assert got.kind == "segment" and got.count and got.count > 0
    assert "'Boot' read as the product subcategory 'Boots'" in got.assumptions
    assert got.plan is not None and got.plan["where"]["product"]["subcategory"] == ["Boots"]


def test_an_invented_value_far_from_any_real_one_turns_into_a_question_naming_the_closest(
    engine: Engine, server: FakeOpenAI
) -> None:
    server.push(scripted(_city("Barcelna")))
    got = answer(engine, "people in Barcelna", AS_OF, "llm", settings_for(server))
    assert got.kind == "clarification" and got.sql is None
    assert got.clarifications[0].question == "The shop has no city 'Barcelna'. Closest: 'Barcelona'."
    assert got.clarifications[0].options == ["Barcelona"]


def test_a_brand_the_shop_never_had_is_asked_about_with_its_most_sold_brands(
    engine: Engine, server: FakeOpenAI
) -> None:
    plan = {
        "kind": "segment",
        "language": "es",
        "where": {"type": "purchase", "product": {"brand": ["Reebok"]}},
    }
    server.push(scripted({"plan": plan}))
    got = answer(engine, "clientes que compraron Reebok", AS_OF, "llm", settings_for(server))
    assert got.kind == "clarification" and got.sql is None
    assert got.clarifications[0].question.startswith("La tienda no tiene marca 'Reebok'. Lo más parecido: ")
    assert len(got.clarifications[0].options) == 5
    assert set(got.clarifications[0].options) <= set(engine.catalog.values["brand"])


def test_the_guard_checks_saved_segments_custom_fields_and_their_values() -> None:
    catalog = Catalog.from_values(
        city=["Madrid"], custom_field=["club"], **{"custom:club": ["gold", "silver"]}
    )
    plan = SegmentPlan(language="en", where=PurchaseCondition(product=ProductMatch(brand=["Acme"])))
    checked = check_plan(plan, catalog)
    assert [c.question for c in checked.clarifications] == [
        "The shop has no brand 'Acme'. It has no values of that kind."
    ]
    custom = AttributeCondition(field="custom", custom_field="club", op="in", values=["Gold", "bronze"])
    checked = check_plan(SegmentPlan(where=custom), catalog, lang="en")
    assert checked.plan.where == custom.model_copy(update={"values": ["gold", "bronze"]})
    assert [c.options for c in checked.clarifications] == [["gold", "silver"]]
    saved = check_plan(SegmentPlan(where=SavedSegmentCondition(name="vips")), catalog, ["VIPs", "Lapsed"])
    assert saved.plan.where == SavedSegmentCondition(name="VIPs") and saved.clarifications == []
    unknown = check_plan(SegmentPlan(where=SavedSegmentCondition(name="whales")), catalog, ["VIPs"], "es")
    assert (
        unknown.clarifications[0].question
        == "La tienda no tiene segmento guardado 'whales'. Lo más parecido: 'VIPs'."
    )


def test_the_real_values_of_a_plan_pass_the_guard_untouched(engine: Engine) -> None:
    plan = engine.parse(
        "hombres que pagaron con paypal unas botas de fútbol en la tienda Madrid Gran Vía"
    ).plan
    assert plan is not None
    checked = check_plan(plan, engine.catalog)
    assert checked.plan == plan and checked.assumptions == [] and checked.clarifications == []


# ---------------------------------------------------------------------- failure modes: the rules answer
FAILURES: list[tuple[str, Reply, str]] = [
    ("malformed JSON", malformed(), "the model's answer is not valid JSON for a Plan"),
    ("rate limit", status(429), "rate limited by the server (HTTP 429)"),
    ("server error", status(500), "the server answered HTTP 500"),
    (
        "refusal",
        refusal("I can't help with marketing requests."),
        "the model declined to answer: I can't help with marketing requests.",
    ),
    ("timeout", Reply("answer", {"plan": None}, delay=5.0), "no answer within 0.5 s"),
    (
        "not a plan",
        scripted(
            {"plan": {"kind": "segment", "where": {"type": "attribute", "field": "shoe_size", "op": "in"}}}
        ),
        "the model's answer does not fit the Plan: plan.segment.where.attribute.field: Input should be",
    ),
]


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
@pytest.mark.parametrize(("name", "reply", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_each_failure_of_the_model_ends_in_the_rules_answer_with_the_reason(
    engine: Engine, server: FakeOpenAI, name: str, reply: Reply, reason: str, method: Method
) -> None:
    server.push(reply)
    got = answer(engine, "men over 40", AS_OF, "llm", settings_for(server, method, timeout=0.5))
    rules = engine.ask("men over 40", AS_OF)
    assert got.kind == "segment" and got.sql == rules.sql and got.count == rules.count
    note = got.assumptions[-1]
    assert note.startswith("the language model was not available: " + reason), note
    assert note.endswith("; answered by the rules engine")
    assert len(server.requests) == 1


@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
def test_a_refusal_that_echoes_a_key_is_shown_redacted_and_capped(
    engine: Engine, server: FakeOpenAI, method: Method
) -> None:
    from dataclasses import replace

    key = "my-shop-secret-key-0042"
    server.push(refusal(f"Invalid key {key} and sk-live0123456789abcdef. \x1b[31m" + "blah " * 100))
    settings = replace(settings_for(server, method), api_key=key)
    got = answer(engine, "men over 40", AS_OF, "llm", settings)
    note = got.assumptions[-1]
    assert key not in note and "sk-live0123456789abcdef" not in note and "[redacted]" in note, note
    assert "\x1b" not in note.replace("\\x1b", "") and len(note) < 300


def test_llm_mode_with_no_model_configured_says_so_and_answers_with_the_rules(engine: Engine) -> None:
    got = answer(engine, "men over 40", AS_OF, "llm", LlmSettings())
    assert got.kind == "segment" and got.sql is not None
    assert got.assumptions[-1] == (
        "the language model was not available: no language model is configured (set SEGMENTA_LLM_MODEL, "
        "or model in [llm]); answered by the rules engine"
    )


# ---------------------------------------------------------------------- modes
def test_auto_mode_does_not_call_the_model_when_the_rules_understand(
    engine: Engine, server: FakeOpenAI
) -> None:
    got = answer(engine, "men over 40", AS_OF, "auto", settings_for(server))
    assert got.kind == "segment" and server.requests == []
    assert not any("language model" in a for a in got.assumptions)


def test_auto_mode_asks_the_model_when_the_rules_leave_words_unrecognized(
    engine: Engine, server: FakeOpenAI
) -> None:
    text = "mujeres +30 de Madrid amantes del senderismo nocturno"
    assert engine.parse(text).unrecognized  # the rules do not know these words
    server.push(scripted({"plan": plan_of(engine, WOMEN_MADRID)}))
    got = answer(engine, text, AS_OF, "auto", settings_for(server))
    assert got.kind == "segment" and got.count == engine.ask(WOMEN_MADRID, AS_OF).count
    assert len(server.requests) == 1 and got.assumptions[0].startswith("leído por el modelo de lenguaje")


def test_auto_mode_without_a_model_is_the_rules_answer_unchanged(engine: Engine) -> None:
    text = "mujeres +30 de Madrid amantes del senderismo nocturno"
    assert parse_with_mode(engine, text, "auto", LlmSettings()) == engine.parse(text)


def test_an_unknown_mode_is_rejected_with_the_known_ones(engine: Engine) -> None:
    with pytest.raises(ConfigError, match="engine must be one of rules, llm, auto, not 'gpt'"):
        parse_with_mode(engine, "men", "gpt", LlmSettings())  # type: ignore[arg-type]


def test_ask_with_engine_keeps_the_conversation_for_a_follow_up(
    sports_db: Path, server: FakeOpenAI, tmp_path: Path, engine: Engine
) -> None:
    db = tmp_path / "shop.duckdb"
    shutil.copyfile(sports_db, db)
    server.push(scripted({"plan": plan_of(engine, "men over 40")}))
    first = ask_with_engine(
        db, "men over 40", AS_OF, "llm", report_runner=run_report, settings=settings_for(server)
    )
    second = ask_with_engine(
        db,
        "and only in Madrid",
        AS_OF,
        "rules",
        continue_=True,
        report_runner=run_report,
        settings=settings_for(server),
    )
    assert first.kind == second.kind == "segment" and first.count and second.count
    assert 0 < second.count < first.count and len(server.requests) == 1


# ---------------------------------------------------------------------- no personal data is sent
def test_no_email_phone_or_name_from_the_warehouse_is_ever_sent(
    engine: Engine, sports_db: Path, server: FakeOpenAI
) -> None:
    server.responder = lambda body: scripted({"plan": None, "unrecognized": [request_text(body)]})
    texts = [
        "clientes de Madrid y Valencia que compraron Nike",
        "people who opened the Welcome email",
        "contactos con email de gmail",
        "quienes se llaman como el cliente con más pedidos",
        WOMEN_MADRID,
    ]
    with LlmEngine(sports_db, mode="llm", settings=settings_for(server)) as llm:
        for text in texts:
            llm.ask(text, AS_OF)
    assert len(server.bodies) == len(texts)
    sent = "\n".join(server.bodies)
    con = duckdb.connect(str(sports_db), read_only=True)
    try:
        rows = con.execute("SELECT email, phone, first_name || ' ' || last_name FROM contacts").fetchall()
    finally:
        con.close()
    personal = {v.strip() for row in rows for v in row if v and len(v.strip()) > 4}
    assert len(personal) > 1000
    leaked = [v for v in personal if v in sent or json.dumps(v)[1:-1] in sent]
    assert leaked == []


# ---------------------------------------------------------------------- prompts and settings
def test_every_few_shot_example_is_a_valid_plan_answer() -> None:
    answers = re.findall(r"^Answer: (.*)$", prompt_text("examples.txt"), flags=re.M)
    requests = re.findall(r"^Request: (.*)$", prompt_text("examples.txt"), flags=re.M)
    assert len(answers) == len(requests) >= 5
    kinds = {PlanAnswer.model_validate_json(a).plan.kind for a in answers}  # type: ignore[union-attr]
    assert kinds == {"segment", "report"}


def test_the_prompt_leaves_no_template_field_unfilled(engine: Engine) -> None:
    prompt = build_system_prompt(engine, "revenue by workflow since March")
    assert "$" not in prompt.replace("$defs", "")
    assert "Report metrics: revenue, orders" in prompt and "Saved segments: " in prompt


def test_settings_come_from_the_llm_section_and_the_environment_wins(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    (tmp_path / "shop.toml").write_text(
        '[llm]\nmodel = "local-model"\nbase_url = "http://127.0.0.1:9/v1"\ntimeout = 12\nmethod = "json_schema"\n',
        encoding="utf-8",
    )
    got = load_settings(db, environ={})
    assert (got.model, got.base_url, got.timeout, got.method, got.engine) == (
        "local-model",
        "http://127.0.0.1:9/v1",
        12.0,
        "json_schema",
        "auto",
    )
    env = load_settings(
        db, environ={"SEGMENTA_LLM_MODEL": "other", "SEGMENTA_ENGINE": "llm", "OPENAI_API_KEY": "sk-test"}
    )
    assert (env.model, env.engine, env.api_key) == ("other", "llm", "sk-test")
    assert "sk-test" not in repr(env)


def test_without_a_model_the_reading_mode_is_the_rules(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "shop.duckdb", environ={}) == LlmSettings(engine="rules")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[llm]\nmodle = "x"\n', "unknown key 'modle'"),
        ('[llm]\nengine = "gpt"\n', "engine must be one of rules, llm, auto, not 'gpt'"),
        ('[llm]\ntimeout = "soon"\n', "timeout, max_retries and temperature must be numbers"),
        ("[llm\n", "cannot be read as TOML"),
    ],
)
def test_a_bad_llm_section_is_named_with_its_file(tmp_path: Path, section: str, message: str) -> None:
    (tmp_path / "shop.toml").write_text(section, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        load_settings(tmp_path / "shop.duckdb", environ={})
    assert "shop.toml" in str(err.value)


@pytest.mark.parametrize("module", [llm, llm_guard], ids=lambda m: m.__name__)
def test_the_examples_in_the_docstrings_hold(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
