"""The shop importer: broken shops are refused with the exact message, good ones in every dialect load."""

from __future__ import annotations

import doctest
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmenta.errors import ShopImportError, WarehouseError
from segmenta.warehouse import checks, csvread, import_report, importer, values
from segmenta.warehouse.importer import import_shop
from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, TABLES

DATA = Path(__file__).parent.parent / "data"
BAD_CASES = sorted(p.name for p in (DATA / "bad").iterdir() if p.is_dir())
GOOD_CASES = sorted(p.name for p in (DATA / "good").iterdir() if p.is_dir())
SPORTS = Path("/work/shared/eval/sports")


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def one(db: Path, sql: str) -> Any:
    return rows(db, sql)[0][0]


def tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every warehouse table's rows, sorted, to compare two imports."""
    return {t: rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in [*TABLES, CUSTOM_FIELDS_TABLE]}


def the_careful_path_must_not_run(*args: Any) -> Any:
    raise AssertionError("a clean shop took the careful path")


def import_both_ways(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[str], Path, list[str]]:
    """Import ``src`` by the fast path (the careful one forbidden), then by the careful path alone."""
    fast, careful = tmp_path / "fast.duckdb", tmp_path / "careful.duckdb"
    with monkeypatch.context() as m:
        m.setattr(importer, "_build", the_careful_path_must_not_run)
        fast_lines = import_shop(src, fast).lines()[1:]
    with monkeypatch.context() as m:
        m.setattr(importer, "_fast_build", lambda *args: None)
        careful_lines = import_shop(src, careful).lines()[1:]
    return fast, fast_lines, careful, careful_lines


