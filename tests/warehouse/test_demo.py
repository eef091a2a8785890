"""The demo shop: deterministic, referentially sound, cut at ``until``, and realistic in its shares."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from segmenta.errors import WarehouseError
from segmenta.warehouse import demo, demo_orders, demo_people, demo_web
from segmenta.warehouse.demo import build_demo
from segmenta.warehouse.schema import TABLES

UNTIL = date(2026, 6, 30)
N = 3000


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = tmp_path_factory.mktemp("demo") / "shop.duckdb"
    build_demo(db, contacts=N, seed=11, until=UNTIL)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def fingerprint(db: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*), sum(hash(rowid, x)::HUGEINT) FROM {t} x").fetchone()  # type: ignore[misc]
            for t in TABLES
        }
    finally:
        con.close()


def test_the_same_contacts_seed_and_until_give_identical_tables_in_the_same_row_order(tmp_path: Path) -> None:
    build_demo(tmp_path / "a.duckdb", contacts=2000, seed=3, until=UNTIL)
    build_demo(tmp_path / "b.duckdb", contacts=2000, seed=3, until=UNTIL)
    build_demo(tmp_path / "c.duckdb", contacts=2000, seed=4, until=UNTIL)
    a, b, c = (fingerprint(tmp_path / f"{x}.duckdb") for x in "abc")
    assert a == b
    assert a["orders"] != c["orders"]


def test_every_reference_points_to_an_existing_row(shop: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "orders without contact": "SELECT count(*) FROM orders o ANTI JOIN contacts c USING (contact_id)",
        "lines without order": "SELECT count(*) FROM order_lines l ANTI JOIN orders o USING (order_id)",
        "lines without product": "SELECT count(*) FROM order_lines l ANTI JOIN products p USING (product_id)",
        "web events without contact": "SELECT count(*) FROM web_events w WHERE contact_id IS NOT NULL "
        "AND contact_id NOT IN (SELECT contact_id FROM contacts)",
        "messages without contact": "SELECT count(*) FROM message_events m "
        "ANTI JOIN contacts c USING (contact_id)",
        "messages with unknown workflow": "SELECT count(*) FROM message_events WHERE workflow_id IS NOT NULL "
        "AND workflow_id NOT IN (SELECT workflow_id FROM workflows)",
        "orders without lines": "SELECT count(*) FROM orders o ANTI JOIN order_lines l USING (order_id)",
    }
    assert {k: one(shop, sql) for k, sql in checks.items()} == dict.fromkeys(checks, 0)


def test_nothing_happens_after_the_end_of_until(shop: duckdb.DuckDBPyConnection) -> None:
    end = datetime(2026, 7, 1)
    for table, col in (
        ("orders", "ordered_at"),
        ("web_events", "occurred_at"),
        ("message_events", "occurred_at"),
        ("contacts", "created_at"),
        ("workflows", "created_at"),
    ):
        assert one(shop, f"SELECT max({col}) FROM {table}") < end, table
    assert one(shop, "SELECT min(ordered_at) FROM orders") >= datetime(2023, 6, 30)


def test_known_contacts_act_only_after_they_were_created(shop: duckdb.DuckDBPyConnection) -> None:
    for table, col in (
        ("orders", "ordered_at"),
        ("web_events", "occurred_at"),
        ("message_events", "occurred_at"),
    ):
        late = one(
            shop,
            f"SELECT count(*) FROM {table} x JOIN contacts c USING (contact_id) WHERE x.{col} < c.created_at",
        )
        assert late == 0, table


def test_buying_is_heavy_tailed_with_a_realistic_share_of_buyers(shop: duckdb.DuckDBPyConnection) -> None:
    buyers, one_order, mean, top = shop.execute(
        "SELECT count(*), avg((n = 1)::INT), avg(n), max(n) FROM "
        "(SELECT contact_id, count(*) n FROM orders GROUP BY 1)"
    ).fetchone()  # type: ignore[misc]
    assert 0.30 < buyers / N < 0.70
    assert one_order > 0.45
    assert 2.0 < mean < 4.5
    assert top >= 15


def test_order_statuses_payments_and_stores_are_coherent(shop: duckdb.DuckDBPyConnection) -> None:
    status = dict(
        shop.execute(
            "SELECT status, avg(1) OVER () * count(*) / (SELECT count(*) FROM orders) "
            "FROM orders GROUP BY status"
        ).fetchall()
    )
    assert 0.015 < status["cancelled"] < 0.05 and 0.01 < status["returned"] < 0.04
    assert one(shop, "SELECT count(*) FROM orders WHERE (channel = 'store') <> (store IS NOT NULL)") == 0
    assert (
        one(shop, "SELECT count(*) FROM orders WHERE card_brand = 'amex' AND payment_method <> 'credit_card'")
        == 0
    )
    assert (
        one(
            shop,
            "SELECT count(*) FROM orders WHERE card_brand IS NOT NULL "
            "AND payment_method NOT IN ('credit_card', 'debit_card')",
        )
        == 0
    )
    assert one(shop, "SELECT count(*) FROM orders WHERE payment_method = 'cash' AND channel <> 'store'") == 0
    assert (
        one(
            shop,
            "SELECT count(*) FROM orders o JOIN contacts c USING (contact_id) "
            "WHERE payment_method = 'bizum' AND c.country <> 'ES'",
        )
        == 0
    )
    assert one(shop, "SELECT count(*) FROM order_lines WHERE returned_quantity > 0") > 0
    assert one(shop, "SELECT count(*) FROM order_lines WHERE returned_quantity > quantity") == 0


def test_store_orders_come_mostly_from_contacts_of_the_store_city(shop: duckdb.DuckDBPyConnection) -> None:
    near = one(
        shop,
        "SELECT avg((split_part(store, ' ', 1) = split_part(c.city, ' ', 1) "
        "OR (store LIKE 'CDMX%' AND c.city = 'Ciudad de México'))::INT) "
        "FROM orders o JOIN contacts c USING (contact_id) WHERE channel = 'store'",
    )
    assert near > 0.7


def test_mexican_prices_are_about_twenty_times_the_spanish_ones(shop: duckdb.DuckDBPyConnection) -> None:
    eur = one(shop, "SELECT median(total_amount) FROM orders WHERE currency = 'EUR'")
    mxn = one(shop, "SELECT median(total_amount) FROM orders WHERE currency = 'MXN'")
    assert 30 < eur < 200
    assert 12 < mxn / eur < 30


def test_black_friday_is_the_busiest_week(shop: duckdb.DuckDBPyConnection) -> None:
    weeks = shop.execute(
        "SELECT date_trunc('week', ordered_at) w, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    ).fetchone()
    assert weeks is not None and weeks[0].month == 11


def test_swimming_sells_in_summer_and_football_at_the_start_of_the_season(
    shop: duckdb.DuckDBPyConnection,
) -> None:
    share = dict(
        shop.execute("""
        SELECT p.category || month(o.ordered_at) // 3, count(*)
        FROM orders o JOIN order_lines l USING (order_id) JOIN products p USING (product_id)
        WHERE p.category IN ('Natación', 'Fútbol') GROUP BY 1""").fetchall()
    )
    assert share["Natación2"] > 2 * share["Natación0"]  # Jun-Aug vs Jan-Feb
    assert share["Fútbol2"] + share["Fútbol3"] > share["Fútbol1"] * 1.5


def test_contacts_prefer_one_or_two_categories(shop: duckdb.DuckDBPyConnection) -> None:
    top_two = one(
        shop,
        """
        WITH per AS (SELECT o.contact_id, p.category, count(*) n
                     FROM orders o JOIN order_lines l USING (order_id)
                     JOIN products p USING (product_id) GROUP BY 1, 2),
        ranked AS (SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY n DESC, category) r,
                   sum(n) OVER (PARTITION BY contact_id) total FROM per)
        SELECT sum(n) FILTER (WHERE r <= 2) / sum(n) FROM ranked WHERE total >= 5""",
    )
    assert top_two > 0.6


def test_contacts_look_like_a_real_export(shop: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(shop, "SELECT count(*) FROM contacts WHERE city = 'Barcelona' AND postal_code NOT LIKE '08___'")
        == 0
    )
    assert one(shop, "SELECT count(DISTINCT country) FROM contacts WHERE country IN ('ES', 'MX')") == 2
    assert one(shop, "SELECT count(*) FROM contacts WHERE email <> trim(email)") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE email <> lower(email)") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE email NOT LIKE '%@%.%'") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE phone LIKE '+34%'") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE phone LIKE '(%) %'") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE phone IN ('n/a', '-', 'sin teléfono')") > 0
    assert one(shop, "SELECT count(*) FROM contacts WHERE sms_subscribed AND phone IS NULL") == 0
    shares = shop.execute(
        "SELECT avg(email_subscribed::INT), avg(sms_subscribed::INT), avg(push_subscribed::INT), "
        "avg(ads_consent::INT), avg(is_company::INT), avg((birth_date IS NULL)::INT) "
        "FROM contacts"
    ).fetchone()
    assert shares is not None
    email, sms, push, ads, company, no_birth = shares
    assert 0.55 < email < 0.75 and 0.2 < sms < 0.4 and 0.15 < push < 0.35 and 0.45 < ads < 0.65
    assert 0.01 < company < 0.06 and 0.1 < no_birth < 0.35


def test_some_anonymous_visitors_later_sign_up_on_the_same_device(shop: duckdb.DuckDBPyConnection) -> None:
    converted = one(
        shop,
        """
        SELECT count(DISTINCT s.visitor_id) FROM web_events s JOIN web_events a USING (visitor_id)
        WHERE s.event_type = 'signup' AND a.contact_id IS NULL AND a.occurred_at < s.occurred_at""",
    )
    never = one(
        shop,
        "SELECT count(*) FROM (SELECT visitor_id FROM web_events GROUP BY 1 HAVING count(contact_id) = 0)",
    )
    assert converted > 0.1 * N and never > 0.3 * N


def test_each_contact_has_about_a_dozen_web_and_message_events(shop: duckdb.DuckDBPyConnection) -> None:
    web = one(shop, "SELECT count(*) FROM web_events") / N
    messages = one(shop, "SELECT count(*) FROM message_events") / N
    assert 9 < web < 15 and 9 < messages < 15


def test_urls_show_the_product_category_or_search_of_their_event(shop: duckdb.DuckDBPyConnection) -> None:
    wrong = one(
        shop,
        """SELECT count(*) FROM web_events WHERE CASE event_type
             WHEN 'product_view' THEN url <> '/p/' || product_id
             WHEN 'category_view' THEN url NOT LIKE '/c/%' OR url LIKE '%á%' OR url LIKE '% %'
             WHEN 'search' THEN url <> '/buscar?q=' || replace(search_term, ' ', '+')
             WHEN 'add_to_cart' THEN url <> '/carrito'
             WHEN 'page_view' THEN url <> '/'
             ELSE url IS NULL END""",
    )
    assert wrong == 0
    assert one(shop, "SELECT count(DISTINCT url) FROM web_events WHERE event_type = 'category_view'") > 5


def test_seasonal_utm_campaigns_carry_the_year_of_their_event(shop: duckdb.DuckDBPyConnection) -> None:
    for table, col in (("orders", "ordered_at"), ("web_events", "occurred_at")):
        rows, wrong = shop.execute(
            f"SELECT count(*), count(*) FILTER (WHERE right(utm_campaign, 4) <> year({col})::VARCHAR) "
            f"FROM {table} WHERE utm_campaign IS NOT NULL"
        ).fetchone()  # type: ignore[misc]
        assert rows > 0 and wrong == 0, table


def test_mobile_carts_are_abandoned_more_than_desktop_ones(shop: duckdb.DuckDBPyConnection) -> None:
    rate = dict(
        shop.execute(
            "SELECT device, count(*) FILTER (WHERE event_type = 'cart_abandoned') / "
            "count(*) FILTER (WHERE event_type = 'add_to_cart') FROM web_events GROUP BY 1"
        ).fetchall()
    )
    assert rate["mobile"] > rate["desktop"]


def test_workflows_fire_after_what_they_are_about(shop: duckdb.DuckDBPyConnection) -> None:
    early_welcome = one(
        shop,
        "SELECT count(*) FROM message_events m JOIN contacts c USING (contact_id) "
        "WHERE m.workflow_id = 'W01' AND m.occurred_at < c.created_at",
    )
    assert early_welcome == 0
    birthdays = one(
        shop,
        "SELECT avg((strftime(m.occurred_at, '%m-%d') = strftime(c.birth_date, '%m-%d') "
        "OR strftime(c.birth_date, '%m-%d') = '02-29')::INT) FROM message_events m "
        "JOIN contacts c USING (contact_id) WHERE m.workflow_id = 'W04' AND event_type = 'sent'",
    )
    assert birthdays == 1
    carts = one(
        shop,
        """SELECT count(*) FROM message_events m WHERE workflow_id = 'W02' AND event_type = 'sent'
        AND NOT EXISTS (SELECT 1 FROM web_events w WHERE w.contact_id = m.contact_id
                        AND w.event_type = 'cart_abandoned' AND w.occurred_at < m.occurred_at)""",
    )
    assert carts == 0
    assert (
        one(
            shop,
            "SELECT count(*) FROM message_events WHERE workflow_id IS NULL AND "
            "(utm_campaign IS NULL OR message_type <> 'promotional')",
        )
        == 0
    )


def test_the_welcome_series_stops_at_a_first_purchase(shop: duckdb.DuckDBPyConnection) -> None:
    second = """FROM message_events m WHERE m.workflow_id = 'W01' AND m.event_type = 'sent'
                AND m.message_name NOT LIKE 'Bienvenida 1%'"""
    after_order = one(
        shop,
        f"SELECT count(*) {second} AND EXISTS (SELECT 1 FROM orders o "
        "WHERE o.contact_id = m.contact_id AND o.ordered_at < m.occurred_at)",
    )
    assert one(shop, f"SELECT count(*) {second}") > 0 and after_order == 0


def test_open_rates_differ_between_workflows_and_campaigns(shop: duckdb.DuckDBPyConnection) -> None:
    rates = dict(
        shop.execute("""SELECT coalesce(workflow_id, 'campaign'),
        count(*) FILTER (WHERE event_type = 'opened') / count(*) FILTER (WHERE event_type = 'sent')
        FROM message_events WHERE channel = 'email' GROUP BY 1""").fetchall()
    )
    assert rates["W01"] > rates["campaign"] + 0.1
    assert 0.1 < rates["campaign"] < 0.35


def test_no_promotional_email_is_sent_after_an_unsubscribe(shop: duckdb.DuckDBPyConnection) -> None:
    unsubscribed = one(
        shop, "SELECT count(DISTINCT contact_id) FROM message_events WHERE event_type = 'unsubscribed'"
    )
    after = one(
        shop,
        """
        WITH u AS (SELECT contact_id, min(occurred_at) t FROM message_events
                   WHERE event_type = 'unsubscribed' AND channel = 'email' GROUP BY 1)
        SELECT count(*) FROM message_events m JOIN u USING (contact_id)
        WHERE m.channel = 'email' AND m.event_type = 'sent' AND m.message_type = 'promotional'
          AND m.occurred_at > u.t""",
    )
    still = one(
        shop,
        "SELECT count(*) FROM contacts WHERE email_subscribed AND contact_id IN "
        "(SELECT contact_id FROM message_events WHERE event_type = 'unsubscribed')",
    )
    assert unsubscribed > 0 and after == 0 and still == 0


def test_promotional_messages_go_only_to_subscribed_channels(shop: duckdb.DuckDBPyConnection) -> None:
    sms = one(
        shop,
        "SELECT count(*) FROM message_events m JOIN contacts c USING (contact_id) "
        "WHERE m.channel = 'sms' AND NOT c.sms_subscribed",
    )
    push = one(
        shop,
        "SELECT count(*) FROM message_events m JOIN contacts c USING (contact_id) "
        "WHERE m.channel = 'push' AND NOT c.push_subscribed",
    )
    assert sms == 0 and push == 0


def test_the_temp_file_is_gone_after_success_and_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "shop.duckdb"
    report = build_demo(db, contacts=300, until=UNTIL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.duckdb"]
    assert report.rows["contacts"] == 300 and any("contacts" in line for line in report.lines())
    before = db.read_bytes()

    def boom(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_finish", boom)
    with pytest.raises(KeyboardInterrupt):
        build_demo(db, contacts=300, seed=99, until=UNTIL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.duckdb"]
    assert db.read_bytes() == before


def test_a_failed_table_write_raises_a_warehouse_error_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(demo_web, "write_web", broken)
    with pytest.raises(WarehouseError, match="disk full"):
        build_demo(tmp_path / "shop.duckdb", contacts=300, until=UNTIL)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("module", [demo_people, demo_orders, demo_web], ids=lambda m: m.__name__)
def test_the_examples_in_the_demo_docstrings_hold(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_the_demo_replaces_an_earlier_demo_but_not_a_shop_nor_saved_segments_without_force(
    tmp_path: Path, tiny_warehouse: Path
) -> None:
    from typer.testing import CliRunner

    from segmenta.cli import app
    from segmenta.warehouse import userstore

    run = CliRunner()
    demo_db = tmp_path / "demo.duckdb"
    args = ["demo", "--contacts", "30", "--until", "2026-06-30", "--db"]
    assert run.invoke(app, [*args, str(demo_db)]).exit_code == 0
    again = run.invoke(app, [*args, str(demo_db)])
    assert again.exit_code == 0, again.output  # an earlier demo is the demo's to replace

    with userstore.writable(demo_db) as con:
        con.execute("INSERT INTO user_segments (name, kind, request) VALUES ('VIP', 'dynamic', 'r')")
    kept = run.invoke(app, [*args, str(demo_db)])
    assert kept.exit_code == 1 and "1 saved segment uses it" in kept.stderr and "--force" in kept.stderr

    before = tiny_warehouse.read_bytes()
    shop = run.invoke(app, [*args, str(tiny_warehouse)])
    assert shop.exit_code == 1 and "holds the shop imported from" in shop.stderr
    assert tiny_warehouse.read_bytes() == before
    forced = run.invoke(app, [*args, str(tiny_warehouse), "--force"])
    assert forced.exit_code == 0, forced.output
