"""The derived-field macros on tiny hand-made warehouses: as-of cut-off, age, RFM, segments, lead score."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segmenta.warehouse.config import Config, set_value
from segmenta.warehouse.derived import (
    MACRO_NAMES,
    install_macros,
    macros_current,
    rfm_segment_case,
    rfm_segment_names,
)
from segmenta.warehouse.schema import create_schema

D = date(2026, 6, 30)


class Shop:
    """A warehouse file in tmp_path with helpers to add rows and read the macros."""

    def __init__(self, path: Path, config: Config | None = None) -> None:
        self.path = path
        self.con = duckdb.connect(str(path))
        create_schema(self.con)
        install_macros(self.con, config or Config())
        self._orders = 0

    def contact(self, cid: str, birth: str | None = None, created: str | None = None) -> None:
        self.con.execute(
            "INSERT INTO contacts (contact_id, birth_date, created_at) VALUES (?, ?, ?)",
            [cid, birth, created],
        )

    def order(self, cid: str, at: str, amount: str = "10", status: str = "completed") -> None:
        self._orders += 1
        self.con.execute(
            "INSERT INTO orders (order_id, contact_id, ordered_at, total_amount, status) "
            "VALUES (?, ?, ?, ?, ?)",
            [f"O{self._orders}", cid, at, Decimal(amount), status],
        )

    def web(self, cid: str | None, at: str, event_type: str = "page_view") -> None:
        self.con.execute(
            "INSERT INTO web_events (visitor_id, contact_id, occurred_at, event_type) VALUES ('v', ?, ?, ?)",
            [cid, at, event_type],
        )

    def message(self, cid: str, at: str, event_type: str = "opened", channel: str = "email") -> None:
        self.con.execute(
            "INSERT INTO message_events (contact_id, channel, event_type, occurred_at) VALUES (?, ?, ?, ?)",
            [cid, channel, event_type, at],
        )

    def rows(self, macro: str, d: date = D, columns: str = "*") -> dict[str, tuple[Any, ...]]:
        """The macro's rows at d, by contact_id (the first column must be contact_id)."""
        out = self.con.execute(f"SELECT {columns} FROM {macro}(?) ORDER BY contact_id", [d]).fetchall()
        return {r[0]: tuple(r[1:]) for r in out}

    def scores(self, d: date = D) -> dict[str, tuple[int, int, int]]:
        return {
            k: (v[0], v[1], v[2])
            for k, v in self.rows("rfm", d, "contact_id, r_score, f_score, m_score").items()
        }


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    s = Shop(tmp_path / "shop.duckdb")
    yield s
    s.con.close()


def shop_with(tmp_path: Path, method: str) -> Shop:
    return Shop(tmp_path / f"{method}.duckdb", set_value(Config(), "rfm.method", method))


def ts(d: date, days_before: int = 0, hour: int = 12) -> str:
    return (datetime(d.year, d.month, d.day, hour) - timedelta(days=days_before)).isoformat(sep=" ")


# --- as-of date -------------------------------------------------------------------------------


def test_an_order_in_the_last_second_of_d_counts_and_one_at_midnight_after_does_not(shop: Shop) -> None:
    shop.contact("A")
    shop.order("A", "2026-06-30 23:59:59", "20")
    shop.order("A", "2026-07-01 00:00:00", "30")
    assert shop.rows("contact_metrics", D, "contact_id, orders_count, total_spent")["A"] == (1, Decimal("20"))
    assert shop.rows("contact_metrics", date(2026, 7, 1), "contact_id, orders_count")["A"] == (2,)
    completed = shop.con.execute("SELECT order_id FROM completed_orders(?)", [D]).fetchall()
    assert [r[0] for r in completed] == ["O1"]


def test_cancelled_and_returned_orders_never_count(shop: Shop) -> None:
    shop.contact("A")
    shop.contact("B")
    shop.order("A", "2026-01-01 10:00", "50", "cancelled")
    shop.order("A", "2026-01-02 10:00", "60", "returned")
    shop.order("B", "2026-01-03 10:00", "70", "returned")
    shop.order("B", "2026-01-04 10:00", "80")
    metrics = shop.rows("contact_metrics", D, "contact_id, orders_count, total_spent, last_order_at")
    assert metrics["A"] == (None, None, None)
    assert metrics["B"] == (1, Decimal("80"), datetime(2026, 1, 4, 10))
    assert set(shop.rows("rfm")) == {"B"}


