"""A shop whose own values attack the marketer: formulas, Rich markup, escape sequences, quotes and
SQL-ish text in product names and contact fields. Every output shows them as text: the CLI, the
chat's widgets, CSV and XLSX files (issue 14)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from segmenta.warehouse.importer import import_shop
from tests.test_cli import run

DATA = Path(__file__).parent / "data" / "good" / "base"
AS_OF = "2025-06-30"
FORMULA = '=HYPERLINK("http://evil.example","x")'
MARKUP = "[link=http://evil.example]Boot[/link] [bold red]!"
ESCAPE = "\x1b[31mRed\x1b[0m Ball"
SQLISH = "50%_off'; --"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    shop = tmp_path / "shop"
    shutil.copytree(DATA, shop)
    products = (shop / "products.csv").read_text(encoding="utf-8")
    products = products.replace("Trail Boot", f'"{MARKUP}"').replace("Match Ball", ESCAPE)
    products = products.replace("Rain Jacket", f'"{SQLISH}"').replace(
        "Acme", '"' + FORMULA.replace('"', '""') + '"'
    )
    (shop / "products.csv").write_text(products, encoding="utf-8")
    contacts = (shop / "contacts.csv").read_text(encoding="utf-8")
    (shop / "contacts.csv").write_text(contacts.replace(",Ana,", ",@SUM(A1:A9),"), encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    import_shop(shop, db)
    return db


def test_the_cli_shows_shop_values_as_text(hostile: Path) -> None:
    r = run("ask", "facturación por producto", "--db", hostile, "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output  # the escape is shown, never sent
    assert "\\x1b[31mRed" in r.output
    assert "[link=http://evil.example]Boot[/link]" in r.output  # markup shown, not followed
    s = run("sql", "SELECT name, brand FROM products ORDER BY name", "--db", hostile)
    assert s.exit_code == 0 and "\x1b" not in s.output and "[bold red]!" in s.output


def test_csv_files_escape_formula_leading_cells(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "sql.csv"
    assert run("sql", "SELECT name, brand FROM products", "--db", hostile, "--csv", out).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8"))) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    report = tmp_path / "report.csv"
    r = run("ask", "facturación por marca", "--db", hostile, "--as-of", AS_OF, "--csv", report)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8"))))
    assert any(row[0] == "'" + FORMULA for row in rows), rows
    contacts = tmp_path / "contacts.csv"
    r = run(
        "export",
        "--to",
        "csv",
        "--ask",
        "mujeres",
        "--db",
        hostile,
        "--as-of",
        AS_OF,
        "--out",
        contacts,
    )
    assert r.exit_code == 0, r.output
    text = contacts.read_text(encoding="utf-8")
    assert "'@SUM(A1:A9)" in text and ",@SUM" not in text
    assert "+34" in text.replace(" ", "")  # a phone number is no formula: kept as it is


def test_xlsx_cells_are_values_never_formulas(hostile: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    r = run("ask", "facturación por marca", "--db", hostile, "--as-of", AS_OF, "--xlsx", out)
    assert r.exit_code == 0, r.output
    sheet = load_workbook(out).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


async def test_the_chat_shows_shop_values_as_text(hostile: Path) -> None:
    import datetime as dt

    from textual.widgets import DataTable

    from segmenta.tui.app import SegmentaApp
    from tests.tui.pilot_helpers import SIZE, send

    app = SegmentaApp(hostile, dt.date.fromisoformat(AS_OF))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "facturación por producto")
        table = app.query_one(DataTable)
        cells = [table.get_cell_at((r, 0)) for r in range(table.row_count)]
    plain = [getattr(c, "plain", c) for c in cells]
    assert MARKUP in plain, plain  # the markup is shown as typed, not followed
    assert "\\x1b[31mRed\\x1b[0m Ball" in plain, plain  # the escape is shown, never sent
    assert not any("\x1b" in p for p in plain)
