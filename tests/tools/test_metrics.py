"""The metric and dimension catalog: complete, consistent, and honest about impossible reports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlglot import exp

from segmenta.assistant.plan import ProductMatch, ReportPlan, Window
from segmenta.assistant.text import fold
from segmenta.tools.metrics import (
    DIMENSIONS,
    METRICS,
    AggContext,
    check,
    metric_formula,
    supports,
)

REQUIRED_METRICS = (
    "orders revenue aov buyers first_time_buyers recurring_buyers units cancellation_rate return_rate sends "
    "deliveries opens clicks bounces unsubscribes conversions open_rate click_rate click_to_open_rate "
    "bounce_rate unsubscribe_rate conversion_rate attributed_revenue revenue_per_send visits visitors "
    "known_visitors anonymous_visitors product_views add_to_cart cart_abandoned cart_abandonment_rate "
    "web_to_order_conversion contacts new_contacts email_subscribed_share sms_subscribed_share "
    "push_subscribed_share rfm_customers"
).split()
REQUIRED_DIMENSIONS = (
    "day week month quarter year workflow message channel message_type utm_source utm_medium utm_campaign "
    "product brand category subcategory payment_method card_brand order_channel store device city region "
    "country gender age_band rfm_segment buyer_type lead_score_band"
).split()


def test_the_catalog_holds_every_metric_and_dimension_the_explorer_promises() -> None:
    assert set(REQUIRED_METRICS) <= set(METRICS)
    assert set(REQUIRED_DIMENSIONS) <= set(DIMENSIONS)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_builds_an_aggregate_and_has_folded_words_in_both_languages(name: str) -> None:
    m = METRICS[name]
    ctx = AggContext(date(2026, 6, 30), exp.column("s"), exp.column("e"), exp.true(), exp.true())
    assert isinstance(m.aggregate(ctx), exp.Expr)
    if m.line_aggregate is not None:
        assert isinstance(m.line_aggregate(ctx), exp.Expr)
    assert m.aliases_es and m.aliases_en and m.label_es and m.formula_es and m.formula_en
    assert all(fold(a) == a for a in (*m.aliases_es, *m.aliases_en))


@pytest.mark.parametrize("name", sorted(DIMENSIONS))
def test_every_dimension_has_an_expression_for_each_source_that_knows_it(name: str) -> None:
    d = DIMENSIONS[name]
    assert d.sources
    for build in d.exprs.values():
        assert isinstance(build(date(2026, 6, 30)), exp.Expr)
    assert all(fold(a) == a for a in (*d.aliases_es, *d.aliases_en))


def test_revenue_by_brand_uses_lines_but_open_rate_by_brand_is_impossible() -> None:
    assert supports(METRICS["revenue"], DIMENSIONS["brand"])
    assert not supports(METRICS["open_rate"], DIMENSIONS["brand"])
    assert not supports(METRICS["cancellation_rate"], DIMENSIONS["brand"])
    assert "brand" not in METRICS["sends"].dimensions and "workflow" in METRICS["sends"].dimensions


def test_an_impossible_combination_is_explained_in_one_sentence_in_the_request_language() -> None:
    en = check(ReportPlan(metrics=["orders", "open_rate"], dimensions=["brand"]))
    assert en == [
        "open rate cannot be broken down by brand: brand is known only for order lines and web events."
    ]
    es = check(ReportPlan(metrics=["open_rate"], dimensions=["device"], language="es"))
    assert len(es) == 1 and es[0].startswith("tasa de apertura no se puede desglosar por dispositivo")


def test_check_refuses_unknown_names_untimed_buckets_and_a_comparison_without_window() -> None:
    assert check(ReportPlan(metrics=["happiness"])) == ["unknown metric 'happiness'."]
    assert check(ReportPlan(metrics=["orders"], dimensions=["mood"])) == ["unknown dimension 'mood'."]
    assert "no monthly buckets" in check(ReportPlan(metrics=["contacts"], grain="month"))[0]
    assert "needs a time window" in check(ReportPlan(metrics=["orders"], compare="previous"))[0]
    assert "cannot sort by 'brand'" in check(ReportPlan(metrics=["orders"], sort="brand"))[0]
    assert check(ReportPlan(metrics=["sends"], product=ProductMatch(brand=["X"])))


def test_a_plan_the_catalog_can_answer_has_no_issue() -> None:
    plan = ReportPlan(
        metrics=["revenue", "units"],
        dimensions=["brand", "payment_method"],
        grain="month",
        window=Window(kind="year", year=2025),
        sort="revenue",
        limit=5,
    )
    assert check(plan) == []
    assert check(ReportPlan(metrics=["contacts"], segment_sizes=True, grain="month")) != []


def test_metric_formula_says_what_is_divided_by_what() -> None:
    assert metric_formula("cart_abandonment_rate", "en") == (
        "cart abandonment rate = cart_abandoned events / add_to_cart events"
    )
    assert metric_formula("revenue", "es").startswith("facturación = suma de total_amount")


def test_a_said_comparison_period_is_that_period() -> None:
    from segmenta.assistant.compiler import render
    from segmenta.tools.report import compile_report

    plan = ReportPlan(
        metrics=["orders"],
        window=Window(kind="this", unit="month"),
        compare="previous",
        compare_window=Window(kind="previous", n=1, unit="month"),
    )
    sql = render(compile_report(plan, date(2026, 5, 27)))
    # all of April, not the 27 days before 1 May
    assert "2026-04-01 00:00:00" in sql and "2026-05-01 00:00:00" in sql and "2026-04-04" not in sql
