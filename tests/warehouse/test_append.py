"""``segmenta import DIR --append``: new and changed rows by id, the same checks as a full import,
nothing half-appended, the same files twice change nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from segmenta.errors import ShopImportError
from segmenta.warehouse.append import append_shop
from segmenta.warehouse.demo import build_demo


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("append") / "base.duckdb"
    build_demo(db, contacts=300, seed=5, until=date(2026, 6, 30))
    return db


@pytest.fixture
def shop(base: Path, tmp_path: Path) -> Path:
    db = tmp_path / "shop.duckdb"
    db.write_bytes(base.read_bytes())
    return db


def _one(db: Path, sql: str) -> tuple:  # type: ignore[type-arg]
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        assert row is not None
        return row
    finally:
        con.close()


def _files(folder: Path, **tables: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_new_and_changed_orders_are_appended_and_the_same_files_twice_change_nothing(
    shop: Path, tmp_path: Path
) -> None:
    order_id, contact_id, product_id, brand = _one(
        shop,
        "SELECT o.order_id, o.contact_id, l.product_id, o.card_brand FROM orders o "
        "JOIN order_lines l USING (order_id) WHERE o.status = 'completed' AND o.card_brand IS NOT NULL "
        "ORDER BY o.order_id LIMIT 1",
    )
    before = _one(shop, "SELECT count(*), (SELECT count(*) FROM order_lines) FROM orders")
    files = _files(
        tmp_path / "day",
        orders="order_id,contact_id,ordered_at,total_amount,currency,channel,payment_method,status\n"
        f"NEW-1,{contact_id},2026-06-30 10:00:00,250.00,EUR,online,bizum,completed\n"
        f"{order_id},{contact_id},2026-01-10 16:36:27,44.99,EUR,online,credit_card,returned\n",
        order_lines="order_id,product_id,quantity,unit_price,returned_quantity\n"
        f"NEW-1,{product_id},5,50.00,0\n",
    )
    report = append_shop(files, shop)
    assert any("orders +1 new, 1 changed" in n for n in report.notes), report.notes
    after = _one(shop, "SELECT count(*), (SELECT count(*) FROM order_lines) FROM orders")
    assert after == (before[0] + 1, before[1] + 1)
    changed = _one(shop, f"SELECT status, card_brand FROM orders WHERE order_id = '{order_id}'")
    assert changed == ("returned", brand)  # a column the file lacks keeps its stored value
    # the lines of an order the file does not list are kept
    assert _one(shop, f"SELECT count(*) FROM order_lines WHERE order_id = '{order_id}'")[0] >= 1
    # RFM and metrics are rebuilt from the appended orders
    assert _one(
        shop,
        f"SELECT total_spent >= 250 FROM contact_metrics(DATE '2026-06-30') WHERE contact_id = '{contact_id}'",
    )[0]
    snapshot = _one(shop, "SELECT sum(hash(o)) FROM orders o")
    again = append_shop(files, shop)
    assert any("orders +0 new, 0 changed, 2 already there" in n for n in again.notes), again.notes
    assert _one(shop, "SELECT sum(hash(o)) FROM orders o") == snapshot


def test_a_bad_row_is_named_by_the_appended_files_line_and_nothing_changes(
    shop: Path, tmp_path: Path
) -> None:
    contact_id = _one(shop, "SELECT min(contact_id) FROM contacts")[0]
    before = _one(shop, "SELECT count(*), sum(hash(o)) FROM orders o")
    files = _files(
        tmp_path / "bad",
        orders="order_id,contact_id,ordered_at,total_amount,currency,channel,payment_method,status\n"
        f"NEW-2,{contact_id},2026-06-30 10:00:00,25.00,EUR,online,bizum,completed\n"
        f"NEW-3,{contact_id},2026-06-31 10:00:00,25.00,EUR,online,bizum,completed\n",
    )
    with pytest.raises(ShopImportError) as e:
        append_shop(files, shop)
    p = e.value.problems[0]
    assert (p.file, p.line, p.column) == ("orders.csv", 3, "ordered_at"), str(e.value)
    assert _one(shop, "SELECT count(*), sum(hash(o)) FROM orders o") == before


def test_contacts_keep_their_custom_fields_and_events_are_added_once(shop: Path, tmp_path: Path) -> None:
    first = _one(shop, "SELECT min(contact_id) FROM contacts")[0]
    files = _files(
        tmp_path / "people",
        contacts="contact_id,email,city,club\n"
        f"{first},changed@example.com,Cádiz,oro\n"
        "NEW-C,new@example.com,Vigo,plata\n",
        message_events="contact_id,channel,event_type,occurred_at,message_id\n"
        "NEW-C,email,sent,2026-06-29 09:00:00,m-1\n",
    )
    append_shop(files, shop)
    assert _one(shop, f"SELECT email, city FROM contacts WHERE contact_id = '{first}'") == (
        "changed@example.com",
        "Cádiz",
    )
    assert _one(
        shop, "SELECT value FROM contact_custom_fields WHERE contact_id = 'NEW-C' AND field = 'club'"
    ) == ("plata",)
    events = _one(shop, "SELECT count(*) FROM message_events")[0]
    append_shop(files, shop)
    assert _one(shop, "SELECT count(*) FROM message_events")[0] == events  # the same event is not added twice
    assert _one(shop, "SELECT count(*) FROM contacts WHERE contact_id = 'NEW-C'") == (1,)


def test_saved_segments_keep_their_history_across_an_append(shop: Path, tmp_path: Path) -> None:
    from segmenta.tools.segments import list_segments, save

    saved = save(
        shop, "Madrid", plan=None, request="clientes de Madrid", static=False, as_of=date(2026, 6, 30)
    )
    contact_id = _one(shop, "SELECT min(contact_id) FROM contacts")[0]
    files = _files(
        tmp_path / "one",
        orders="order_id,contact_id,ordered_at,total_amount,currency,channel,status\n"
        f"NEW-9,{contact_id},2026-06-30 11:00:00,10.00,EUR,online,completed\n",
    )
    append_shop(files, shop)
    kept = list_segments(shop)
    assert [s.name for s in kept] == ["Madrid"] and kept[0].history == saved.history


def test_appending_needs_a_warehouse(tmp_path: Path) -> None:
    with pytest.raises(ShopImportError, match="no warehouse to append to"):
        append_shop(_files(tmp_path / "x", orders="order_id\n"), tmp_path / "none.duckdb")


def _tables(db: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every table of a warehouse, its rows sorted (row order is no part of a table)."""
    from segmenta.warehouse.schema import CUSTOM_FIELDS_TABLE, TABLES

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in [*TABLES, CUSTOM_FIELDS_TABLE]
        }
    finally:
        con.close()