def test_a_contact_created_after_d_is_absent_everywhere(shop: Shop) -> None:
    shop.contact("OLD", created="2026-06-30 23:59:59")
    shop.contact("NULL")
    shop.contact("NEW", created="2026-07-01 00:00:00")
    shop.order("NEW", "2026-06-01 10:00")  # an order before sign-up does not bring the contact in
    for macro in ("contacts_at", "contact_metrics", "lead_scores"):
        assert set(shop.rows(macro, columns="contact_id")) == {"OLD", "NULL"}, macro
    assert shop.rows("rfm") == {}
    assert set(shop.rows("contacts_at", date(2026, 7, 1), "contact_id")) == {"OLD", "NULL", "NEW"}


def test_contact_metrics_hold_the_order_fields_of_the_data_model(shop: Shop) -> None:
    shop.contact("A")
    shop.contact("NONE")
    shop.order("A", "2026-03-01 09:00", "30.50")
    shop.order("A", "2026-06-20 21:30", "19.50")
    shop.order("A", "2026-05-01 12:00", "40.00")
    row = shop.rows("contact_metrics")["A"]
    assert row[1:] == (datetime(2026, 3, 1, 9), datetime(2026, 6, 20, 21, 30), 3, Decimal("90.00"), 30.0, 10)
    assert shop.rows("contact_metrics")["NONE"] == (None, None, None, None, None, None, None)


# --- age --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("1996-07-01", "2026-06-30", 29),
        ("1996-07-01", "2026-07-01", 30),
        ("2000-02-29", "2025-02-28", 24),  # the birthday is 1 March in a non-leap year
        ("2000-02-29", "2025-03-01", 25),
        ("2000-02-29", "2026-03-01", 26),
        ("2000-02-29", "2024-02-28", 23),
        ("2000-02-29", "2024-02-29", 24),
        ("1990-12-31", "2026-01-01", 35),
    ],
)
def test_age_is_whole_years_completed_at_d(shop: Shop, birth: str, on: str, age: int) -> None:
    shop.contact("A", birth=birth)
    assert shop.rows("contact_metrics", date.fromisoformat(on), "contact_id, age")["A"] == (age,)


def test_a_contact_without_birth_date_has_no_age(shop: Shop) -> None:
    shop.contact("A")
    assert shop.rows("contact_metrics", D, "contact_id, age")["A"] == (None,)


# --- RFM --------------------------------------------------------------------------------------


def ten_distinct_buyers(s: Shop) -> None:
    """Buyer Ki has i + 1 orders, the last 100 - 10 i days before D, and spends more as i grows."""
    for i in range(10):
        cid = f"K{i}"
        s.contact(cid)
        for j in range(i + 1):
            s.order(cid, ts(D, days_before=100 - 10 * i + j), str(10 * (i + 1) + j))


def test_quintile_with_distinct_values_makes_groups_of_20_percent(shop: Shop) -> None:
    ten_distinct_buyers(shop)
    expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert shop.scores() == {f"K{i}": (s, s, s) for i, s in enumerate(expected)}


def test_quintile_never_splits_ties(shop: Shop) -> None:
    for cid in ("A", "B", "C"):  # identical customers
        shop.contact(cid)
        shop.order(cid, "2026-06-01 10:00", "50")
    shop.contact("D")
    shop.order("D", "2026-06-10 10:00", "80")
    shop.contact("E")
    shop.order("E", "2026-06-20 10:00", "90")
    # ranks 1, 1, 1, 4, 5 of N = 5: 1 + floor(5 * (rank - 1) / 5); frequency is 1 for all, rank 1
    assert shop.scores() == {"A": (1, 1, 1), "B": (1, 1, 1), "C": (1, 1, 1), "D": (4, 1, 4), "E": (5, 1, 5)}


def test_recency_is_the_date_of_the_last_order_so_the_same_day_ties(shop: Shop) -> None:
    shop.contact("MORNING")
    shop.order("MORNING", "2026-06-01 08:00")
    shop.contact("EVENING")
    shop.order("EVENING", "2026-06-01 22:00")
    shop.contact("EARLIER")
    shop.order("EARLIER", "2026-05-31 23:59:59")
    r = {k: v[0] for k, v in shop.scores().items()}
    assert r == {"EARLIER": 1, "MORNING": 2, "EVENING": 2}
    assert shop.rows("rfm", D, "contact_id, recency_date")["EVENING"] == (date(2026, 6, 1),)


def test_ntile_splits_ties_by_contact_id(tmp_path: Path) -> None:
    s = shop_with(tmp_path, "ntile")
    for cid in ("C", "A", "B"):
        s.contact(cid)
        s.order(cid, "2026-06-01 10:00", "50")
    s.contact("D")
    s.order("D", "2026-06-10 10:00", "80")
    s.contact("E")
    s.order("E", "2026-06-20 10:00", "90")
    assert s.scores() == {"A": (1, 1, 1), "B": (2, 2, 2), "C": (3, 3, 3), "D": (4, 4, 4), "E": (5, 5, 5)}


