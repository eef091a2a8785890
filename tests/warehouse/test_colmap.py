"""``segmenta import DIR --map MAP.toml`` and ``--suggest-map``: any platform's exports through a
column map, with the example maps for a WooCommerce order export and a PrestaShop export tested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta.cli import app
from segmenta.errors import ShopImportError
from segmenta.warehouse.colmap import import_mapped, load_map, suggest_map

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
MAPS = ROOT / "docs" / "maps"


def _ask(db: Path, text: str) -> dict:  # type: ignore[type-arg]
    r = CliRunner().invoke(app, ["ask", text, "--db", str(db), "--as-of", "2026-06-30", "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_a_woocommerce_order_export_comes_in_through_its_example_map(tmp_path: Path) -> None:
    db = tmp_path / "woo.duckdb"
    r = CliRunner().invoke(
        app,
        [
            "import",
            str(DATA / "woocommerce"),
            "--map",
            str(MAPS / "woocommerce-orders.toml"),
            "--db",
            str(db),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "(2 rows repeating an id left out)" in r.output  # Ana's customer row on her 3 item rows
    # wc-processing is a paid order: Ana paid order 1204 by Bizum; 1202 was refunded, 1203 cancelled
    assert _ask(db, "clientes que pagaron con bizum")["count"] == 1
    assert _ask(db, "clientes que pagaron con paypal")["count"] == 0
    assert _ask(db, "clientes que compraron calcetines running")["count"] == 1


def test_a_prestashop_export_comes_in_through_its_example_map(tmp_path: Path) -> None:
    db = tmp_path / "ps.duckdb"
    report = import_mapped(DATA / "prestashop", db, MAPS / "prestashop.toml")
    assert report.rows["orders"] == 3 and report.rows["order_lines"] == 4
    # state 5 delivered -> completed, 6 cancelled, 7 refunded -> returned
    assert _ask(db, "clientes que pagaron por transferencia bancaria")["count"] == 0
    assert _ask(db, "clientes que pagaron con tarjeta")["count"] == 1


def test_a_value_not_in_the_maps_date_format_is_refused_by_file_line_and_column(tmp_path: Path) -> None:
    src = tmp_path / "woo"
    src.mkdir()
    text = (DATA / "woocommerce" / "orders-export.csv").read_text(encoding="utf-8")
    (src / "orders-export.csv").write_text(text.replace("15/04/2026 08:30", "2026-04-15"), encoding="utf-8")
    with pytest.raises(ShopImportError) as e:
        import_mapped(src, tmp_path / "x.duckdb", MAPS / "woocommerce-orders.toml")
    p = e.value.problems[0]
    assert (p.file, p.line, p.column, p.value) == ("orders-export.csv", 4, "Order Date", "2026-04-15")
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[ordrs]\nfile = "a.csv"\n', "[ordrs]: not a warehouse table"),
        ('[orders]\nfile = "a.csv"\n[orders.columns]\nordr_id = "Id"\n', "ordr_id: not a column of orders"),
        ("[orders]\n", "needs file ="),
        ("[orders\n", "not a readable TOML"),
    ],
)
def test_a_wrong_map_says_which_key(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ShopImportError, match=r"(?s).*" + said.replace("[", r"\[").replace("]", r"\]")):
        load_map(path)


def test_a_suggested_map_names_the_tables_and_columns_it_recognises() -> None:
    woo = suggest_map(DATA / "woocommerce")
    assert (
        "[orders]" in woo
        and 'order_id = "Order Number"' in woo
        and 'total_amount = "Order Total Amount"' in woo
    )
    ps = suggest_map(DATA / "prestashop")
    assert 'file = "customer.csv"' in ps and 'contact_id = "id_customer"' in ps and 'email = "email"' in ps
    assert "[order_lines]" in ps and 'quantity = "product_quantity"' in ps
    r = CliRunner().invoke(app, ["import", str(DATA / "prestashop"), "--suggest-map"])
    assert r.exit_code == 0 and r.stdout == ps


def test_a_mapped_value_the_import_refuses_is_named_by_the_platforms_file_and_line(tmp_path: Path) -> None:
    """PrestaShop writes an unknown birthday as 0000-00-00: a suggested map that takes the column as
    it is gets a refusal naming customer.csv and its line, and nothing is imported."""
    mapped = tmp_path / "map.toml"
    mapped.write_text(suggest_map(DATA / "prestashop"), encoding="utf-8")
    with pytest.raises(ShopImportError) as e:
        import_mapped(DATA / "prestashop", tmp_path / "ps.duckdb", mapped)
    p = e.value.problems[0]
    assert (p.file, p.line, p.column, p.value) == (
        "customer.csv (as contacts)",
        3,
        "birthday (as birth_date)",
        "0000-00-00",
    )
    assert not (tmp_path / "ps.duckdb").exists()