def _day(shop: Path, folder: Path) -> Path:
    """One day of every kind of change: new and changed orders (a column missing), an order's lines
    replaced, a new contact and a changed one whose custom field is emptied, events with and without
    an id, one of them already stored."""
    order_id, contact_id, product_id = _one(
        shop,
        "SELECT o.order_id, o.contact_id, l.product_id FROM orders o JOIN order_lines l USING (order_id) "
        "ORDER BY o.order_id LIMIT 1",
    )
    other = _one(shop, "SELECT max(product_id) FROM products")[0]
    returned = _one(
        shop,
        "SELECT order_id, product_id, quantity, unit_price FROM order_lines WHERE returned_quantity > 0 "
        f"AND order_id <> '{order_id}' ORDER BY ALL LIMIT 1",
    )
    web = _one(shop, "SELECT visitor_id, occurred_at, event_type FROM web_events ORDER BY ALL LIMIT 1")
    return _files(
        folder,
        contacts="contact_id,email,city,club\n"
        f"{contact_id},Changed@Example.com ,Cádiz,\n"
        "NEW-C,new@example.com,Vigo,plata\n",
        orders="order_id,contact_id,ordered_at,total_amount,currency,channel,status\n"
        "NEW-1,NEW-C,2026-06-30 10:00:00,250.00,EUR,online,completed\n"
        f"{order_id},{contact_id},2026-01-10 16:36:27,44.99,EUR,online,returned\n",
        order_lines="order_id,product_id,quantity,unit_price\n"
        f"NEW-1,{product_id},5,50.00\n"
        f"{order_id},{other},1,44.99\n"
        # a stored line sent again without its returns: it keeps them
        f"{returned[0]},{returned[1]},{returned[2]},{returned[3]}\n",
        web_events="visitor_id,occurred_at,event_type\n"
        f"{web[0]},{web[1]},{web[2]}\n"
        "v-new,2026-06-30 12:00:00,page_view\n",
        message_events="contact_id,channel,event_type,occurred_at,message_id\n"
        "NEW-C,email,sent,2026-06-29 09:00:00,m-1\n",
    )