def test_ntile_with_distinct_values_matches_quintile(tmp_path: Path) -> None:
    s = shop_with(tmp_path, "ntile")
    ten_distinct_buyers(s)
    expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s.scores() == {f"K{i}": (x, x, x) for i, x in enumerate(expected)}


def test_thresholds_use_the_cut_points_of_the_config(tmp_path: Path) -> None:
    s = shop_with(tmp_path, "thresholds")
    # recency: days since the last order's date (<= 30 -> 5, <= 90 -> 4, <= 180 -> 3, <= 365 -> 2)
    for days, want in [(0, 5), (30, 5), (31, 4), (90, 4), (91, 3), (180, 3), (181, 2), (365, 2), (366, 1)]:
        cid = f"R{days:03d}"
        s.contact(cid)
        s.order(cid, ts(D, days_before=days, hour=23))
        assert s.scores()[cid][0] == want, days
    # frequency: 1 -> 1, 2 -> 2, ..., 5 and more -> 5
    for n, want in [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (7, 5)]:
        cid = f"F{n}"
        s.contact(cid)
        for j in range(n):
            s.order(cid, ts(D, days_before=j))
        assert s.scores()[cid][1] == want, n
    # monetary: < 100 -> 1, >= 100 -> 2, >= 250 -> 3, >= 500 -> 4, >= 1000 -> 5
    for amount, want in [
        ("99.99", 1),
        ("100", 2),
        ("249.99", 2),
        ("250", 3),
        ("500", 4),
        ("999.99", 4),
        ("1000", 5),
    ]:
        cid = f"M{amount}"
        s.contact(cid)
        s.order(cid, ts(D), amount)
        assert s.scores()[cid][2] == want, amount


def test_changed_cut_points_change_the_scores_after_reinstalling(tmp_path: Path) -> None:
    config = set_value(Config(), "rfm.method", "thresholds")
    s = Shop(tmp_path / "shop.duckdb", config)
    s.contact("A")
    s.order("A", ts(D), "150")
    assert s.scores()["A"][2] == 2
    install_macros(s.con, set_value(config, "rfm.thresholds.monetary", "10, 20, 30, 140"))
    assert s.scores()["A"][2] == 5


# --- named segments ---------------------------------------------------------------------------


def test_cells_get_their_named_segment_through_the_rfm_macro(tmp_path: Path) -> None:
    s = shop_with(tmp_path, "thresholds")
    s.contact("CHAMP")
    for j in range(5):
        s.order("CHAMP", ts(D, days_before=j), "300")
    s.contact("LOST")
    s.order("LOST", ts(D, days_before=400), "20")
    s.contact("SLEEPY")  # 200 days, 3 orders, 60 in all: cell 231
    for j in range(3):
        s.order("SLEEPY", ts(D, days_before=200 + j), "20")
    got = s.rows("rfm", D, "contact_id, rfm_cell, rfm_segment")
    assert got == {
        "CHAMP": ("555", "Champions"),
        "LOST": ("111", "Lost"),
        "SLEEPY": ("231", "About To Sleep"),
    }


def test_every_one_of_the_125_cells_is_listed_once_and_gets_a_name() -> None:
    listed = [int(c) for lst in re.findall(r"IN \(([^)]*)\)", rfm_segment_case()) for c in lst.split(",")]
    cells = [100 * r + 10 * f + m for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]
    assert sorted(listed) == cells
    con = duckdb.connect()
    named = con.execute(
        f"SELECT ({rfm_segment_case()}) AS seg, count(*) "
        "FROM range(1, 6) a(r_score), range(1, 6) b(f_score), range(1, 6) c(m_score) GROUP BY seg"
    ).fetchall()
    assert None not in dict(named)
    assert set(dict(named)) == set(rfm_segment_names())
    assert sum(n for _, n in named) == 125


def test_segment_names_have_their_spanish_synonyms() -> None:
    names = rfm_segment_names()
    assert names["Champions"] == "Campeones"
    assert names["Need Attention"] == "Necesitan atención"
    assert names["Can't Lose Them"] == "No podemos perderlos"
    assert len(set(names.values())) == 11


# --- lead score -------------------------------------------------------------------------------


