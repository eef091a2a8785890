"""The rule parser, data-driven: requests -> the conditions they must give, over two catalogs.

``cases/sports_parse.jsonl`` runs over the sample sports shop (an English catalog, Spanish and
English requests). The pharmacy cases below run over a Spanish parapharmacy catalog built here,
so nothing in the parser can lean on the sample's words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from segmenta.assistant.catalog import Catalog
from segmenta.assistant.parser import parse
from segmenta.assistant.plan import ReportPlan, SegmentPlan

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases" / "sports_parse.jsonl").open(encoding="utf-8")
]


def strip_text(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: strip_text(v) for k, v in o.items() if k != "text"}
    if isinstance(o, list):
        return [strip_text(x) for x in o]
    return o


def contains(want: Any, got: Any) -> bool:
    """``want`` is a sub-structure of ``got``: dict keys present with contained values, lists equal in length."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and contains(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(want) == len(got)
            and all(contains(a, b) for a, b in zip(want, got, strict=True))
        )
    return bool(want == got)


def check(case: dict[str, Any], catalog: Catalog) -> None:
    r = parse(case["text"], catalog)
    if "clarify" in case:
        assert r.unrecognized or r.clarifications, f"{case['text']!r} should ask, got {r.plan}"
        return
    assert not r.unrecognized and not r.clarifications, (case["text"], r.unrecognized, r.clarifications)
    if "report" in case:
        assert isinstance(r.plan, ReportPlan), case["text"]
        got = strip_text(r.plan.model_dump(mode="json", exclude_defaults=True))
        assert contains(case["report"], got), (case["text"], got)
        return
    assert isinstance(r.plan, SegmentPlan) and r.plan.where is not None, case["text"]
    got = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))
    assert contains(case["where"], got), (case["text"], got)
    assert r.plan.question == case.get("question", "list")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_a_request_over_the_sample_shop_gives_its_conditions(
    case: dict[str, Any], sports_catalog: Catalog
) -> None:
    check(case, sports_catalog)


PHARMACY = Catalog(
    values={
        "city": {"Málaga": 40, "Granada": 30, "A Coruña": 25, "Palma": 20},
        "region": {"Málaga": 40, "Granada": 30, "A Coruña": 25, "Illes Balears": 20},
        "country": {"ES": 100, "PT": 5},
        "payment_method": {"credit_card": 50, "bizum": 20, "paypal": 10},
        "store": {"Farmacia Centro Málaga": 30},
        "workflow": {"Bienvenida": 1, "Carrito abandonado": 1, "Recompra solar": 1},
        "coupon_code": {"VERANO10": 5},
    },
    products=[
        ("ISDIN Fotoprotector Fusion Water SPF 50", "Solares", "Protector solar", "ISDIN"),
        ("Heliocare 360 Gel Oil-Free", "Solares", "Protector solar", "Heliocare"),
        ("La Roche-Posay Anthelios Kids", "Solares", "Protector solar infantil", "La Roche-Posay"),
        ("Cerave Crema Hidratante", "Dermocosmética", "Cremas hidratantes", "Cerave"),
        ("Avène Sérum Hydrance", "Dermocosmética", "Sérums", "Avène"),
        ("Oral-B Pasta Pro-Expert", "Higiene bucal", "Pasta de dientes", "Oral-B"),
        ("Mustela Pañales Eco", "Bebé", "Pañales", "Mustela"),
        ("Arkopharma Multivitamínico", "Vitaminas y suplementos", "Multivitamínicos", "Arkopharma"),
        ("Vichy Champú Dercos", "Cabello", "Champús", "Vichy"),
        ("Multivitamínico Centrum", "Vitaminas y suplementos", "Multivitamínicos", "Centrum"),
    ],
)

