"""Report outputs: CSV, Excel, the PNG for a deck, the terminal chart, and ``ask``'s options that write them."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib import image
from openpyxl import load_workbook
from typer.testing import CliRunner

from segmenta import report_view
from segmenta.assistant.answer import Answer
from segmenta.cli import app
from segmenta.errors import ExportError
from segmenta.report_view import (
    chart_data,
    is_rate,
    rate_columns,
    terminal_chart,
    write_csv,
    write_png,
    write_xlsx,
)
from segmenta.warehouse.importer import import_shop

SPORTS = Path("/work/shared/eval/sports")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
WEEKS = [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]


def _report(
    columns: list[str],
    rows: list[list[object]],
    *,
    grain: str | None = None,
    dimensions: list[str] | None = None,
    metrics: list[str] | None = None,
) -> Answer:
    plan = {"kind": "report", "metrics": metrics or [], "grain": grain, "dimensions": dimensions or []}
    return Answer(
        request="a test report", kind="report", as_of="2026-06-30", plan=plan, columns=columns, rows=rows
    )


@pytest.fixture
def series() -> Answer:
    """Weekly sends and open rate by workflow: a time series with one dimension, a count and a rate."""
    rows: list[list[object]] = []
    for k, week in enumerate(WEEKS):
        rows.append([week, "Welcome series", 10 + k, 0.5])
        rows.append([week, "Birthday", 4, None if k == 0 else 0.25])
    return _report(
        ["week", "workflow", "sends", "open_rate"],
        rows,
        grain="week",
        dimensions=["workflow"],
        metrics=["sends", "open_rate"],
    )


@pytest.fixture
def categories() -> Answer:
    """Revenue by category: money as decimals, short labels."""
    rows: list[list[object]] = [
        ["Running", Decimal("1200.50")],
        ["Padel", Decimal("300.25")],
        ["Tennis", Decimal("75.00")],
    ]
    return _report(["category", "revenue"], rows, dimensions=["category"], metrics=["revenue"])


@pytest.fixture
def rates() -> Answer:
    """Open rate by workflow: long labels and a rate only."""
    rows: list[list[object]] = [
        ["Running shoes replacement", 0.24],
        ["Post-purchase survey", 0.37],
        ["Welcome series", 0.54],
    ]
    return _report(["workflow", "open_rate"], rows, dimensions=["workflow"], metrics=["open_rate"])


def plain(text: str) -> str:
    return ANSI.sub("", text)


# ----------------------------------------------------------------- reading the answer


def test_the_examples_in_the_docstrings_hold() -> None:
    result = doctest.testmod(report_view)
    assert result.attempted > 0
    assert result.failed == 0


def test_rates_are_rate_metrics_change_ratios_and_names_ending_in_rate(series: Answer) -> None:
    assert is_rate("open_rate") and is_rate("revenue_pct_change") and is_rate("bounce_rate")
    assert not is_rate("revenue") and not is_rate("revenue_previous")
    assert rate_columns(series) == {3}


def test_a_time_series_with_a_dimension_has_one_line_per_value_and_a_percent_panel_for_the_rate(
    series: Answer,
) -> None:
    data = chart_data(series)
    assert data is not None and data.shape == "lines"
    assert data.x == WEEKS
    assert [p.rate for p in data.panels] == [False, True]
    sends, opens = data.panels
    assert [s.label for s in sends.series] == ["Welcome series", "Birthday"]
    assert sends.series[0].values == [10.0, 11.0, 12.0]
    assert opens.series[1].values == [None, 0.25, 0.25]


def test_categories_are_bars_in_the_report_order_and_long_labels_lie_down(
    categories: Answer, rates: Answer
) -> None:
    bars = chart_data(categories)
    assert bars is not None and bars.shape == "bars" and not bars.horizontal
    assert bars.labels == ["Running", "Padel", "Tennis"]
    assert bars.panels[0].series[0].values == [1200.5, 300.25, 75.0]
    long = chart_data(rates)
    assert long is not None and long.horizontal and long.panels[0].rate


def test_lines_past_the_limit_keep_the_largest_series_and_say_so(series: Answer) -> None:
    data = chart_data(series, max_series=2)  # two metrics of different kinds: two panels, two lines each
    assert data is not None and len(data.panels[0].series) == 2
    data = chart_data(series, max_series=1)
    assert data is not None and [s.label for s in data.panels[0].series] == ["Welcome series"]
    assert "top 1 of 2" in data.subtitle


def test_a_one_row_answer_or_a_segment_has_no_chart(categories: Answer) -> None:
    one = categories.model_copy(update={"rows": categories.rows[:1]})
    segment = Answer(
        request="women",
        kind="segment",
        as_of="2026-06-30",
        columns=["contact_id"],
        rows=[["C1"], ["C2"]],
        count=2,
    )
    assert chart_data(one) is None and terminal_chart(one, 80) == ""
    assert chart_data(segment) is None
    with pytest.raises(ExportError, match="nothing|not a report"):
        write_png(one, Path("never.png"))


# ----------------------------------------------------------------- terminal chart


def test_the_terminal_chart_names_every_series_and_puts_rates_in_percent(series: Answer) -> None:
    text = plain(terminal_chart(series, 90))
    assert "Welcome series" in text and "Birthday" in text
    assert "open rate" in text and "50%" in text
    assert "2026-03-02" in text and "2026-03-16" in text
    assert max(len(line) for line in text.splitlines()) <= 90


def test_the_terminal_bars_show_each_category_once_with_a_percent_axis(rates: Answer) -> None:
    text = plain(terminal_chart(rates, 80, 14))
    for label in ("Running shoes replacement", "Post-purchase survey", "Welcome series"):
        assert text.count(label) == 1
    assert "%" in text
    assert len(text.rstrip("\n").splitlines()) == 14


# ----------------------------------------------------------------- files


def test_the_png_is_1600_by_900(series: Answer, categories: Answer, rates: Answer, tmp_path: Path) -> None:
    for k, answer in enumerate((series, categories, rates)):
        path = write_png(answer, tmp_path / f"chart{k}.png")
        assert image.imread(path).shape[:2] == (900, 1600)
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_xlsx_reads_back_with_the_same_cells_dates_as_dates_and_rates_in_percent(
    series: Answer, tmp_path: Path
) -> None:
    path = write_xlsx(series, tmp_path / "report.xlsx")
    book = load_workbook(path)
    sheet = book["report"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == series.columns
    got = [[v.date() if isinstance(v, dt.datetime) else v for v in row] for row in cells[1:]]
    assert got == series.rows
    assert sheet["A2"].is_date and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "0.0%" and sheet["C2"].number_format == "#,##0"
    assert sheet["A1"].font.bold
    about = {r[0]: r[1] for r in book["about"].iter_rows(values_only=True)}
    assert about["request"] == "a test report" and about["as_of"] == "2026-06-30"


def test_the_xlsx_keeps_money_as_numbers(categories: Answer, tmp_path: Path) -> None:
    sheet = load_workbook(write_xlsx(categories, tmp_path / "money.xlsx"))["report"]
    assert sheet["B2"].value == 1200.5 and sheet["B2"].number_format == "#,##0.00"


def test_the_csv_has_a_header_iso_dates_and_rates_as_fractions(series: Answer, tmp_path: Path) -> None:
    path = write_csv(series, tmp_path / "report.csv")
    with path.open(encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["week", "workflow", "sends", "open_rate"]
    assert lines[1] == ["2026-03-02", "Welcome series", "10", "0.5"]
    assert lines[2] == ["2026-03-02", "Birthday", "4", ""]
    assert len(lines) == 1 + len(series.rows)


def test_a_file_that_cannot_be_written_names_the_path(series: Answer, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="it is a folder"):
        write_csv(series, tmp_path)
    empty = Answer(request="?", kind="not_understood", as_of="2026-06-30")
    with pytest.raises(ExportError, match="no rows"):
        write_xlsx(empty, tmp_path / "x.xlsx")


# ----------------------------------------------------------------- ask --csv --xlsx --chart

runner = CliRunner()
REQUEST = "weekly email sends and open rate by workflow since March"


@pytest.fixture(scope="module")
def _sports_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sports") / "shop.duckdb"
    import_shop(SPORTS, db)
    return db


@pytest.fixture
def sports(_sports_master: Path, tmp_path: Path) -> Path:
    db = tmp_path / "shop.duckdb"
    shutil.copyfile(_sports_master, db)
    return db


def test_ask_writes_the_csv_xlsx_and_png_and_names_them_in_the_json(sports: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = [out / "r.csv", out / "r.xlsx", out / "r.png"]
    result = runner.invoke(
        app,
        [
            "ask",
            REQUEST,
            "--db",
            str(sports),
            "--as-of",
            "2026-06-30",
            "--json",
            "--csv",
            str(paths[0]),
            "--xlsx",
            str(paths[1]),
            "--chart",
            str(paths[2]),
        ],
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["files"] == [str(p) for p in paths]
    assert all(p.exists() for p in paths)
    assert image.imread(paths[2]).shape[:2] == (900, 1600)
    with paths[0].open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["week", "workflow", "sends", "open_rate"]
    rows = list(load_workbook(paths[1])["report"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(answer["rows"])
    assert f"Wrote {len(answer['rows'])} rows to {paths[0]}" in result.stderr


def test_ask_draws_the_chart_under_a_report_unless_told_not_to(sports: Path) -> None:
    args = ["ask", REQUEST, "--db", str(sports), "--as-of", "2026-06-30", "--no-sql"]
    drawn = runner.invoke(app, args)
    assert drawn.exit_code == 0, drawn.output
    assert (
        "Welcome series" in drawn.stdout and "━━ Welcome series" in drawn.stdout
    )  # the legend, under the lines
    bare = runner.invoke(app, [*args, "--no-chart"])
    assert bare.exit_code == 0 and "━━ Welcome series" not in bare.stdout


def test_a_segments_csv_holds_all_its_contacts(sports: Path, tmp_path: Path) -> None:
    path = tmp_path / "segment.csv"
    result = runner.invoke(
        app, ["ask", "women", "--db", str(sports), "--as-of", "2026-06-30", "--json", "--csv", str(path)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["kind"] == "segment" and answer["count"] > len(answer["rows"])
    with path.open(encoding="utf-8") as f:
        assert sum(1 for _ in csv.reader(f)) == 1 + answer["count"]


def test_a_segments_xlsx_holds_all_its_contacts_with_every_column(sports: Path, tmp_path: Path) -> None:
    path = tmp_path / "segment.xlsx"
    result = runner.invoke(
        app, ["ask", "women", "--db", str(sports), "--as-of", "2026-06-30", "--json", "--xlsx", str(path)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["count"] > len(answer["rows"])
    rows = list(load_workbook(path)["segment"].iter_rows(values_only=True))
    assert len(rows) == 1 + answer["count"]
    assert rows[0][0] == "contact_id" and "email" in rows[0]
    assert f"Wrote {answer['count']:,} contacts to {path}" in result.stderr


@pytest.mark.parametrize("option,name", [("--csv", "r.csv"), ("--xlsx", "r.xlsx"), ("--chart", "r.png")])
def test_an_existing_file_is_refused_before_any_work_unless_forced(
    sports: Path, tmp_path: Path, option: str, name: str
) -> None:
    path = tmp_path / name
    path.write_text("keep me", encoding="utf-8")
    args = ["ask", REQUEST, "--db", str(sports), "--as-of", "2026-06-30", option, str(path)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert path.read_text(encoding="utf-8") == "keep me"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert path.read_bytes() != b"keep me"


@pytest.mark.parametrize("suffix,magic", [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".png", b"\x89PNG")])
def test_the_chart_is_written_in_the_format_its_extension_names(
    series: Answer, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    path = write_png(series, tmp_path / f"chart{suffix}")
    assert path.read_bytes().startswith(magic)


def test_a_chart_extension_that_names_no_chart_format_is_refused_before_the_request_runs(
    sports: Path, tmp_path: Path
) -> None:
    path = tmp_path / "c.jpg"
    result = runner.invoke(
        app, ["ask", REQUEST, "--db", str(sports), "--as-of", "2026-06-30", "--chart", str(path)]
    )
    assert result.exit_code == 1 and not path.exists()
    assert "'.jpg' is not a chart format" in result.stderr and ".svg" in result.stderr


@pytest.mark.parametrize("width", [80, 100])
def test_the_funnels_bars_give_way_so_each_step_stays_on_one_line(width: int) -> None:
    from rich.console import Console

    from segmenta.answer_view import print_answer
    from segmenta.assistant.answer import FunnelStep

    steps = [
        ("contactos a 30 jun 2026", 16386),
        ("género: mujer", 7254),
        ("+ tuvo un pedido completado desde el 1 abr 2026", 163),
    ]
    answer = Answer(
        request="mujeres que compraron en los últimos 3 meses",
        kind="segment",
        as_of="2026-06-30",
        funnel=[FunnelStep(step=s, count=n) for s, n in steps],
        count=163,
        language="es",
        country="ES",
    )
    console = Console(width=width, record=True, color_system=None)
    print_answer(answer, console, show_sql=False)
    lines = console.export_text().splitlines()
    for step, n in steps:
        (line,) = [x for x in lines if x.startswith(step)]
        assert f"{n:,}".replace(",", ".") in line and ("█" in line or "·" in line), line
        assert len(line.rstrip()) <= width