def test_lead_score_points_on_a_hand_case(shop: Shop) -> None:
    for cid in ("L1", "L2", "L3", "L4"):
        shop.contact(cid)
    # L1: 2 product views in the window (+10), one the day before it starts (0)
    shop.web("L1", "2026-05-10 10:00", "product_view")
    shop.web("L1", "2026-05-10 11:00", "product_view")
    shop.web("L1", "2025-06-30 23:59:59", "product_view")
    # one email open in the window (+3); an SMS open, an email click, an old open: 0
    shop.message("L1", "2026-04-01 10:00")
    shop.message("L1", "2026-04-01 10:00", channel="sms")
    shop.message("L1", "2026-04-01 10:00", event_type="clicked")
    shop.message("L1", "2025-06-01 10:00")
    # March 2026: web events on 3 distinct days (+5); February: 3 events on 2 days (0)
    for at in (
        "2026-03-02 10:00",
        "2026-03-15 10:00",
        "2026-03-31 23:00",
        "2026-02-02 10:00",
        "2026-02-02 18:00",
        "2026-02-20 10:00",
    ):
        shop.web("L1", at)
    # one order in the window (+25), but none in the last 180 days (-50)
    shop.order("L1", "2025-12-01 10:00")
    # L2: an order on D (+25), a cancelled one (0) and one before the window (0, but bought before)
    shop.order("L2", "2026-06-30 23:00")
    shop.order("L2", "2026-06-29 10:00", status="cancelled")
    shop.order("L2", "2024-01-01 10:00")
    # L3: bought only long ago: -50. L4: nothing, and anonymous events are nobody's
    shop.order("L3", "2024-01-01 10:00")
    for day in (3, 4, 5):
        shop.web(None, f"2026-03-0{day} 10:00", "product_view")
    assert shop.rows("lead_scores") == {"L1": (-7,), "L2": (25,), "L3": (-50,), "L4": (0,)}


def test_the_lapse_boundary_is_180_days_before_the_end_of_d(shop: Shop) -> None:
    shop.contact("IN")
    shop.order("IN", "2026-01-02 00:00:00")  # END - 180 days = 2026-01-02 00:00: inside
    shop.contact("OUT")
    shop.order("OUT", "2026-01-01 23:59:59")
    assert shop.rows("lead_scores") == {"IN": (25,), "OUT": (-25,)}


def test_an_active_month_counts_only_days_inside_the_window(shop: Shop) -> None:
    d = date(2026, 6, 15)  # the window starts 2025-06-16 00:00
    shop.contact("PARTIAL")
    for day in (10, 12, 20):  # 3 days in June 2025, only one inside the window
        shop.web("PARTIAL", f"2025-06-{day} 10:00")
    shop.contact("INSIDE")
    for day in (10, 16, 20, 25):  # 3 of the 4 days are inside
        shop.web("INSIDE", f"2025-06-{day} 10:00")
    assert shop.rows("lead_scores", d) == {"INSIDE": (5,), "PARTIAL": (0,)}


def test_lead_score_points_come_from_the_config(tmp_path: Path) -> None:
    config = set_value(Config(), "lead_score.product_view", "1")
    config = set_value(config, "lead_score.window_days", "30")
    s = Shop(tmp_path / "shop.duckdb", config)
    s.contact("A")
    s.web("A", "2026-06-10 10:00", "product_view")
    s.web("A", "2026-05-10 10:00", "product_view")  # 51 days before D: outside a 30-day window
    assert s.rows("lead_scores") == {"A": (1,)}


# --- persistence ------------------------------------------------------------------------------


def test_the_macros_work_on_the_file_reopened_read_only_without_external_access(shop: Shop) -> None:
    shop.contact("A", birth="1990-01-01")
    shop.order("A", "2026-06-01 10:00", "25")
    shop.con.close()
    con = duckdb.connect(str(shop.path), read_only=True)
    con.execute("SET enable_external_access = false")
    got = con.execute(
        "SELECT m.age, r.rfm_cell, r.rfm_segment, l.lead_score, (SELECT count(*) FROM contacts_at($1)), "
        "(SELECT count(*) FROM completed_orders($1)) "
        "FROM contact_metrics($1) m JOIN rfm($1) r USING (contact_id) "
        "JOIN lead_scores($1) l USING (contact_id)",
        [D],
    ).fetchall()
    assert got == [(36, "111", "Lost", 25, 1, 1)]
    assert {
        r[0]
        for r in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro'"
        ).fetchall()
    } >= set(MACRO_NAMES)
    con.close()
    shop.con = duckdb.connect(str(shop.path))  # for the fixture's close


def test_macros_current_follows_the_config_they_were_built_from(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "shop.duckdb"))
    create_schema(con)
    assert not macros_current(con, Config())
    install_macros(con, Config())
    assert macros_current(con, Config())
    ntile = set_value(Config(), "rfm.method", "ntile")
    assert not macros_current(con, ntile)
    install_macros(con, ntile)
    assert macros_current(con, ntile)
    assert not macros_current(duckdb.connect(), Config())  # not a warehouse at all
    con.close()
