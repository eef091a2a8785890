"""The report compiler on the sample shop: the eval's report cases row for row, and its readings.

The shop is imported once per module; each case's reference SQL runs on the eval's own reference
views (``/work/shared/eval/run_eval.py``), so a pass means the same rows a marketer would be graded on.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from segmenta.assistant.compiler import compile_segment, render
from segmenta.assistant.plan import ProductMatch, ReportPlan, RfmCondition, SegmentPlan, Window
from segmenta.assistant.validator import validate
from segmenta.tools.report import ReportError, compile_report, excluded_columns, excluded_sql, report_columns
from segmenta.warehouse.importer import import_shop

EVAL = Path("/work/shared/eval")
AS_OF = date(2026, 6, 30)
W = Window
CASES: dict[str, ReportPlan] = {
    "r01": ReportPlan(
        metrics=["sends", "opens", "clicks", "open_rate"],
        grain="week",
        dimensions=["workflow"],
        channel=["email"],
        window=W(kind="since_month", month=3),
    ),
    "r02": ReportPlan(
        metrics=["first_time_buyers", "recurring_buyers"], grain="month", window=W(kind="year", year=2025)
    ),
    "r03": ReportPlan(metrics=["revenue", "units"], dimensions=["brand"], window=W(kind="year", year=2025)),
    "r04": ReportPlan(
        metrics=["revenue"],
        dimensions=["product"],
        sort="revenue",
        limit=5,
        window=W(kind="last", n=12, unit="month"),
    ),
    "r05": ReportPlan(
        metrics=["open_rate"], dimensions=["workflow"], channel=["email"], window=W(kind="year", year=2025)
    ),
    "r06": ReportPlan(
        metrics=["conversions", "attributed_revenue"],
        dimensions=["workflow"],
        window=W(kind="last", n=6, unit="month"),
    ),
    "r07": ReportPlan(metrics=["cart_abandonment_rate"], grain="month", window=W(kind="this", unit="year")),
    "r08": ReportPlan(
        metrics=["orders"], dimensions=["payment_method"], window=W(kind="previous", n=1, unit="month")
    ),
    "r09": ReportPlan(metrics=["visits"], dimensions=["device"], window=W(kind="last", n=30, unit="day")),
    "r10": ReportPlan(metrics=["known_visitors", "anonymous_visitors"], window=W(kind="month", month=6)),
    "r11": ReportPlan(metrics=["revenue"], dimensions=["category"], window=W(kind="quarter", n=1, year=2026)),
    "c03": ReportPlan(metrics=["orders"], window=W(kind="month", month=5)),
    "c07": ReportPlan(
        metrics=["units"], product=ProductMatch(brand=["Garmin"]), window=W(kind="previous", n=1, unit="year")
    ),
}
needs_eval = pytest.mark.skipif(not (EVAL / "sports").is_dir(), reason="the eval's sample shop is not here")


def _run_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_eval", EVAL / "run_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = tmp_path_factory.mktemp("shop") / "sports.duckdb"
    import_shop(EVAL / "sports", db)
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def run(con: duckdb.DuckDBPyConnection, plan: ReportPlan, as_of: date = AS_OF) -> list[tuple[Any, ...]]:
    sql = render(compile_report(plan, as_of))
    validate(sql)
    rows = con.execute(sql).fetchall()
    assert [d[0] for d in con.description] == report_columns(plan)
    return rows


@needs_eval
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_the_report_gives_the_eval_reference_rows(con: duckdb.DuckDBPyConnection, case_id: str) -> None:
    ev = _run_eval()
    case = next(c for c in map(json.loads, (EVAL / "dev.jsonl").open(encoding="utf-8")) if c["id"] == case_id)
    gold = ev.reference_db(EVAL / "sports")
    ev.views(gold, case["as_of"])
    want = gold.execute(ev.fill(case["sql"], case["as_of"])).fetchall()
    ok, detail = ev.compare(case, run(con, CASES[case_id], date.fromisoformat(case["as_of"])), want)
    assert ok, detail


@needs_eval
@pytest.mark.parametrize("window", [W(kind="year", year=2025), W(kind="last", n=3, unit="month")])
def test_first_purchases_are_read_only_from_orders_before_the_period_ends(
    con: duckdb.DuckDBPyConnection, window: Window
) -> None:
    plan = ReportPlan(metrics=["first_time_buyers", "recurring_buyers"], grain="month", window=window)
    sql = render(compile_report(plan, AS_OF))
    scan = sql[sql.index("min(f.ordered_at)") :]
    assert "f.ordered_at < CAST(" in scan[: scan.index("GROUP BY")]  # the first-purchase lookup is bounded
    unbounded = re.sub(r"WHERE\s+f\.ordered_at < CAST\('[^']+' AS TIMESTAMP\)\s+GROUP BY", "GROUP BY", sql)
    assert unbounded != sql
    # the same numbers as over every order: a buyer in the period has a first purchase before its end
    assert con.execute(sql).fetchall() == con.execute(unbounded).fetchall()
    assert any(row[1] for row in con.execute(sql).fetchall())


_BUYER_PLANS = [
    ReportPlan(
        metrics=["first_time_buyers", "recurring_buyers"], grain="month", window=W(kind="year", year=2025)
    ),
    ReportPlan(
        metrics=["buyers", "first_time_buyers"], grain="week", window=W(kind="last", n=3, unit="month")
    ),
    ReportPlan(metrics=["recurring_buyers", "buyers"], grain="quarter", dimensions=["payment_method"]),
    ReportPlan(metrics=["buyers"], dimensions=["payment_method"], window=W(kind="year", year=2025)),
    ReportPlan(metrics=["first_time_buyers"], grain="day", window=W(kind="last", n=30, unit="day")),
]


@needs_eval
@pytest.mark.parametrize("plan", _BUYER_PLANS, ids=lambda p: "-".join([p.grain or "all", *p.metrics]))
def test_buyer_counts_taken_once_per_contact_first_are_the_distinct_counts(
    con: duckdb.DuckDBPyConnection, plan: ReportPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    from segmenta.tools import report

    sql = render(compile_report(plan, AS_OF))
    validate(sql)
    assert "per_contact" in sql and "count(DISTINCT" not in sql  # each contact once per group, then counted
    monkeypatch.setattr(report, "_contacts_first", lambda q, source: q)
    plain = render(compile_report(plan, AS_OF))
    assert "count(DISTINCT o.contact_id)" in plain
    got, want = con.execute(sql).fetchall(), con.execute(plain).fetchall()
    assert got == want and any(any(v for v in row[1:]) for row in got)


def test_counts_that_read_the_orders_themselves_keep_their_distinct_count() -> None:
    for plan in (
        ReportPlan(metrics=["buyers", "orders"], grain="month"),  # orders counts rows
        ReportPlan(metrics=["buyers"], dimensions=["city"]),  # a key from a join
        ReportPlan(metrics=["buyers", "revenue"], grain="week"),
    ):
        sql = render(compile_report(plan, AS_OF))
        assert "per_contact" not in sql and "count(DISTINCT o.contact_id)" in sql


def _daily_sms(**kw: Any) -> ReportPlan:
    return ReportPlan(
        metrics=["sends", "clicks", "click_rate"],
        grain="day",
        dimensions=["workflow"],
        channel=["sms"],
        window=W(kind="last", n=30, unit="day"),
        **kw,
    )


@needs_eval
def test_every_bucket_appears_for_every_workflow_with_zero_counts_and_null_rates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = run(con, _daily_sms())
    days = {r[0] for r in rows}
    workflows = {r[1] for r in rows}
    assert len(days) == 30 and min(days) == date(2026, 6, 1)
    assert len(rows) == len(days) * len(workflows)
    empty = [r for r in rows if r[2] == 0]
    assert empty, "the sample shop should have quiet days for some SMS workflow"
    assert all(r[4] is None for r in empty)
    assert all(r[4] is not None and 0 <= r[4] <= 1 for r in rows if r[2] > 0)


@needs_eval
def test_the_excluded_count_is_the_one_off_events_left_out(con: duckdb.DuckDBPyConnection) -> None:
    plan = ReportPlan(
        metrics=["sends"], dimensions=["workflow"], channel=["email"], window=W(kind="year", year=2025)
    )
    q = excluded_sql(plan, AS_OF)
    assert q is not None and excluded_columns(plan) == ["excluded_workflow"]
    sql = render(q)
    validate(sql)
    got = con.execute(sql).fetchall()
    want = con.execute(
        "SELECT count(*) FROM message_events WHERE channel = 'email' AND event_type = 'sent' "
        "AND workflow_id IS NULL "
        "AND occurred_at >= TIMESTAMP '2025-01-01' AND occurred_at < TIMESTAMP '2026-01-01'"
    ).fetchall()
    assert got == want and want[0][0] > 0
    assert excluded_sql(ReportPlan(metrics=["orders"]), AS_OF) is None


def test_an_impossible_report_raises_the_one_sentence_reason() -> None:
    with pytest.raises(ReportError, match="open rate cannot be broken down by brand"):
        compile_report(ReportPlan(metrics=["open_rate"], dimensions=["brand"]), AS_OF)


@needs_eval
def test_top_n_keeps_the_largest_values_in_order(con: duckdb.DuckDBPyConnection) -> None:
    base = ReportPlan(metrics=["units"], dimensions=["brand"], window=W(kind="year", year=2025))
    every = sorted((r[1] for r in run(con, base)), reverse=True)
    top = run(con, base.model_copy(update={"sort": "units", "limit": 3}))
    assert [r[1] for r in top] == every[:3]
    bottom = run(con, base.model_copy(update={"sort": "units", "limit": 2, "descending": False}))
    assert [r[1] for r in bottom] == sorted(every)[:2]


def test_a_ranking_by_a_dimension_comes_largest_first_and_a_series_in_time_order(
    con: duckdb.DuckDBPyConnection,
) -> None:
    by_brand = run(con, ReportPlan(metrics=["units"], dimensions=["brand"], window=W(kind="year", year=2025)))
    units = [r[1] for r in by_brand]
    assert len(units) > 2 and units == sorted(units, reverse=True)
    monthly = run(con, ReportPlan(metrics=["units"], grain="month", window=W(kind="year", year=2025)))
    months = [r[0] for r in monthly]
    assert months == sorted(months)


@needs_eval
def test_the_previous_period_comparison_matches_two_separate_reports(con: duckdb.DuckDBPyConnection) -> None:
    may = ReportPlan(
        metrics=["orders", "revenue"],
        dimensions=["payment_method"],
        window=W(kind="previous", n=1, unit="month"),
    )
    april = may.model_copy(update={"window": W(kind="month", month=4)})
    now, before = {r[0]: r[1:] for r in run(con, may)}, {r[0]: r[1:] for r in run(con, april)}
    rows = run(con, may.model_copy(update={"compare": "previous"}))
    assert {r[0] for r in rows} == set(now) | set(before)
    for method, orders, prev, diff, pct, *_ in rows:
        assert (orders, prev) == (now.get(method, (0,))[0], before.get(method, (0,))[0])
        assert diff == orders - prev
        assert pct == pytest.approx((orders - prev) / prev)


@needs_eval
def test_segment_sizes_count_the_segment_as_of_each_month_end(con: duckdb.DuckDBPyConnection) -> None:
    champions = RfmCondition(segments=["Champions"])
    plan = ReportPlan(
        metrics=["contacts"],
        grain="month",
        where=champions,
        segment_sizes=True,
        window=W(kind="this", unit="year"),
    )
    rows = run(con, plan)
    assert [r[0] for r in rows] == [date(2026, m, 1) for m in range(1, 7)]
    for month_start, size in rows[:2] + rows[-1:]:
        end = date(2026, month_start.month + 1, 1).replace(day=1)
        day = min(date.fromordinal(end.toordinal() - 1), AS_OF)
        want = con.execute(render(compile_segment(SegmentPlan(where=champions), day))).fetchall()
        assert size == len(want)


@needs_eval
def test_metrics_of_different_sources_share_one_month_axis(con: duckdb.DuckDBPyConnection) -> None:
    window = W(kind="this", unit="year")
    both = run(con, ReportPlan(metrics=["orders", "sends"], grain="month", window=window))
    orders = run(con, ReportPlan(metrics=["orders"], grain="month", window=window))
    sends = run(con, ReportPlan(metrics=["sends"], grain="month", window=window))
    assert both == [(o[0], o[1], s[1]) for o, s in zip(orders, sends, strict=True)]


@needs_eval
def test_a_report_for_a_segment_only_counts_its_contacts(con: duckdb.DuckDBPyConnection) -> None:
    window = W(kind="year", year=2025)
    champions = RfmCondition(segments=["Champions"])
    among = run(con, ReportPlan(metrics=["buyers"], window=window, where=champions))[0][0]
    every = run(con, ReportPlan(metrics=["buyers"], window=window))[0][0]
    assert 0 < among < every


@needs_eval
def test_a_count_question_is_one_row_and_one_column(con: duckdb.DuckDBPyConnection) -> None:
    assert len(run(con, ReportPlan(metrics=["orders"], window=W(kind="month", month=5)))) == 1


def test_a_report_by_period_names_its_first_and_last_buckets_when_the_window_cuts_them() -> None:
    """A weekly report since 1 March up to Tuesday 30 June: its first week holds 1 day, its last 2."""
    from segmenta.assistant.plan import Window
    from segmenta.tools.report import partial_buckets

    since = Window.model_validate({"kind": "since", "start": "2026-03-01"})
    weekly = ReportPlan(metrics=["sends"], grain="week", window=since)
    assert partial_buckets(weekly, date(2026, 6, 30)) == [
        "the week of 2026-02-23 is partial: it counts from Mar 1, 2026",  # the row as its table shows it
        "the week of 2026-06-29 is partial: it counts up to Jun 30, 2026",
    ]
    monthly = ReportPlan(metrics=["revenue"], grain="month", window=since, language="es")
    assert partial_buckets(monthly, date(2026, 6, 30)) == []  # whole months from 1 March to 30 June
    assert partial_buckets(monthly, date(2026, 6, 15)) == [
        "el mes de 2026-06-01 está incompleto: cuenta hasta el 15 jun 2026"
    ]
    assert partial_buckets(ReportPlan(metrics=["revenue"], dimensions=["brand"]), date(2026, 6, 15)) == []


@pytest.mark.parametrize(
    ("request_text", "said", "not_said"),
    [
        ("clientes por segmento RFM", "sin compras completadas", "workflow"),
        ("contacts by RFM segment", "no completed purchase", "workflow"),
    ],
)
def test_the_rows_left_out_are_explained_for_their_own_dimension(
    tiny_warehouse: Path, request_text: str, said: str, not_said: str
) -> None:
    from segmenta.tools.ask import ask

    answer = ask(tiny_warehouse, request_text, date(2026, 6, 30))
    left_out = [line for line in answer.explanation if "left out" in line or "no aparecen" in line]
    assert left_out and said in left_out[0] and not_said not in left_out[0], answer.explanation