def write_messy_shop(src: Path) -> None:
    """A clean shop whose text needs every tidying: spaces (also no-break ones) round ids, cased codes."""
    src.mkdir()
    nbsp = "\u00a0"
    (src / "contacts.csv").write_text(
        "contact_id,email,gender,country,is_company,birth_date,loyalty\n"
        f" C1 ,  ana@example.com ,Mujer,es,Sí,1990-05-17 00:00:00,gold\n"
        f"C2{nbsp},{nbsp},H,Mx,0,,\n"
        "C3,   ,  ,,,1985-12-31,  \n",
        encoding="utf-8",
    )
    (src / "orders.csv").write_text(
        "order_id,contact_id,ordered_at,total_amount,status,channel\n"
        "O1,C1,2025-01-10T12:00:00Z, 79.89 ,COMPLETED, Online\n"
        f"O2 ,C2, 2025-02-11 10:00:00 ,19.99,Cancelled,store{nbsp}\n",
        encoding="utf-8",
    )
    (src / "order_lines.csv").write_text(
        "order_id,product_id,quantity,unit_price,returned_quantity\nO1,P1,2.0,39.95,1\nO2,P1,1,19.99,\n",
        encoding="utf-8",
    )
    (src / "products.csv").write_text("product_id,name,price\n P1 ,  Boot  ,39.95\n", encoding="utf-8")
    (src / "message_events.csv").write_text(
        "contact_id,channel,event_type,occurred_at,value\nC1,EMAIL,Sent,2025-01-01 10:00:00,\n"
        "C2, Sms ,CONVERTED,2025-01-02,12.5\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("case", GOOD_CASES)
def test_a_clean_shop_takes_the_fast_path_and_gets_the_careful_paths_tables(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, fast_lines, careful, careful_lines = import_both_ways(DATA / "good" / case, tmp_path, monkeypatch)
    assert tables(fast) == tables(careful)
    assert fast_lines == careful_lines


def test_messy_text_is_tidied_by_the_fast_path_exactly_as_the_careful_path_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_messy_shop(tmp_path / "shop")
    fast, fast_lines, careful, careful_lines = import_both_ways(tmp_path / "shop", tmp_path, monkeypatch)
    assert tables(fast) == tables(careful)
    assert fast_lines == careful_lines
    assert rows(fast, "SELECT contact_id, email, gender, country, is_company FROM contacts ORDER BY 1") == [
        ("C1", "  ana@example.com ", "female", "ES", True),
        ("C2", None, "male", "MX", False),
        ("C3", None, None, None, None),
    ]
    assert rows(fast, "SELECT DISTINCT channel FROM message_events ORDER BY 1") == [("email",), ("sms",)]


def test_ids_that_differ_only_by_spaces_are_refused_as_duplicates(tmp_path: Path) -> None:
    src = tmp_path / "shop"
    write_messy_shop(src)
    with (src / "contacts.csv").open("a", encoding="utf-8") as fh:
        fh.write("C1,,,,,,\n")
    with pytest.raises(ShopImportError) as err:
        import_shop(src, tmp_path / "shop.duckdb")
    assert str(err.value.problems[0]) == (
        "contacts.csv, line 5, column contact_id: duplicate contact_id, already on line 2 (value 'C1')"
    )


def test_the_sample_shop_gets_the_same_tables_by_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, fast_lines, careful, careful_lines = import_both_ways(SPORTS, tmp_path, monkeypatch)
    assert tables(fast) == tables(careful)
    assert fast_lines == careful_lines


def test_there_are_at_least_22_broken_shops() -> None:
    assert len(BAD_CASES) >= 22


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_broken_shop_is_refused_with_its_exact_first_problem_and_the_old_warehouse_survives(
    case: str,
    tiny_warehouse: Path,
) -> None:
    before = tiny_warehouse.read_bytes()
    with pytest.raises(ShopImportError) as err:
        import_shop(DATA / "bad" / case, tiny_warehouse)
    expected = (DATA / "bad" / case / "expected.txt").read_text(encoding="utf-8").strip()
    assert str(err.value.problems[0]) == expected
    assert f"  - {expected}" in str(err.value).splitlines()
    assert tiny_warehouse.read_bytes() == before
    assert [p.name for p in tiny_warehouse.parent.iterdir()] == [tiny_warehouse.name]


def test_the_sample_shop_imports_every_line_of_every_file(tmp_path: Path) -> None:
    db = tmp_path / "sports.duckdb"
    report = import_shop(SPORTS, db)
    expected = {
        "contacts": 3000,
        "orders": 5406,
        "order_lines": 8503,
        "products": 43,
        "web_events": 68129,
        "message_events": 64950,
        "workflows": 6,
    }
    for table, n in expected.items():
        assert report.rows[table] == n == one(db, f"SELECT count(*) FROM {table}")
    assert report.buyers == one(
        db, "SELECT count(DISTINCT contact_id) FROM orders WHERE status = 'completed'"
    )
    assert report.orders_from is not None and report.orders_to is not None
    assert report.products == 43 and report.categories > 0 and report.brands > 0
    assert "contacts.csv: UTF-8, ',' separator: 3,000 rows" in "\n".join(report.lines())


def test_skip_invalid_on_the_sample_shop_drops_bad_rows_and_their_dependents_by_reason(
    tmp_path: Path,
) -> None:
    src = tmp_path / "shop"
    shutil.copytree(SPORTS, src)
    with (src / "contacts.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            "ZZ1,z@example.com,,Zed,,male,1980-02-31,,,,ES,es,False,2024-01-01,True,False,False,True\r\n"
        )
    with (src / "orders.csv").open("a", encoding="utf-8") as fh:
        fh.write("ZO1,ZZ1,2025-01-01 10:00:00,10.00,EUR,online,,paypal,,,completed,,,\r\n")
        fh.write("ZO2,C00001,yesterday,10.00,EUR,online,,paypal,,,completed,,,\r\n")
    with (src / "order_lines.csv").open("a", encoding="utf-8") as fh:
        fh.write("ZO1,P0001,1,10.00,0\r\nO000001,NOPE,1,10.00,0\r\n")
    db = tmp_path / "shop.duckdb"
    with pytest.raises(ShopImportError) as err:
        import_shop(src, db)
    assert err.value.total == 3 and not db.exists()
    report = import_shop(src, db, skip_invalid=True)
    by_reason = {(d.file, d.reason): d.count for d in report.dropped}
    assert by_reason == {
        ("contacts.csv", "impossible day in birth_date"): 1,  # 1980-02-31
        ("orders.csv", "bad timestamp in ordered_at"): 1,
        ("orders.csv", "contact was dropped"): 1,
        ("order_lines.csv", "unknown product"): 1,
        ("order_lines.csv", "order was dropped"): 1,
    }
    assert (
        report.rows["contacts"] == 3000
        and report.rows["orders"] == 5406
        and report.rows["order_lines"] == 8503
    )
    example = next(d.examples[0] for d in report.dropped if d.reason == "contact was dropped")
    assert example == "orders.csv, line 5408, column contact_id: its contact was dropped (value 'ZZ1')"
    assert any(line.startswith("Dropped 5 invalid rows") for line in report.lines())


def test_a_latin1_semicolon_shop_with_decimal_commas_loads_with_its_detections(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    report = import_shop(DATA / "good" / "latin1_semicolon", db)
    described = [f.describe() for f in report.files]
    assert "contacts.csv: Latin-1, ';' separator" in described
    assert rows(
        db,
        "SELECT last_name, city, gender, country, birth_date, email_subscribed FROM contacts "
        "ORDER BY contact_id",
    ) == [
        ("Muñoz", "Cádiz", "female", "ES", date(1990, 5, 17), True),
        ("Peña", "Logroño", "male", "ES", date(1979, 1, 2), False),
    ]
    assert rows(db, "SELECT price FROM products ORDER BY product_id") == [
        (Decimal("1234.56"),),
        (Decimal("12.50"),),
        (Decimal("89.00"),),
    ]
    assert one(db, "SELECT total_amount FROM orders WHERE order_id = 'O1'") == Decimal("1247.06")


def test_a_utf8_bom_shop_matches_headers_in_any_case_and_reads_offsets_and_letters(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    report = import_shop(DATA / "good" / "utf8_bom", db)
    assert "contacts.csv: UTF-8 with BOM, ',' separator" in [f.describe() for f in report.files]
    assert rows(db, "SELECT contact_id, gender, country FROM contacts ORDER BY 1") == [
        ("C1", "female", "ES"),
        ("C2", "male", "MX"),
        ("C3", None, None),
    ]
    assert rows(db, "SELECT CAST(ordered_at AS VARCHAR), status FROM orders ORDER BY 1") == [
        ("2025-01-10 12:00:00.25", "completed"),
        ("2025-02-11 00:00:00", "completed"),
    ]
    assert rows(db, "SELECT DISTINCT returned_quantity FROM order_lines") == [(0,)]


def test_spanish_yes_no_words_and_h_m_letters_read_as_booleans_and_genders(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_shop(DATA / "good" / "spanish_words", db)
    assert rows(
        db,
        "SELECT gender, is_company, email_subscribed, sms_subscribed, ads_consent FROM contacts "
        "ORDER BY contact_id",
    ) == [
        ("male", False, True, True, True),
        ("female", False, False, False, False),
        ("male", True, True, False, None),
    ]


def test_extra_contact_columns_become_custom_fields_and_extra_order_columns_are_ignored(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shop.duckdb"
    report = import_shop(DATA / "good" / "custom_column", db)
    assert report.custom_fields == ["loyalty_tier", "signup_store"]
    assert report.ignored_columns == {"orders.csv": ["internal_note"]}
    assert rows(db, "SELECT contact_id, field, value FROM contact_custom_fields ORDER BY 1, 2") == [
        ("C1", "loyalty_tier", "gold"),
        ("C1", "signup_store", "Madrid"),
        ("C2", "signup_store", "Sevilla"),
        ("C3", "loyalty_tier", "silver"),
    ]


def test_a_shop_with_only_the_three_required_files_leaves_the_other_tables_empty(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    report = import_shop(DATA / "good" / "required_only", db)
    assert report.rows["order_lines"] == 3
    for table in ("products", "web_events", "message_events", "workflows"):
        assert report.rows[table] == 0 == one(db, f"SELECT count(*) FROM {table}")


def test_a_parquet_shop_loads_the_same_rows_as_its_csv_twin(tmp_path: Path) -> None:
    src = tmp_path / "parquet"
    src.mkdir()
    con = duckdb.connect()
    for csv in (DATA / "good" / "base").glob("*.csv"):
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv}', all_varchar = true)) "
            f"TO '{src / (csv.stem + '.parquet')}' "
            "(FORMAT parquet)"
        )
    con.close()
    from_csv, from_parquet = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    import_shop(DATA / "good" / "base", from_csv)
    report = import_shop(src, from_parquet)
    assert {f.describe() for f in report.files} == {
        f"{t}.parquet: Parquet" for t in report.rows if (src / f"{t}.parquet").exists()
    }
    for table in ("contacts", "orders", "order_lines", "products"):
        sql = f"SELECT * FROM {table} ORDER BY ALL"
        assert rows(from_csv, sql) == rows(from_parquet, sql)


def test_values_are_mapped_as_the_data_model_says(tiny_warehouse: Path) -> None:
    assert rows(
        tiny_warehouse,
        "SELECT contact_id, email, phone, postal_code, country, language FROM contacts ORDER BY 1",
    ) == [
        ("C1", "ana@example.com", "+34 600 000 001", "08001", "ES", "es"),
        ("C2", " bob@example.com ", "600000002", "28001", "ES", "en"),
        ("C3", None, None, None, "MX", "es"),
    ]
    assert rows(tiny_warehouse, "SELECT order_id, CAST(ordered_at AS VARCHAR) FROM orders ORDER BY 1") == [
        ("O1", "2025-01-10 12:00:00"),
        ("O2", "2025-02-11 13:00:00"),
        ("O3", "2025-03-12 00:00:00"),
    ]
    assert rows(
        tiny_warehouse, "SELECT returned_quantity FROM order_lines ORDER BY order_id, product_id"
    ) == [
        (0,),
        (0,),
        (0,),
        (1,),
    ]
    meta = dict(rows(tiny_warehouse, "SELECT key, value FROM segmenta_meta"))
    assert meta["source"].endswith("good/base") and meta["imported_at"]


def test_saved_segments_of_an_older_warehouse_move_to_their_store_and_survive_the_import(
    tiny_warehouse: Path,
) -> None:
    """A warehouse from before the segment store kept its segments inside: the import moves them out."""
    from segmenta.warehouse import userstore

    con = duckdb.connect(str(tiny_warehouse))
    for ddl in userstore._DDL:
        con.execute(ddl)
    con.execute("INSERT INTO user_segments (name, kind, request) VALUES ('vip', 'static', 'r')")
    con.execute("INSERT INTO user_segment_members VALUES ('vip', 'C1'), ('vip', 'C2')")
    con.close()
    assert not userstore.store_path(tiny_warehouse).exists()
    import_shop(DATA / "good" / "custom_column", tiny_warehouse)
    assert userstore.store_path(tiny_warehouse).exists()
    assert one(tiny_warehouse, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'user_%'") == 0
    assert one(tiny_warehouse, "SELECT count(*) FROM contact_custom_fields") == 4
    found = userstore.tables(tiny_warehouse)
    assert found is not None
    assert found["user_segments"].column("name").to_pylist() == ["vip"]
    assert sorted(found["user_segment_members"].column("contact_id").to_pylist()) == ["C1", "C2"]


def test_an_import_leaves_the_segment_store_as_it_was(tiny_warehouse: Path) -> None:
    from segmenta.warehouse import userstore

    with userstore.writable(tiny_warehouse) as con:
        con.execute("INSERT INTO user_segments (name, kind, request) VALUES ('kept', 'dynamic', 'r')")
    before = userstore.store_path(tiny_warehouse).read_bytes()
    import_shop(DATA / "good" / "custom_column", tiny_warehouse)
    assert userstore.store_path(tiny_warehouse).read_bytes() == before


def test_ctrl_c_during_an_import_removes_the_temp_file_and_keeps_the_old_warehouse(
    tiny_warehouse: Path,
) -> None:
    before = tiny_warehouse.read_bytes()

    def interrupt(step: str, done: int, total: int) -> None:
        if step.startswith("writing"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_shop(DATA / "good" / "custom_column", tiny_warehouse, progress=interrupt)
    assert tiny_warehouse.read_bytes() == before
    assert [p.name for p in tiny_warehouse.parent.iterdir()] == [tiny_warehouse.name]


def test_progress_counts_bytes_of_the_files_up_to_their_total(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    import_shop(
        DATA / "good" / "base", tmp_path / "shop.duckdb", progress=lambda s, d, t: seen.append((s, d, t))
    )
    size = sum(p.stat().st_size for p in (DATA / "good" / "base").glob("*.csv"))
    assert {t for _, _, t in seen} == {2 * size}
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
    assert seen[0][0] == "reading contacts.csv" and seen[-1] == ("finishing", 2 * size, 2 * size)


def test_a_file_that_is_not_a_warehouse_is_never_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("my notes", encoding="utf-8")
    with pytest.raises(WarehouseError, match="choose another --db"):
        import_shop(DATA / "good" / "base", db)
    assert db.read_text(encoding="utf-8") == "my notes"


def test_latin1_bytes_beyond_the_sniffed_start_switch_the_file_to_latin1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "_build", the_careful_path_must_not_run)
    src = tmp_path / "shop"
    shutil.copytree(DATA / "good" / "base", src)
    head = "contact_id,first_name\n" + "".join(f"K{i},Name{i}\n" for i in range(8000))
    (src / "contacts.csv").write_bytes((head + "C1,Begoña\nC2,Bob\nC3,Sam\n").encode("latin-1"))
    report = import_shop(src, tmp_path / "shop.duckdb")
    assert "contacts.csv: Latin-1, ',' separator" in [f.describe() for f in report.files]
    assert (
        one(tmp_path / "shop.duckdb", "SELECT first_name FROM contacts WHERE contact_id = 'C1'") == "Begoña"
    )


def test_line_numbers_count_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    src = tmp_path / "shop"
    shutil.copytree(DATA / "good" / "base", src)
    (src / "contacts.csv").write_text(
        'contact_id,first_name,birth_date\nC1,"Ana\nMaría",1990-01-01\n\nC2,Bob,1990-02-30\nC3,Sam,\n',
        encoding="utf-8",
    )
    with pytest.raises(ShopImportError) as err:
        import_shop(src, tmp_path / "shop.duckdb")
    assert str(err.value.problems[0]) == (
        "contacts.csv, line 5, column birth_date: no such day in the calendar (value '1990-02-30')"
    )


@pytest.mark.parametrize(
    ("table", "row", "column", "said"),
    [
        ("contacts", "C9,,,,,2001-02-29,,,,,", "birth_date", "no such day in the calendar"),
        ("contacts", "C9,,,,,17/05/1990,,,,,", "birth_date", "not a valid date (use ISO 8601"),
        ("orders", "O9,C1,2026-04-31 10:00:00,5,EUR,completed", "ordered_at", "no such day in the calendar"),
        (
            "orders",
            "O9,C1,2026-04-03 25:00:00,5,EUR,completed",
            "ordered_at",
            "not a valid timestamp (use ISO",
        ),
    ],
)
def test_a_day_written_right_that_the_calendar_lacks_is_said_so_not_called_a_format_error(
    tmp_path: Path, table: str, row: str, column: str, said: str
) -> None:
    src = tmp_path / "shop"
    shutil.copytree(DATA / "good" / "base", src)
    path = src / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n{row}\n", encoding="utf-8")
    with pytest.raises(ShopImportError) as err:
        import_shop(src, tmp_path / "shop.duckdb")
    (p,) = err.value.problems
    assert (p.file, p.column) == (f"{table}.csv", column) and p.message.startswith(said), str(p)


def test_a_refusal_shows_the_first_20_problems_and_the_total(tmp_path: Path) -> None:
    src = tmp_path / "shop"
    shutil.copytree(DATA / "good" / "base", src)
    lines = "".join(f"X{i},Ann,1990-02-30\n" for i in range(25))
    (src / "contacts.csv").write_text(
        "contact_id,first_name,birth_date\nC1,A,\nC2,B,\nC3,C,\n" + lines, encoding="utf-8"
    )
    with pytest.raises(ShopImportError) as err:
        import_shop(src, tmp_path / "shop.duckdb")
    assert err.value.total == 25
    assert len(err.value.problems) == 20
    assert str(err.value).splitlines()[-2] == f"  ... and {err.value.total - 20} more"
    assert err.value.problems[0].line == 5


def test_skip_invalid_drops_the_lines_of_an_order_whose_contact_was_dropped(tmp_path: Path) -> None:
    report = import_shop(DATA / "bad" / "bad_boolean", tmp_path / "shop.duckdb", skip_invalid=True)
    assert [(d.file, d.reason, d.count) for d in report.dropped] == [
        ("contacts.csv", "bad boolean in email_subscribed", 1),
        ("orders.csv", "contact was dropped", 1),
        ("order_lines.csv", "order was dropped", 1),
    ]
    assert report.dropped_rows == {"contacts.csv": 1, "orders.csv": 1, "order_lines.csv": 1}
    assert report.rows["contacts"] == 2 and report.rows["orders"] == 2 and report.rows["order_lines"] == 3


def test_skip_invalid_still_refuses_problems_no_dropped_row_can_fix(tmp_path: Path) -> None:
    with pytest.raises(ShopImportError, match="missing required column"):
        import_shop(DATA / "bad" / "missing_required_column", tmp_path / "shop.duckdb", skip_invalid=True)


def test_skip_invalid_drops_malformed_lines(tmp_path: Path) -> None:
    report = import_shop(DATA / "bad" / "too_many_fields", tmp_path / "shop.duckdb", skip_invalid=True)
    assert report.dropped[0].reason == "malformed CSV lines"
    assert report.dropped[0].examples == (
        "orders.csv, line 2: malformed CSV line: 7 fields where the header has 6",
    )


def test_a_file_with_mixed_line_endings_is_read_and_noted(tmp_path: Path) -> None:
    src = tmp_path / "shop"
    shutil.copytree(DATA / "good" / "base", src)
    text = (src / "orders.csv").read_text(encoding="utf-8").replace(
        "\n", "\r\n"
    ) + "O4,C3,2025-04-01,5,EUR,completed\n"
    (src / "orders.csv").write_bytes(text.encode())
    report = import_shop(src, tmp_path / "shop.duckdb")
    assert report.rows["orders"] == 4
    assert any(n.startswith("orders.csv: mixed line endings") for n in report.notes)


@pytest.mark.parametrize("module", [values, csvread, checks, import_report])
def test_the_doctests_of_the_import_modules_pass(module: Any) -> None:
    assert doctest.testmod(module).failed == 0