PHARMACY_CASES: list[dict[str, Any]] = [
    {
        "text": "mujeres de más de 40 de Málaga que compraron protector solar este verano",
        "where": {
            "items": [
                {"field": "gender", "values": ["female"]},
                {"field": "age", "compare": {"op": ">"}},
                {"field": "city", "values": ["Málaga"]},
                {"product": {"subcategory": ["Protector solar"]}, "window": {"kind": "season"}},
            ]
        },
    },
    {
        "text": "women over 40 who bought sunscreen last summer",
        "where": {
            "items": [
                {"field": "gender"},
                {"field": "age"},
                {
                    "product": {"subcategory": ["Protector solar"]},
                    "window": {"kind": "season", "which": "last"},
                },
            ]
        },
    },
    {
        "text": "customers who bought ISDIN but never Heliocare",
        "where": {
            "items": [{"product": {"brand": ["ISDIN"]}}, {"item": {"product": {"brand": ["Heliocare"]}}}]
        },
    },
    {
        "text": "clientes que compraron pañales en los últimos 3 meses y pagaron con Bizum",
        "where": {
            "items": [
                {"product": {"subcategory": ["Pañales"]}, "window": {"n": 3}},
                {"payment_method": ["bizum"]},
            ]
        },
    },
    {
        "text": "bought toothpaste in 2025",
        "where": {"product": {"subcategory": ["Pasta de dientes"]}, "window": {"kind": "year", "year": 2025}},
    },
    {
        "text": "abrieron emails del workflow de bienvenida",
        "where": {"event": "opened", "workflow": ["Bienvenida"]},
    },
    {
        "text": "clicked an abandoned cart email",
        "where": {"event": "clicked", "workflow": ["Carrito abandonado"]},
    },
    {
        "text": "contactos de Granada o A Coruña",
        "where": {"field": "city", "values": ["Granada", "A Coruña"]},
    },
    {"text": "clientes que compraron cremas hidratantes Cerave", "where": {"product": {"brand": ["Cerave"]}}},
    {
        "text": "clientes que compraron protector solar y pañales en el mismo pedido",
        "where": {"product": {"subcategory": ["Protector solar"]}, "also": [{"subcategory": ["Pañales"]}]},
    },
    {
        "text": "clientes que compraron protector solar y pañales",
        "where": {
            "items": [
                {"product": {"subcategory": ["Protector solar"]}},
                {"product": {"subcategory": ["Pañales"]}},
            ]
        },
    },
    {"text": "clientes con pedidos cancelados", "where": {"status": "cancelled"}},
    {
        "text": "suscritos a SMS pero no a email",
        "where": {
            "items": [{"field": "sms_subscribed", "op": "is_true"}, {"item": {"field": "email_subscribed"}}]
        },
    },
    {"text": "abrieron el último email", "where": {"event": "opened", "channel": ["email"], "latest": True}},
    {
        "text": "abandonaron el carrito desde la app este mes",
        "where": {"event": "cart_abandoned", "device": ["app"]},
    },
    {
        "text": "compraron vitaminas en 2025 pero no en 2026",
        "where": {"items": [{"window": {"year": 2025}}, {"item": {"window": {"year": 2026}}}]},
    },
    {
        "text": "clientes que no compran desde hace más de 200 días",
        "where": {"metric": "days_since_last_order", "compare": {"op": ">", "value": 200.0}},
    },
    {"text": "clientes que pagaron con Pay Pal", "where": {"payment_method": ["paypal"]}},
    {"text": "contactos de las Illes Balears", "where": {"field": "region", "values": ["Illes Balears"]}},
    {"text": "contactos de las Islas Baleares", "where": {"field": "region", "values": ["Illes Balears"]}},
    {"text": "clientes que compraron gafas de sol", "clarify": True},
    {"text": "customers who bought Nivea", "clarify": True},
    {"text": "contactos de Valladolid", "clarify": True},
]


@pytest.mark.parametrize("case", PHARMACY_CASES, ids=[c["text"][:50] for c in PHARMACY_CASES])
def test_a_request_over_a_spanish_pharmacy_catalog_gives_its_conditions(case: dict[str, Any]) -> None:
    check(case, PHARMACY)


def test_an_unknown_word_is_reported_not_dropped(sports_catalog: Catalog) -> None:
    r = parse("mujeres de Madrid con perro", sports_catalog)
    assert "perro" in r.unrecognized
    assert r.clarifications


def test_the_language_of_the_request_is_kept(sports_catalog: Catalog) -> None:
    assert parse("mujeres de Madrid", sports_catalog).language == "es"
    assert parse("women in Madrid", sports_catalog).language == "en"


@pytest.mark.parametrize(
    ("text", "option"),
    [
        ("clientes de 'Granda Norte'", "ciudad: Granada"),
        ("customers in 'Granda North'", "city: Granada"),
        ("clientes de 'Granda Norte'", "región: Granada"),
    ],
)
def test_the_options_of_a_question_back_are_in_the_requests_language(text: str, option: str) -> None:
    """An option names its field as the explanation does ("ciudad: Granada", not "city: Granada"),
    a data-model code in words, and still gives its value to the request it completes."""
    from segmenta.tools.choices import option_value

    r = parse(text, PHARMACY)
    options = [o for c in r.clarifications for o in c.options]
    assert option in options, options
    assert option_value(option) == option.split(": ", 1)[1]


def test_the_options_of_a_question_back_name_fields_in_spanish_on_the_sports_catalog(
    sports_catalog: Catalog,
) -> None:
    r = parse("mujeres de 'Barclona Norte'", sports_catalog)
    options = [o for c in r.clarifications for o in c.options]
    assert options and all(o.split(": ", 1)[0] in ("ciudad", "región", "país", "tienda") for o in options), (
        options
    )
