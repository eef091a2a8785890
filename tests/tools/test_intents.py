"""Actions about the last segment, read from a sentence, and carried out by `ask`."""

from __future__ import annotations

import csv
import doctest
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta import cli
from segmenta.tools import intents
from segmenta.tools.intents import Intent, read_intent

SPORTS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "sports"


def test_the_doctests_of_intents_hold() -> None:
    assert doctest.testmod(intents).failed == 0


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("export them for Facebook", Intent("export", "meta")),
        ("exporta el segmento para Instagram", Intent("export", "meta")),
        ("expórtalos para Google Ads", Intent("export", "google")),
        ("descárgalo en CSV", Intent("export", "csv")),
        ("save as VIP Madrid", Intent("save", "VIP Madrid")),
        ("guárdalo como «Clientes élite»", Intent("save", "Clientes élite")),
        ("guarda el segmento como Hibernando Madrid", Intent("save", "Hibernando Madrid")),
    ],
)
def test_an_action_is_read_with_its_argument(text: str, intent: Intent) -> None:
    assert read_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "mujeres de Madrid",
        "customers who bought Nike",
        "clientes que guardan relación",
        "top 5 brands by revenue",
    ],
)
def test_a_request_for_a_segment_is_no_action(text: str) -> None:
    assert read_intent(text) is None


@pytest.mark.skipif(not SPORTS.is_dir(), reason="the sample shop is not on this machine")
def test_export_them_for_facebook_exports_the_last_segment(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "shop.duckdb"
    assert runner.invoke(cli.app, ["import", str(SPORTS), "--db", str(db)]).exit_code == 0
    first = runner.invoke(
        cli.app, ["ask", "mujeres de Madrid", "--db", str(db), "--as-of", "2026-06-30", "--json"]
    )
    assert first.exit_code == 0, first.output
    count = json.loads(first.stdout)["count"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        done = runner.invoke(
            cli.app, ["ask", "export them for Facebook", "--db", str(db), "--as-of", "2026-06-30", "--json"]
        )
    finally:
        os.chdir(cwd)
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert answer["kind"] == "export" and len(answer["files"]) == 1
    with open(answer["files"][0], encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert 0 < len(rows) == answer["count"] <= count
    assert "@" not in rows[0]["email"]  # hashed


@pytest.mark.parametrize(
    "text",
    [
        "borrador de un flujo de recuperación para clientes hibernando",
        "redacta una automatización de bienvenida",
        "genera un flujo de carrito abandonado para ellos",
        "write a birthday flow for VIPs",
        "create a replenishment journey",
    ],
)
def test_the_ways_a_workflow_draft_is_asked_for_are_read_as_one(text: str) -> None:
    intent = read_intent(text)
    assert intent is not None and intent.action == "workflow", text


@pytest.mark.parametrize(
    "text", ["haz un informe de aperturas por flujo", "make a report of open rate by flow", "CTR by workflow"]
)
def test_a_report_over_workflows_is_never_a_draft(text: str) -> None:
    assert read_intent(text) is None, text
