"""Workflow drafts on the sample sports shop: every kind, estimates, JSON schema, Mermaid, unknown kinds."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta.assistant.text import fold
from segmenta.tools import workflows as wf
from segmenta.tools.workflow_kinds import KIND_TITLES, kind_title
from segmenta.warehouse.importer import import_shop

SPORTS = Path("/work/shared/eval/sports")
D = date(2026, 6, 30)

REQUESTS = {
    "abandoned_cart": "draft an abandoned cart workflow",
    "browse_abandonment": "flujo de navegación abandonada",
    "win_back": "draft a win-back workflow for hibernating customers",
    "welcome": "serie de bienvenida",
    "replenishment": "replenishment reminders",
    "post_purchase_survey": "encuesta post-compra",
    "birthday": "flujo de cumpleaños",
    "vip_early_access": "acceso anticipado VIP",
    "lead_nurture": "nutrición de leads",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sports") / "sports.duckdb"
    import_shop(SPORTS, out)
    return out


# the same kinds asked in Spanish (each detected as Spanish) and in English
REQUESTS_ES = {
    "abandoned_cart": "crea un flujo de carrito abandonado",
    "browse_abandonment": "flujo de navegación abandonada",
    "win_back": "crea un flujo de reactivación para los clientes hibernando",
    "welcome": "serie de bienvenida",
    "replenishment": "un flujo de reposición",
    "post_purchase_survey": "encuesta post-compra",
    "birthday": "flujo de cumpleaños",
    "vip_early_access": "un flujo de acceso anticipado VIP",
    "lead_nurture": "nutrición de leads",
}
REQUESTS_EN = {kind: f"draft a {kind.replace('_', ' ')} workflow" for kind in REQUESTS}
# words of the English templates that a Spanish draft must not hold (folded, whole words)
ENGLISH_WORDS = (
    "wait",
    "yes",
    "exit",
    "bought",
    "subscribed",
    "your",
    "the",
    "days",
    "hours",
    "audience",
    "segment",
    "customers",
    "order",
    "answer",
    "value",
    "off",
    "every",
    "contact",
    "warehouse",
)


@pytest.fixture(scope="module")
def drafts(db: Path) -> dict[str, wf.WorkflowDraft]:
    return {kind: wf.draft(db, text, D) for kind, text in REQUESTS.items()}


@pytest.fixture(scope="module")
def drafts_es(db: Path) -> dict[str, wf.WorkflowDraft]:
    return {kind: wf.draft(db, text, D) for kind, text in REQUESTS_ES.items()}


def _words(d: wf.WorkflowDraft) -> list[str]:
    """Every word of a draft a marketer reads: name, labels, branches, notes, assumptions."""
    texts = [
        d.name,
        *d.assumptions,
        *(n.label for n in d.nodes),
        *(n.estimate.note for n in d.nodes),
        *(e.label for e in d.edges),
    ]
    return [w for t in texts for w in re.findall(r"[a-z]+", fold(t))]


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_a_spanish_request_drafts_spanish_labels_and_branches(
    kind: str, drafts_es: dict[str, wf.WorkflowDraft]
) -> None:
    d = drafts_es[kind]
    assert d.kind == kind and d.name == kind_title(kind, "es")
    left = sorted(set(_words(d)) & set(ENGLISH_WORDS))
    assert not left, f"English words in the Spanish {kind} draft: {left}"
    branches = {e.label for e in d.edges if e.label}
    assert branches and "yes" not in branches
    if kind not in ("abandoned_cart", "post_purchase_survey"):
        assert {"sí", "no"} <= branches
    assert any(n.type == "wait" and n.label.startswith("Esperar") for n in d.nodes)


def test_the_spanish_win_back_reads_as_natural_marketing_spanish(
    drafts_es: dict[str, wf.WorkflowDraft],
) -> None:
    labels = {n.label for n in drafts_es["win_back"].nodes}
    assert {
        "Se une a la audiencia (dejó de comprar)",
        "Esperar 7 días",
        "¿Abrió o hizo clic en un mensaje en los últimos 90 días?",
        "Email: te echamos de menos (15 % de descuento)",
    } <= labels
    assert drafts_es["win_back"].audience.text == "los clientes hibernando"


def test_a_spanish_default_audience_and_its_assumption_are_spanish(
    drafts_es: dict[str, wf.WorkflowDraft],
) -> None:
    d = drafts_es["vip_early_access"]
    assert d.audience.text == "clientes RFM Champions y Loyal"
    assert d.assumptions == ["sin audiencia indicada: clientes RFM Champions y Loyal"]


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_an_english_request_stays_english(kind: str, db: Path) -> None:
    d = wf.draft(db, REQUESTS_EN[kind], D)
    assert d.kind == kind and d.name == KIND_TITLES[kind]
    words = set(_words(d))
    assert not words & {"esperar", "si", "salida", "suscrito", "tu", "dias", "audiencia", "clientes"}
    assert "wait" in words or kind == "vip_early_access" and "sms" in words


def test_an_explicit_language_overrides_the_detected_one(db: Path) -> None:
    d = wf.draft(db, "draft a birthday workflow", D, lang="es")
    assert d.name == "Cumpleaños" and "-->|sí|" in wf.mermaid(d, "es") and "ahora " in wf.mermaid(d, "es")


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_each_kind_drafts_a_connected_graph_with_estimates(
    kind: str, drafts: dict[str, wf.WorkflowDraft]
) -> None:
    d = drafts[kind]
    assert d.kind == kind
    ids = wf.node_ids(d)
    assert all(e.source in ids and e.target in ids for e in d.edges)
    assert wf.root(d).estimate.enter == d.audience.size > 0
    trigger = next(n for n in d.nodes if n.type == "trigger")
    assert trigger.estimate.last_30_days is not None and trigger.estimate.last_30_days > 0
    sends = [n for n in d.nodes if n.action == "send" and n.estimate.enter is not None]
    assert sends and all(0 <= (n.estimate.reachable or 0) <= n.estimate.enter for n in sends)  # type: ignore[operator]
    for n in d.nodes:
        if n.type == "condition" and n.estimate.yes is not None:
            assert n.estimate.yes + (n.estimate.no or 0) == n.estimate.enter


def test_the_win_back_audience_is_parsed_from_the_request(drafts: dict[str, wf.WorkflowDraft]) -> None:
    d = drafts["win_back"]
    assert d.audience.text == "hibernating customers"
    assert d.audience.plan is not None and "Hibernating" in d.audience.plan.model_dump_json()


def test_replenishment_uses_the_shops_own_repurchase_intervals(drafts: dict[str, wf.WorkflowDraft]) -> None:
    intervals = drafts["replenishment"].parameters["repurchase_interval_days"]
    assert isinstance(intervals, dict) and intervals
    assert all(days > 0 for days in intervals.values())


def test_the_abandoned_cart_splits_by_the_shops_median_cart_value(
    drafts: dict[str, wf.WorkflowDraft],
) -> None:
    d = drafts["abandoned_cart"]
    split = d.parameters["cart_value_split"]
    assert isinstance(split, float) and split > 0
    assert any(f"{split:,.2f}" in n.label for n in d.nodes if n.type == "condition")


def test_a_survey_answer_split_is_left_unknown_with_a_note(drafts: dict[str, wf.WorkflowDraft]) -> None:
    answer = next(n for n in drafts["post_purchase_survey"].nodes if "4 o 5" in n.label)
    assert answer.estimate.yes is None and "no están en el almacén" in answer.estimate.note


def test_a_draft_round_trips_through_its_json_file(
    drafts: dict[str, wf.WorkflowDraft], tmp_path: Path
) -> None:
    path = wf.save_json(drafts["abandoned_cart"], tmp_path / "cart.json")
    assert wf.load_json(path) == drafts["abandoned_cart"]
    assert "WorkflowNode" in wf.json_schema()


def test_a_file_that_is_not_a_draft_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"kind": "x"}', encoding="utf-8")
    with pytest.raises(wf.WorkflowError, match="is not a workflow draft"):
        wf.load_json(path)


def test_mermaid_draws_every_node_and_labelled_branches(drafts: dict[str, wf.WorkflowDraft]) -> None:
    d = drafts["birthday"]
    text = wf.mermaid(d)
    assert text.startswith("flowchart TD\n")
    assert all(f"    {n.id}" in text for n in d.nodes)
    assert "-->|sí|" in text and "-->|no|" in text  # "flujo de cumpleaños" is Spanish


def test_an_unknown_kind_lists_the_known_kinds(db: Path) -> None:
    with pytest.raises(wf.UnknownKind, match="known kinds: abandoned_cart"):
        wf.draft(db, "draft a loyalty points workflow", D)


def test_the_cli_exits_3_on_an_unknown_kind_and_writes_json_and_mermaid(db: Path, tmp_path: Path) -> None:
    import typer

    from segmenta.cli_workflow import workflow_app

    app = typer.Typer()
    app.add_typer(workflow_app, name="workflow")
    run = CliRunner()
    r = run.invoke(app, ["workflow", "draft", "loyalty points", "--db", str(db), "--as-of", "2026-06-30"])
    assert r.exit_code == 3
    out = tmp_path / "w.json"
    r = run.invoke(
        app,
        [
            "workflow",
            "draft",
            "welcome",
            "--db",
            str(db),
            "--as-of",
            "2026-06-30",
            "--out",
            str(out),
            "--mermaid",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "flowchart TD" in r.output and wf.load_json(out).kind == "welcome"
    r = run.invoke(app, ["workflow", "draft", "welcome", "--db", str(db), "--as-of", "2026-06-30"])
    assert r.exit_code == 0 and "Email: welcome" in r.output