def test_the_fast_path_appends_exactly_what_the_careful_path_appends(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segmenta.warehouse import fast_append

    careful = tmp_path / "careful.duckdb"
    careful.write_bytes(shop.read_bytes())
    files = _day(shop, tmp_path / "day")
    resent = [
        line.split(",") for line in (files / "order_lines.csv").read_text(encoding="utf-8").splitlines()
    ][-1]
    returns = f"SELECT returned_quantity FROM order_lines WHERE order_id = '{resent[0]}' AND product_id = '{resent[1]}'"
    before = _one(shop, returns)
    taken: list[bool] = []
    real = fast_append.fast_append

    def spy(*args: object, **kw: object) -> object:
        result = real(*args, **kw)  # type: ignore[arg-type]
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fast_append, "fast_append", spy)
    fast_notes = append_shop(files, shop).notes
    assert taken == [True], "one day of ordinary rows goes the fast way"
    monkeypatch.setattr(fast_append, "fast_append", lambda *a, **k: None)
    careful_notes = append_shop(files, careful).notes
    assert fast_notes[0] == careful_notes[0], (fast_notes, careful_notes)
    assert _tables(shop) == _tables(careful)
    assert _one(shop, returns) == before and before[0] > 0, "a line sent without its returns keeps them"
    # twice: nothing changes, on either path
    monkeypatch.setattr(fast_append, "fast_append", spy)
    stored = shop.read_bytes()
    report = append_shop(files, shop)
    again = report.notes[0]
    assert taken == [True, True] and "+0 new, 0 changed" in again and "+1 new" not in again, again
    assert shop.read_bytes() == stored, "nothing new: the warehouse is left byte for byte"
    assert report.lines()[0].startswith(f"Nothing new in {files}")
    assert _tables(shop) == _tables(careful)


def test_a_reference_to_a_row_in_neither_the_files_nor_the_warehouse_goes_the_careful_way(
    shop: Path, tmp_path: Path
) -> None:
    before = _tables(shop)
    files = _files(
        tmp_path / "orphan",
        orders="order_id,contact_id,ordered_at,total_amount\nNEW-5,NOBODY,2026-06-30 10:00:00,5.00\n",
    )
    with pytest.raises(ShopImportError) as e:
        append_shop(files, shop)
    p = e.value.problems[0]
    assert (p.file, p.line, p.column) == ("orders.csv", 2, "contact_id"), str(e.value)
    assert "parquet" not in str(e.value), "the message names what the marketer has, not a work file"
    assert _tables(shop) == before


def test_a_change_of_a_custom_field_alone_is_a_change_on_both_paths(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segmenta.warehouse import fast_append

    first = _one(shop, "SELECT min(contact_id) FROM contacts")[0]
    append_shop(_files(tmp_path / "one", contacts=f"contact_id,club\n{first},oro\n"), shop)
    careful = tmp_path / "careful.duckdb"
    careful.write_bytes(shop.read_bytes())
    files = _files(tmp_path / "two", contacts=f"contact_id,club\n{first},plata\n")
    fast_notes = append_shop(files, shop).notes
    monkeypatch.setattr(fast_append, "fast_append", lambda *a, **k: None)
    careful_notes = append_shop(files, careful).notes
    assert "contacts +0 new, 1 changed" in fast_notes[0], fast_notes
    assert fast_notes[0] == careful_notes[0]
    assert _one(shop, f"SELECT value FROM contact_custom_fields WHERE contact_id = '{first}'") == ("plata",)
    assert _tables(shop) == _tables(careful)
