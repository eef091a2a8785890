"""Workflow drafts on the sample sports shop: every kind, estimates, JSON schema, Mermaid, unknown kinds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta.tools import workflows as wf
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


@pytest.fixture(scope="module")
def drafts(db: Path) -> dict[str, wf.WorkflowDraft]:
    return {kind: wf.draft(db, text, D) for kind, text in REQUESTS.items()}


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_each_kind_drafts_a_connected_graph_with_estimates(kind: str, drafts: dict[str, wf.WorkflowDraft]) -> None:
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


def test_the_abandoned_cart_splits_by_the_shops_median_cart_value(drafts: dict[str, wf.WorkflowDraft]) -> None:
    d = drafts["abandoned_cart"]
    split = d.parameters["cart_value_split"]
    assert isinstance(split, float) and split > 0
    assert any(f"{split:,.2f}" in n.label for n in d.nodes if n.type == "condition")


def test_a_survey_answer_split_is_left_unknown_with_a_note(drafts: dict[str, wf.WorkflowDraft]) -> None:
    answer = next(n for n in drafts["post_purchase_survey"].nodes if n.label.startswith("Answer"))
    assert answer.estimate.yes is None and "not in the warehouse" in answer.estimate.note


def test_a_draft_round_trips_through_its_json_file(drafts: dict[str, wf.WorkflowDraft], tmp_path: Path) -> None:
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
    assert "-->|yes|" in text and "-->|no|" in text


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
    r = run.invoke(app, ["workflow", "draft", "welcome", "--db", str(db), "--as-of", "2026-06-30",
                         "--out", str(out), "--mermaid"])
    assert r.exit_code == 0, r.output
    assert "flowchart TD" in r.output and wf.load_json(out).kind == "welcome"
    r = run.invoke(app, ["workflow", "draft", "welcome", "--db", str(db), "--as-of", "2026-06-30"])
    assert r.exit_code == 0 and "Email: welcome" in r.output
