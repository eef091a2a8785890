"""The reading stages before the grammar: chat typing, filler, operator words and comparisons.

Every class is tested over two catalogs (the sample sports shop, English catalog; the Spanish
parapharmacy built in test_parser.py), so nothing leans on one shop's words.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmenta.assistant.catalog import Catalog
from segmenta.assistant.parser import parse
from segmenta.assistant.plan import ReportPlan, SegmentPlan
from segmenta.assistant.reading.normalise import normalise
from segmenta.assistant.reading.words import is_filler, operator_class, operators
from tests.assistant.test_parser import PHARMACY, check, strip_text

# ----------------------------------------------------------------- stage 1: chat typing
NORMALISED = [
    ("gente q ha comprado puzzles", "es", "gente que ha comprado puzzles"),
    ("clientes k pagaron x bizum", "es", "clientes que pagaron por bizum"),
    ("los que cumplen años xq les quiero escribir", "es", "los que cumplen años porque les quiero escribir"),
    (
        "clientes q pagaron con paypal y tb con bizum",
        "es",
        "clientes que pagaron con paypal y también con bizum",
    ),
    ("lead score de 60 pa arriba", "es", "lead score de 60 para arriba"),
    ("compraron dl catalogo, porfa", "es", "compraron del catalogo, por favor"),
    ("ppl who bought boots", "en", "people who bought boots"),
    ("custs w/o email consent", "en", "customers without email consent"),
    ("custs w/ three or more orders", "en", "customers with three or more orders"),
    ("ordered b4 1st dec 2025", "en", "ordered before 1st dec 2025"),
    ("bought a tent l30d", "en", "bought a tent last 30 days"),
    ("nothing in the last 6mo", "en", "nothing in the last 6 months"),
    ("signed up in the last 3m", "en", "signed up in the last 3 months"),
    ("revenue by category ytd", "en", "revenue by category this year"),
    ("first-time buyers mtd", "en", "first time buyers this month"),
    ("leads con opt-in de sms", "es", "leads con opt in de sms"),
    ("bought in-store", "en", "bought in store"),
    ("who've bought and didn't open", "en", "who have bought and did not open"),
    ("they're women who haven't bought", "en", "they are women who have not bought"),
    ("at risk + can't lose them", "en", "at risk and can't lose them"),
    ("spent 500+ with us", "en", "spent 500+ with us"),
    ("Madrid + Barcelona", "es", "Madrid y Barcelona"),
    ("customers who bought Levi's", "en", "customers who bought Levi's"),
    ("approx how many ppl?? 🙏", "en", "approximately how many people??"),
    ("gente 🧩 de Madrid ☀️", "es", "gente de Madrid"),
    ("entre 25 y 35 años", "es", "entre 25 y 35 años"),
    ("siete u ocho pedidos", "es", "siete u ocho pedidos"),
    ("nº de contactos", "es", "número de contactos"),
    ("churned customers - nothing ordered", "en", "churned customers, nothing ordered"),
    ("edad 25 - 35", "es", "edad 25 - 35"),
    ('searched "w/o" on the site', "en", 'searched "w/o" on the site'),
]


@pytest.mark.parametrize(("text", "lang", "want"), NORMALISED, ids=[t for t, _, _ in NORMALISED])
def test_chat_typing_is_spelled_out_before_reading(text: str, lang: str, want: str) -> None:
    assert normalise(text, lang).text == want


def test_a_word_the_catalog_holds_in_that_place_is_never_rewritten() -> None:
    cat = Catalog.from_values(
        [("Xbox Series X", "Gaming", "Consoles", "Microsoft"), ("Pa Amb Tomaquet", "Food", "Bread", "Forn")]
    )
    assert normalise("people who bought an Xbox Series X", "en", cat.holds).text.endswith("Series X")
    assert "pa amb" in normalise("clientes que compraron pa amb tomaquet", "es", cat.holds).text
    r = parse("people who bought an Xbox Series X", cat)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications
    assert "Xbox Series X" in json.dumps(r.plan.model_dump(mode="json"))


# ----------------------------------------------------------------- stage 2: filler and operators
def test_function_words_are_filler_and_operator_words_never_are() -> None:
    for w, lang in [
        ("the", "en"),
        ("who", "en"),
        ("nos", "es"),
        ("tengamos", "es"),
        ("porfa", "es"),
        ("sacame", "es"),
        ("pull", "en"),
        ("still", "en"),
    ]:
        assert is_filler(w, lang), w
    for word in operators():
        assert not is_filler(word, "es") and not is_filler(word, "en"), word
    for w, lang in [
        ("boots", "en"),
        ("microsoft", "en"),
        ("zapatillas", "es"),
        ("order", "en"),
        ("cans", "en"),
        ("vieron", "es"),
        ("compraron", "es"),
    ]:
        assert not is_filler(w, lang), w


FILLER_CASES: list[tuple[str, str, str]] = [
    # (catalog, request with filler, the same request without it)
    (
        "sports",
        "a ver, mujeres de Madrid que compraron zapatillas porfa",
        "mujeres de Madrid que compraron zapatillas",
    ),
    (
        "sports",
        "oye sácame los hombres que nos han comprado botas de fútbol",
        "hombres que compraron botas de fútbol",
    ),
    (
        "sports",
        "could you pull women living in Madrid who bought running shoes right now",
        "women in Madrid who bought running shoes",
    ),
    ("sports", "I need a list of men who've bought Nike, basically", "men who bought Nike"),
    ("sports", "ppl in Madrid who still have email consent", "people in Madrid with email consent"),
    (
        "pharmacy",
        "a ver, clientes de Granada que tengamos con los SMS activados",
        "clientes de Granada con los SMS activados",
    ),
    ("pharmacy", "porfa dame las mujeres que compraron crema solar", "mujeres que compraron crema solar"),
    ("pharmacy", "I need a list of customers who've bought nappies please", "customers who bought nappies"),
]


def _catalog(name: str, sports: Catalog) -> Catalog:
    return sports if name == "sports" else PHARMACY


@pytest.mark.parametrize(("cat", "text", "plain"), FILLER_CASES, ids=[t for _, t, _ in FILLER_CASES])
def test_filler_changes_nothing_and_is_shown_as_ignored(
    cat: str, text: str, plain: str, sports_catalog: Catalog
) -> None:
    catalog = _catalog(cat, sports_catalog)
    got, want = parse(text, catalog), parse(plain, catalog)
    assert not got.clarifications and not got.unrecognized, (got.unrecognized, got.clarifications)
    assert isinstance(got.plan, SegmentPlan) and isinstance(want.plan, SegmentPlan)
    assert _shape(got.plan) == _shape(want.plan)
    assert got.ignored, "the words left out are listed"


def _shape(plan: SegmentPlan) -> Any:
    return strip_text(plan.model_dump(mode="json"))["where"]


def _operator_requests() -> list[tuple[str, str]]:
    """Each operator word left dangling after a request that is otherwise understood."""
    out = []
    for word, cls in sorted(operators().items()):
        base = "mujeres de 30 años" if len(word) < 3 or cls in ("or", "negation") else "women aged 30"
        out.append((f"{base} {word}", cls))
    return out


@pytest.mark.parametrize(("text", "cls"), _operator_requests(), ids=[t for t, _ in _operator_requests()])
def test_an_operator_word_left_unused_is_asked_about_never_dropped(
    text: str, cls: str, sports_catalog: Catalog
) -> None:
    for catalog in (sports_catalog, PHARMACY):
        r = parse(text, catalog)
        word = text.split(" ", 4 if text.startswith("mujeres") else 3)[-1]
        assert r.clarifications, (text, r.plan)
        assert any(word.split()[0] in u.casefold() or u in word for u in r.unrecognized) or any(
            word in c.question for c in r.clarifications
        ), (text, r.unrecognized, [c.question for c in r.clarifications])
        assert operator_class(word) == cls


# ----------------------------------------------------------------- comparisons as written
FIELDS = {
    # field phrase (es, en) -> how the condition is found in the plan
    "age": (("mujeres de", "contactos con edad"), ("women aged", "contacts with age")),
    "spend": (("clientes que gastaron",), ("customers who spent",)),
    "orders": (("clientes con",), ("customers with",)),
    "lead": (("contactos con lead score",), ("contacts with lead score",)),
}
FORMS: list[tuple[str, str, str, str]] = [
    # (language, template, op, note) — {n} and {m} are numbers
    ("es", "más de {n}", ">", ""),
    ("es", "> {n}", ">", ""),
    ("es", "mayor de {n}", ">", ""),
    ("es", "{n} o más", ">=", ""),
    ("es", ">= {n}", ">=", ""),
    ("es", "al menos {n}", ">=", ""),
    ("es", "de {n} para arriba", ">=", ""),
    ("es", "{n}+", ">=", ""),
    ("es", "≥ {n}", ">=", ""),
    ("es", "menos de {n}", "<", ""),
    ("es", "< {n}", "<", ""),
    ("es", "como máximo {n}", "<=", ""),
    ("es", "{n} o menos", "<=", ""),
    ("es", "<= {n}", "<=", ""),
    ("es", "entre {n} y {m}", "between", ""),
    ("es", "de {n} a {m}", "between", ""),
    ("es", "{n}-{m}", "between", ""),
    ("en", "over {n}", ">", ""),
    ("en", "more than {n}", ">", ""),
    ("en", "> {n}", ">", ""),
    ("en", "{n} or more", ">=", ""),
    ("en", "at least {n}", ">=", ""),
    ("en", "{n}+", ">=", ""),
    ("en", ">= {n}", ">=", ""),
    ("en", "under {n}", "<", ""),
    ("en", "less than {n}", "<", ""),
    ("en", "< {n}", "<", ""),
    ("en", "at most {n}", "<=", ""),
    ("en", "up to {n}", "<=", ""),
    ("en", "{n} or less", "<=", ""),
    ("en", "between {n} and {m}", "between", ""),
    ("en", "{n} to {m}", "between", ""),
    ("en", "{n}-{m}", "between", ""),
]
UNITS = {"age": ("años", "years old"), "spend": ("€", "€"), "orders": ("pedidos", "orders"), "lead": ("", "")}


def _found(plan: SegmentPlan, field: str) -> dict[str, Any] | None:
    data = plan.model_dump(mode="json")["where"]
    nodes = data.get("items", [data]) if data.get("type") == "all" else [data]
    for n in nodes:
        if field == "age" and n.get("field") == "age":
            return n["compare"]  # type: ignore[no-any-return]
        if field == "spend" and n.get("metric") == "total_spent":
            return n["compare"]  # type: ignore[no-any-return]
        if field == "orders" and n.get("metric") == "orders_count":
            return n["compare"]  # type: ignore[no-any-return]
        if field == "lead" and n.get("type") == "lead_score":
            return n["compare"]  # type: ignore[no-any-return]
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(sorted(FIELDS)),
    form=st.sampled_from(FORMS),
    n=st.integers(min_value=2, max_value=60),
    gap=st.integers(min_value=1, max_value=30),
    which=st.integers(min_value=0, max_value=1),
    pharmacy=st.booleans(),
)
def test_a_comparison_is_read_exactly_as_written(
    field: str,
    form: tuple[str, str, str, str],
    n: int,
    gap: int,
    which: int,
    pharmacy: bool,
    sports_catalog: Catalog,
) -> None:
    lang, template, op, _ = form
    if field == "age" and "+" in template and lang == "es":
        template = template  # "30+" after "mujeres de" reads as an age too
    lead_words = FIELDS[field][0 if lang == "es" else 1]
    lead = lead_words[which % len(lead_words)]
    m = n + gap
    comparison = template.format(n=n, m=m)
    unit = UNITS[field][0 if lang == "es" else 1]
    if field == "age" and lead in ("women aged", "mujeres de") and op != "between" and "aged" in lead:
        lead = "women"  # "aged" means exactly N (DATA_MODEL): not a comparison form
    text = f"{lead} {comparison} {unit}".strip()
    if field == "spend" and unit == "€":
        text = f"{lead} {comparison.replace(str(n), f'{n} €', 1).replace(str(m), f'{m} €', 1)}"
    catalog = PHARMACY if pharmacy else sports_catalog
    r = parse(text, catalog)
    if r.clarifications or not isinstance(r.plan, SegmentPlan):
        return  # a question back is never wrong; a different comparison would be
    got = _found(r.plan, field)
    assert got is not None, (text, r.plan)
    assert got["op"] == op, (text, got)
    assert got["value"] == n, (text, got)
    if op == "between":
        assert got["value2"] == m, (text, got)


@pytest.mark.parametrize(
    ("text", "op", "value", "value2"),
    [
        ("customers who spent > 300 €", ">", 300, None),
        ("contactos con edad > 30", ">", 30, None),
        ("leads con lead score mayor de 50", ">", 50, None),
        ("women in Madrid aged 25 to 35", "between", 25, 35),
        ("clientes que gastaron más de cien euros", ">", 100, None),
        ("customers who spent over a hundred euros", ">", 100, None),
        ("clientes que gastaron más de dos mil euros", ">", 2000, None),
        ("customers who spent over 3k", ">", 3000, None),
        ("mujeres de 40 años", "=", 40, None),
        ("women aged exactly 40", "=", 40, None),
    ],
)
def test_the_reported_comparisons_keep_their_operator(
    text: str, op: str, value: float, value2: float | None, sports_catalog: Catalog
) -> None:
    r = parse(text, sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    blob = json.dumps(r.plan.model_dump(mode="json"))
    assert f'"op": "{op}", "value": {float(value)}' in blob, (text, blob)
    if value2 is not None:
        assert f'"value2": {float(value2)}' in blob


@pytest.mark.parametrize(
    ("text", "spend_op", "spend"),
    [
        ("clientes con RFM 5 y más de 300 euros", ">", 300),
        ("mujeres de 40 y más de 200 €", ">", 200),
        ("clientes con 3 pedidos o más de 150 euros", ">", 150),
        ("customers with RFM 5 and over 300 €", ">", 300),
        ("clientes con RFM 4 y menos de 90 euros", "<", 90),
    ],
)
def test_or_more_after_a_number_yields_to_the_next_comparison(
    text: str, spend_op: str, spend: float, sports_catalog: Catalog
) -> None:
    """ "RFM 5 y más de 300 €": the "más" belongs to "más de 300", not to "5 y más"; read the other
    way, the spend became "= 300" (a wrong answer with exit 0)."""
    for catalog in (sports_catalog, PHARMACY):
        r = parse(text, catalog)
        if r.clarifications or not isinstance(r.plan, SegmentPlan):
            continue  # a question back is never wrong
        got = _found(r.plan, "spend")
        assert got is not None, (text, r.plan)
        assert (got["op"], got["value"]) == (spend_op, spend), (text, got)


# ----------------------------------------------------------------- blind cases, written before the code
BLIND = Path(__file__).parent / "cases" / "blind_reading.jsonl"
BLIND_CASES = (
    [json.loads(line) for line in BLIND.open(encoding="utf-8") if line.strip()] if BLIND.exists() else []
)


@pytest.mark.parametrize("case", BLIND_CASES, ids=[f"{c['class']}:{c['text'][:50]}" for c in BLIND_CASES])
def test_a_blind_case_gives_its_conditions_or_asks(case: dict[str, Any], sports_catalog: Catalog) -> None:
    check(case, sports_catalog if case["catalog"] == "sports" else PHARMACY)


# ----------------------------------------------------------------- random catalogs, random typing
_SYLLABLES = [
    "zor",
    "vak",
    "quin",
    "te",
    "lo",
    "bri",
    "mun",
    "dax",
    "pel",
    "tro",
    "kai",
    "ves",
    "nu",
    "gar",
    "fio",
]
_DECOR = ["", "", "", "'", "_", "-", " & ", ".", " "]


@st.composite
def catalog_names(draw: st.DrawFn) -> str:
    """A made-up catalog value: syllables, maybe accents, punctuation or two words."""

    def word() -> str:
        return "".join(draw(st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=3)))

    first = word()
    if draw(st.booleans()):
        first = first.replace("o", "ó", 1).replace("a", "á", 1)
    joint = draw(st.sampled_from(_DECOR))
    name = first + (joint + word() if joint else "")
    return name.title() if draw(st.booleans()) else name.capitalize()


@st.composite
def shop_and_request(draw: st.DrawFn) -> tuple[Catalog, str, str, str, str | None, str | None]:
    names = draw(st.lists(catalog_names(), min_size=4, max_size=6, unique_by=lambda n: n.casefold()))
    brands, cats = names[:2], names[2:]
    products = [(f"{b} {c} item", c, None, b) for b in brands for c in cats]
    catalog = Catalog.from_values(products, city={"Sevilla": 5, "Bilbao": 4})
    field, value = draw(st.sampled_from([("brand", b) for b in brands] + [("category", c) for c in cats]))
    lang = draw(st.sampled_from(["es", "en"]))
    gender = draw(st.sampled_from([None, "female", "male"]))
    window = draw(st.sampled_from([None, "2025", "last6"]))
    people = {
        ("es", None): ["clientes", "gente", "contactos", "los"],
        ("en", None): ["customers", "people", "ppl", "contacts"],
        ("es", "female"): ["mujeres", "clientas"],
        ("es", "male"): ["hombres"],
        ("en", "female"): ["women"],
        ("en", "male"): ["men"],
    }[(lang, gender)]
    verb = {
        "es": ["que compraron", "q compraron", "que han comprado", "k compraron"],
        "en": ["who bought", "who've bought", "that purchased", "who have bought"],
    }[lang]
    when = {
        None: [""],
        "2025": ["en 2025" if lang == "es" else "in 2025"],
        "last6": ["en los últimos 6 meses", "en los ultimos 6 meses"]
        if lang == "es"
        else ["in the last 6 months", "in the last 6mo"],
    }[window]
    typed = draw(st.sampled_from([value, value.lower(), value.upper(), value.casefold()]))
    if draw(st.integers(0, 3)) == 0 and len(typed) >= 7:
        k = draw(st.integers(1, len(typed) - 3))  # a typo: two letters swapped
        if typed[k].isalpha() and typed[k + 1].isalpha():
            typed = typed[:k] + typed[k + 1] + typed[k] + typed[k + 2 :]
    filler = draw(
        st.sampled_from(
            ["", "a ver, ", "porfa ", "oye, "]
            if lang == "es"
            else ["", "please ", "basically ", "could you pull "]
        )
    )
    tail = draw(st.sampled_from(["", "??", " porfa" if lang == "es" else " pls", " 🙏"]))
    text = f"{filler}{draw(st.sampled_from(people))} {draw(st.sampled_from(verb))} {typed} {draw(st.sampled_from(when))}"
    return catalog, " ".join(text.split()) + tail, field, value, gender, window


@settings(max_examples=200, deadline=None)
@given(case=shop_and_request())
def test_over_any_catalog_a_request_gives_its_plan_or_a_question_never_another_plan(
    case: tuple[Catalog, str, str, str, str | None, str | None],
) -> None:
    catalog, text, field, value, gender, window = case
    r = parse(text, catalog)
    if r.clarifications or r.unrecognized:
        return  # asking is allowed; answering something else is not
    assert isinstance(r.plan, SegmentPlan), text
    data = r.plan.model_dump(mode="json")["where"]
    nodes = data["items"] if data.get("type") == "all" else [data]
    purchases = [n for n in nodes if n.get("type") == "purchase"]
    assert len(purchases) == 1, (text, nodes)
    product = purchases[0]["product"]
    assert product[field] == [value], (text, product)
    assert all(not v for k, v in product.items() if k not in (field, "text")), (text, product)
    genders = [n for n in nodes if n.get("field") == "gender"]
    assert (genders[0]["values"] if genders else None) == ([gender] if gender else None), (text, nodes)
    win = purchases[0].get("window")
    if window == "2025":
        assert win is not None and win.get("year") == 2025, (text, win)
    elif window == "last6":
        assert win is not None and win.get("n") == 6 and win.get("unit") == "month", (text, win)
    else:
        assert win is None, (text, win)
    others = [n for n in nodes if n.get("type") != "purchase" and n.get("field") != "gender"]
    assert not others, (text, others)


# ----------------------------------------------------------------- people words and time phrases (issue 12, first part)
VOCABULARY = [
    # (catalog, request, gender or None, window (kind, n, unit) or None)
    ("sports", "tías de Madrid", "female", None),
    ("sports", "chavos que compraron zapatillas", "male", None),
    ("sports", "peña que compró zapatillas en el último medio año", None, ("last", 6, "month")),
    ("sports", "folks who bought Nike so far this year", None, ("this", None, "year")),
    ("sports", "men who bought shoes in the last fortnight", "male", ("last", 2, "week")),
    ("sports", "women who bought Nike in the last half a year", "female", ("last", 6, "month")),
    ("pharmacy", "tíos que compraron pañales en lo que va de año", "male", ("this", None, "year")),
    ("pharmacy", "chavas que compraron crema solar en la última quincena", "female", ("last", 15, "day")),
    ("pharmacy", "chavales que compraron pañales en lo que va de mes", None, ("this", None, "month")),
    ("pharmacy", "blokes who bought nappies in the last fortnight", "male", ("last", 2, "week")),
]


@pytest.mark.parametrize(("cat", "text", "gender", "window"), VOCABULARY, ids=[v[1] for v in VOCABULARY])
def test_people_words_and_time_phrases_are_read(
    cat: str,
    text: str,
    gender: str | None,
    window: tuple[str, int | None, str] | None,
    sports_catalog: Catalog,
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    blob = json.dumps(r.plan.model_dump(mode="json"))
    if gender:
        assert f'"values": ["{gender}"]' in blob, blob
    else:
        assert '"field": "gender"' not in blob, blob
    if window:
        kind, n, unit = window
        assert f'"kind": "{kind}"' in blob and f'"unit": "{unit}"' in blob, blob
        if n is not None:
            assert f'"n": {n},' in blob, blob


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
def test_no_purchase_for_a_while_is_a_window_of_no_purchase(cat: str, sports_catalog: Catalog) -> None:
    for text, n in (
        ("clientes que no compran desde hace 6 meses", 6),
        ("clientes que no compran desde hace un trimestre", 3),
    ):
        r = parse(text, _catalog(cat, sports_catalog))
        assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
        blob = json.dumps(r.plan.model_dump(mode="json"))
        assert '"type": "not"' in blob and f'"n": {n},' in blob and '"unit": "month"' in blob, blob


BUYER_WORDS = [
    ("repeat buyers in Madrid", ">=", 2),
    ("clientes repetidores de Madrid", ">=", 2),
    ("one-and-done customers", "=", 1),
    ("one time buyers", "=", 1),
    ("compradores recurrentes", ">=", 2),
]


@pytest.mark.parametrize(("text", "op", "n"), BUYER_WORDS, ids=[b[0] for b in BUYER_WORDS])
def test_buyer_words_count_completed_orders(text: str, op: str, n: int, sports_catalog: Catalog) -> None:
    for catalog in (sports_catalog, PHARMACY):
        r = parse(text.replace("Madrid", "Madrid" if catalog is sports_catalog else "Granada"), catalog)
        assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
        blob = json.dumps(r.plan.model_dump(mode="json"))
        assert f'"metric": "orders_count", "compare": {{"op": "{op}", "value": {float(n)}' in blob, blob


@pytest.mark.parametrize("text", ["churned customers", "clientes dormidos de Madrid", "lapsed buyers"])
def test_a_churn_word_with_no_window_asks_since_when(text: str, sports_catalog: Catalog) -> None:
    for catalog in (sports_catalog, PHARMACY):
        r = parse(text, catalog)
        assert r.clarifications, (text, r.plan)


def test_a_churn_word_takes_the_window_of_no_purchase(sports_catalog: Catalog) -> None:
    for catalog in (sports_catalog, PHARMACY):
        r = parse("churned customers, nothing bought in the last 12 months", catalog)
        assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
        blob = json.dumps(r.plan.model_dump(mode="json"))
        assert '"type": "not"' in blob and '"n": 12' in blob


REASONS = [
    (
        "sports",
        "mujeres de Madrid que compraron zapatillas, xq les quiero mandar un cupón",
        "mujeres de Madrid que compraron zapatillas",
    ),
    (
        "sports",
        "women in Madrid who bought Nike, because we want to send them a code",
        "women in Madrid who bought Nike",
    ),
    (
        "sports",
        "para la campaña de verano: hombres que compraron botas de fútbol",
        "hombres que compraron botas de fútbol",
    ),
    (
        "pharmacy",
        "clientes de Granada que compraron pañales pa mandarles una promo",
        "clientes de Granada que compraron pañales",
    ),
    (
        "pharmacy",
        "mujeres que compraron crema solar, so we can send them a promo",
        "mujeres que compraron crema solar",
    ),
]


@pytest.mark.parametrize(("cat", "text", "plain"), REASONS, ids=[r[1] for r in REASONS])
def test_a_reason_clause_carries_no_condition(
    cat: str, text: str, plain: str, sports_catalog: Catalog
) -> None:
    catalog = _catalog(cat, sports_catalog)
    got, want = parse(text, catalog), parse(plain, catalog)
    assert not got.clarifications, (text, got.unrecognized)
    assert isinstance(got.plan, SegmentPlan) and isinstance(want.plan, SegmentPlan)
    assert _shape(got.plan) == _shape(want.plan)
    assert got.ignored


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
def test_y_tambien_keeps_both_order_details(cat: str, sports_catalog: Catalog) -> None:
    catalog = _catalog(cat, sports_catalog)
    methods = [
        m for m in ("paypal", "bizum", "credit_card", "cash_on_delivery") if catalog.has("payment_method", m)
    ][:2]
    if len(methods) < 2:
        pytest.skip("the catalog has fewer than two payment methods")
    r = parse(f"clientes que pagaron con {methods[0]} y también con {methods[1]}", catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
    blob = json.dumps(r.plan.model_dump(mode="json"))
    assert blob.count('"payment_method": [') == 2, blob


def test_a_birthday_this_month_is_the_whole_month(sports_catalog: Catalog) -> None:
    from datetime import date

    from segmenta.assistant.explainer import explain_plan

    r = parse("los que cumplen años este mes", sports_catalog)
    assert isinstance(r.plan, SegmentPlan)
    lines = explain_plan(r.plan, date(2026, 3, 10))
    assert any("del 1 mar 2026 al 31 mar 2026" in line for line in lines), lines


def test_an_action_word_in_a_reason_clause_is_no_action() -> None:
    from segmenta.tools.intents import read_intent

    assert read_intent("los que aceptan sms, xq queremos mandarles el CUMPLE5") is None
    assert read_intent("women who bought Nike, so we can send them a code") is None
    assert read_intent("ahora expórtalos para Facebook") is not None


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("anyone opted out of both email and sms", True),
        ("contactos dados de baja del email", True),
        ("contacts who unsubscribed from email in 2025", False),
        ("se dieron de baja del email este año", False),
    ],
)
def test_opted_out_is_the_consent_state_unless_a_period_is_said(
    text: str, state: bool, sports_catalog: Catalog
) -> None:
    for catalog in (sports_catalog, PHARMACY):
        r = parse(text, catalog)
        assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
        blob = json.dumps(r.plan.model_dump(mode="json"))
        assert ('"op": "is_false"' in blob) is state and ('"event": "unsubscribed"' in blob) is not state, (
            blob
        )


def test_flow_is_a_workflow_word(sports_catalog: Catalog) -> None:
    r = parse("open rate by flow in 2025", sports_catalog)
    assert r.plan is not None and not r.clarifications, r.unrecognized
    assert "workflow" in json.dumps(r.plan.model_dump(mode="json"))


# ----------------------------------------------------------------- only (settled reading 12)
ONLY = [
    ("sports", "clientes que solo compran online", {"channel": "online"}),
    ("pharmacy", "clientas q solo compran online", {"channel": "online"}),
    ("sports", "customers who only ever bought online", {"channel": "online"}),
    ("pharmacy", "los que compraron solo en tienda", {"channel": "store"}),
    ("sports", "people who only bought Nike", {"product": {"brand": ["Nike"]}}),
    ("pharmacy", "los que han comprado solamente ISDIN", {"product": {"brand": ["ISDIN"]}}),
]


@pytest.mark.parametrize(("cat", "text", "want"), ONLY, ids=[o[1] for o in ONLY])
def test_only_marks_the_purchase_every_order_must_pass(
    cat: str, text: str, want: dict[str, Any], sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    got = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))
    got = next((i for i in got.get("items", []) if "only" in i), got)
    assert got.pop("only") is True, got
    got.pop("type", None)
    if "product" in got:
        got["product"] = {k: v for k, v in got["product"].items() if v}
    assert got == want, (text, got)


@pytest.mark.parametrize(
    "text", ["customers whose only order was online", "clientes que compraron solo una vez", "only 2 orders"]
)
def test_only_before_a_count_is_no_every_order_reading(text: str, sports_catalog: Catalog) -> None:
    r = parse(text, sports_catalog)
    assert "only" not in json.dumps(r.plan.model_dump(mode="json", exclude_defaults=True) if r.plan else {})


def test_a_count_after_a_denied_channel_is_its_own_condition(sports_catalog: Catalog) -> None:
    r = parse("customers who only ever bought online, never in store, with at least 2 orders", sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications
    items = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))["items"]
    assert {"metric": "orders_count", "compare": {"op": ">=", "value": 2.0}} in items
    denied = next(i for i in items if "item" in i)
    assert "count" not in denied["item"]


# ----------------------------------------------------------------- again (settled reading 13)
AGAIN = [
    ("sports", "clientes que compraron botas de fútbol y luego volvieron a comprarlas"),
    ("pharmacy", "clientes que compraron protector solar y volvieron a comprarlo"),
    ("sports", "people who came back and purchased football boots again"),
    ("pharmacy", "volvieron a comprar pañales"),
    ("sports", "bought football boots and then came back and bought another one"),
    ("pharmacy", "compraron champú otra vez"),
]


@pytest.mark.parametrize(("cat", "text"), AGAIN, ids=[a[1] for a in AGAIN])
def test_buying_again_is_two_distinct_orders_of_the_product_named(
    cat: str, text: str, sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    got = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))
    assert got["count"] == {"op": ">=", "value": 2.0}, (text, got)
    assert any(got["product"].get(f) for f in ("category", "subcategory", "brand")), got


def test_again_in_two_windows_is_one_order_in_each(sports_catalog: Catalog) -> None:
    r = parse("compraron botas de fútbol en 2024 y volvieron a comprarlas en 2025", sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications
    items = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))["items"]
    assert [i["window"]["year"] for i in items] == [2024, 2025]
    assert items[0]["product"] == items[1]["product"] and "count" not in items[0]


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
def test_returned_it_is_a_returned_line_of_that_product(cat: str, sports_catalog: Catalog) -> None:
    text = {
        "sports": "compraron botas de fútbol y las devolvieron",
        "pharmacy": "compraron un sérum y lo regresaron",
    }
    r = parse(text[cat], _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
    assert r.plan.where.returned is True and r.plan.where.product is not None


def test_another_of_something_else_is_asked(sports_catalog: Catalog) -> None:
    r = parse("bought football boots and another brand", sports_catalog)
    assert r.clarifications


# ----------------------------------------------------------------- dates said many ways
AS_OF = date(2026, 3, 10)
DATES = [
    ("sports", "compraron botas de fútbol del 14 al 17 de nov", ("2025-11-14", "2025-11-18")),
    (
        "pharmacy",
        "compraron protector solar del 25 de mayo al 2 de junio del año pasado",
        ("2025-05-25", "2025-06-03"),
    ),
    ("sports", "bought football boots between the 3rd and the 10th of March", ("2026-03-03", "2026-03-11")),
    ("pharmacy", "compraron pañales en diciembre del año pasado", ("2025-12-01", "2026-01-01")),
    ("sports", "bought football boots in Q4 last year", ("2025-10-01", "2026-01-01")),
    ("pharmacy", "compraron champú desde el lunes 2 de febrero", ("2026-02-02", "2026-03-11")),
    ("sports", "compraron botas de fútbol en lo que va de marzo", ("2026-03-01", "2026-03-11")),
    (
        "pharmacy",
        "compraron champú en el puente, o sea del 5 al 8 de diciembre de 2025",
        ("2025-12-05", "2025-12-09"),
    ),
]


def _window_of(node: Any) -> Any:
    if getattr(node, "window", None) is not None:
        return node.window
    for child in getattr(node, "items", []) or []:
        found = _window_of(child)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(("cat", "text", "span"), DATES, ids=[d[1] for d in DATES])
def test_a_date_said_any_way_is_its_exact_days(
    cat: str, text: str, span: tuple[str, str], sports_catalog: Catalog
) -> None:
    from segmenta.assistant.windows import resolve_window

    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    start, end = resolve_window(_window_of(r.plan.where), AS_OF)
    assert (start.date().isoformat(), end.date().isoformat()) == span, text


FIRST_LAST = [
    ("sports", "contacts who last ordered b4 1st dec 2025", "last_order_at"),
    ("pharmacy", "clientes que compraron por última vez antes de 2025", "last_order_at"),
    ("sports", "cuántos first-time buyers llevamos en lo que va de marzo", "first_order_at"),
    ("pharmacy", "one-and-done customers whose only order came in Q4 last yr", "first_order_at"),
]


@pytest.mark.parametrize(("cat", "text", "metric"), FIRST_LAST, ids=[f[1] for f in FIRST_LAST])
def test_first_and_last_purchase_dates_are_read(
    cat: str, text: str, metric: str, sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    blob = json.dumps(r.plan.model_dump(mode="json"))
    assert f'"metric": "{metric}"' in blob


@pytest.mark.parametrize(
    ("cat", "text", "want"),
    [
        ("sports", "clientes cuya primera compra fue en la tienda física", {"channel": "store"}),
        ("pharmacy", "customers whose first order was online", {"channel": "online"}),
        ("pharmacy", "clientes cuya primera compra fue con bizum", {"payment_method": ["bizum"]}),
    ],
)
def test_a_detail_of_the_first_purchase_is_the_first_order(
    cat: str, text: str, want: dict[str, Any], sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    got = strip_text(r.plan.where.model_dump(mode="json", exclude_defaults=True))
    assert got.pop("first_purchase") is True and got == want, got


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
def test_returning_buyers_in_a_period_bought_in_it_and_before_it(cat: str, sports_catalog: Catalog) -> None:
    r = parse("returning buyers in the l30d", _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications
    items = r.plan.where.items
    assert items[0].type == "purchase" and items[0].window.n == 30
    assert items[1].type == "not" and items[1].item.metric == "first_order_at"


# ----------------------------------------------------------------- reports asked any way
REPORTS = [
    ("sports", "online vs tienda: nº de pedidos y facturación en 2025", {"dimensions": ["order_channel"]}),
    (
        "pharmacy",
        "online vs in-store - orders and revenue, last 12 months",
        {"dimensions": ["order_channel"]},
    ),
    (
        "sports",
        "how many first-time vs returning buyers did we have in Q4 2025?",
        {"metrics": ["first_time_buyers", "recurring_buyers"]},
    ),
    (
        "pharmacy",
        "compradores nuevos vs recurrentes por mes en 2025",
        {"metrics": ["first_time_buyers", "recurring_buyers"], "grain": "month"},
    ),
    (
        "sports",
        "¿qué marcas se venden más?",
        {"metrics": ["units"], "dimensions": ["brand"], "sort": "units"},
    ),
    ("pharmacy", "which categories sell the most", {"metrics": ["units"], "dimensions": ["category"]}),
    ("sports", "cuánta lana facturamos el mes pasado", {"metrics": ["revenue"]}),
    ("pharmacy", "cuánta pasta nos trajo el flow de carrito abandonado", {"metrics": ["attributed_revenue"]}),
    (
        "sports",
        "open rate, CTR n CVR by workflow in 2025",
        {"metrics": ["open_rate", "click_rate", "conversion_rate"]},
    ),
]


@pytest.mark.parametrize(("cat", "text", "want"), REPORTS, ids=[r[1] for r in REPORTS])
def test_a_report_asked_any_way_has_its_columns(
    cat: str, text: str, want: dict[str, Any], sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, ReportPlan) and not r.clarifications, (text, r.unrecognized)
    got = r.plan.model_dump(mode="json")
    for k, v in want.items():
        assert got[k] == v, (text, k, got[k])


def test_a_money_word_alone_is_never_revenue() -> None:
    # "pasta de dientes" is toothpaste in this shop
    r = parse("clientes que compraron pasta de dientes", PHARMACY)
    assert isinstance(r.plan, SegmentPlan), r.plan


# ----------------------------------------------------------------- labels, initials, "X buyers"
@pytest.mark.parametrize(
    ("cat", "text"),
    [
        ("sports", "hot leads: lead score over 40 and never purchased"),
        ("pharmacy", "VIPs (anyone who's spent 500+ with us) that haven't opened an email in 3 months"),
        ("sports", "suppression list pls - basically anyone opted out of both email and sms"),
        ("pharmacy", "lista de exclusión: los que no están suscritos al email"),
    ],
)
def test_a_label_defined_by_what_follows_carries_no_condition(
    cat: str, text: str, sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    assert any("=" in a for a in r.assumptions), r.assumptions


def test_a_label_the_shop_holds_is_a_condition() -> None:
    cat = Catalog.from_values([("Tent", "Tents", None, "Vango")], custom_field=["vip"])
    r = parse("vip: women", cat)
    assert not any("lo que sigue" in a or "what follows" in a for a in r.assumptions)


SHOPS_INITIALS = [
    Catalog.from_values([("Jacket", "Jackets", None, "The North Face"), ("Tent", "Tents", None, "Vango")]),
    Catalog.from_values([("Crema", "Cremas", None, "La Roche Posay"), ("Gel", "Geles", None, "ISDIN")]),
]


@pytest.mark.parametrize(
    ("k", "text", "brand"), [(0, "tnf buyers", "The North Face"), (1, "lrp buyers", "La Roche Posay")]
)
def test_initials_name_one_brand_and_a_product_before_buyers_is_bought(k: int, text: str, brand: str) -> None:
    r = parse(text, SHOPS_INITIALS[k])
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
    assert r.plan.where.product.brand == [brand]


def test_initials_two_values_share_are_asked() -> None:
    cat = Catalog.from_values(
        [("A", "Jackets", None, "The North Face"), ("B", "Tents", None, "True Nature Foods")]
    )
    r = parse("tnf buyers", cat)
    assert r.clarifications


# ----------------------------------------------------------------- scores, word order, orders holding products
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("customers with F5 but R 1 or 2", {"f": ("=", 5.0, None), "r": ("between", 1.0, 2.0)}),
        (
            "clientes con monetary 5 y frequency de 4 pa arriba",
            {"m": ("=", 5.0, None), "f": (">=", 4.0, None)},
        ),
        ("contactos con recencia 4 o 5", {"r": ("between", 4.0, 5.0)}),
    ],
)
def test_rfm_scores_listed_or_joined_are_read(
    text: str, want: dict[str, Any], sports_catalog: Catalog
) -> None:
    r = parse(text, sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    for k, (op, v, v2) in want.items():
        c = getattr(r.plan.where, k)
        assert (c.op, c.value, c.value2) == (op, v, v2)


def test_scores_that_are_not_neighbours_are_asked(sports_catalog: Catalog) -> None:
    assert parse("clientes con R 1 o 3", sports_catalog).clarifications


@pytest.mark.parametrize(
    ("cat", "text"),
    [
        ("sports", "de Madrid, los que botas de fútbol sí han comprado"),
        ("pharmacy", "los que champú sí han comprado"),
    ],
)
def test_the_object_before_its_verb_is_bought(cat: str, text: str, sports_catalog: Catalog) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    assert "product" in json.dumps(r.plan.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("cat", "text"),
    [
        ("sports", "custs w/ three or more orders that had football boots in them"),
        ("pharmacy", "clientes con 3 o más pedidos que incluían pañales"),
    ],
)
def test_orders_that_had_a_product_count_those_orders(cat: str, text: str, sports_catalog: Catalog) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    w = r.plan.where
    assert w.type == "purchase" and w.product is not None and w.count.value == 3.0


def test_a_device_denied_beside_another_is_already_out(sports_catalog: Catalog) -> None:
    r = parse("abandonaron el carrito desde el móvil (no en la app)", sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
    assert r.plan.where.device == ["mobile"]


# ----------------------------------------------------------------- found by the blind home-and-garden set
BRANCHES = Catalog.from_values(
    [("Sartén 28", "Cocina", "Sartenes", "Tramontina"), ("Taladro", "Herramientas", "Eléctricas", "Bosch")],
    store={"Sucursal Coyoacán": 10, "Sucursal Monterrey Cumbres": 5},
    city={"Puebla": 10, "Monterrey": 5},
    region={"Nuevo León": 5, "Puebla": 10},
)


def test_a_branch_the_shop_lacks_is_asked_never_another_branch() -> None:
    r = parse("los que compraron en la sucursal de puebla", BRANCHES)
    assert r.clarifications, r.plan


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("gente que compro en la sucursal coyoacan y en ningun otro lado", "store"),
        ("los que nada mas nos han comprado cosas de cocina", "product"),
        ("clientes cuya primera compra fue en la sucursal de monterrey", "store"),
    ],
)
def test_only_and_first_purchase_at_a_branch(text: str, want: str) -> None:
    r = parse(text, BRANCHES)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    got = r.plan.where.model_dump(mode="json")
    assert got[want], got
    assert got["only"] or got["first_purchase"]


def test_a_common_word_is_never_part_of_a_longer_place_name() -> None:
    r = parse("mujeres de nuevo", BRANCHES)
    assert "Nuevo León" not in json.dumps(r.plan.model_dump(mode="json") if r.plan else {})


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("ticket promedio x sucursal el mes pasado", {"dimensions": ["store"], "metrics": ["aov"]}),
        (
            "nuevos vs recurrentes en lo que va de mayo",
            {"metrics": ["first_time_buyers", "recurring_buyers"]},
        ),
    ],
)
def test_branch_reports_and_metrics_on_each_side_of_versus(text: str, want: dict[str, Any]) -> None:
    r = parse(text, BRANCHES)
    assert isinstance(r.plan, ReportPlan) and not r.clarifications, (text, r.unrecognized)
    got = r.plan.model_dump(mode="json")
    assert all(got[k] == v for k, v in want.items()), got


# ----------------------------------------------------------------- OR across fields, grouped as written
@pytest.mark.parametrize(
    ("cat", "text", "sides"),
    [
        ("sports", "mujeres de Madrid o hombres de Barcelona", [("female", "Madrid"), ("male", "Barcelona")]),
        ("pharmacy", "clientas de Málaga o hombres de Granada", [("female", "Málaga"), ("male", "Granada")]),
        ("sports", "women from Madrid or men from Sevilla", [("female", "Madrid"), ("male", "Sevilla")]),
    ],
)
def test_or_across_fields_keeps_each_side_together(
    cat: str, text: str, sides: list[tuple[str, str]], sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    where = r.plan.where
    assert where.type == "any"
    got = [tuple(i.values[0] for i in side.items) for side in where.items]
    assert got == sides


def test_or_within_one_field_stays_a_list(sports_catalog: Catalog) -> None:
    r = parse("mujeres de Madrid o Barcelona", sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and r.plan.where.type == "all"


# ----------------------------------------------------------------- found by the blind UK pet-food set
NATIONS = Catalog.from_values(
    [("Kibble", "Dog Food", "Dry", "Harringtons")],
    country={"GB": 50, "IE": 20},
    region={"Northern Ireland": 10, "Greater London": 30, "Co. Dublin": 20},
    city={"Belfast": 10, "London": 30, "Dublin": 20},
)


def test_a_spanish_conjunction_in_capitals_or_in_english_is_a_name() -> None:
    r = parse("NI or ROI contacts", NATIONS)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, r.unrecognized
    got = json.dumps(r.plan.model_dump(mode="json"))
    assert "Northern Ireland" in got and '"IE"' in got


def test_a_place_run_never_drops_the_words_it_cannot_place() -> None:
    r = parse("compradores de Belfast y Villarriba", NATIONS)
    assert "Villarriba" in r.unrecognized or any("Villarriba" in u for u in r.unrecognized)


def test_this_month_vs_last_month_compares_with_all_of_last_month(sports_catalog: Catalog) -> None:
    r = parse("revenue this month vs last month", sports_catalog)
    assert isinstance(r.plan, ReportPlan) and r.plan.compare == "previous"
    assert r.plan.compare_window is not None and r.plan.compare_window.kind == "previous"


def test_a_ranking_said_beats_sell_the_most(sports_catalog: Catalog) -> None:
    r = parse("which brands sell the most? top 5 by revenue l90d", sports_catalog)
    assert isinstance(r.plan, ReportPlan) and (r.plan.sort, r.plan.limit) == ("revenue", 5)


# ----------------------------------------------------------------- the value of a cart, how often an event
CART_VALUES = [
    ("abandoned a cart worth over 30 in the last month", ">", 30.0, True),
    ("abandonaron un carrito de más de 50 € en los últimos 30 días", ">", 50.0, True),
    ("abandonaron el carrito con un valor de 100 o más", ">=", 100.0, False),
    ("added to cart 80€+ this year", ">=", 80.0, True),
    ("left their cart valued at under 20 quid", "<", 20.0, False),
]


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
@pytest.mark.parametrize(("text", "op", "value", "windowed"), CART_VALUES, ids=[c[0] for c in CART_VALUES])
def test_an_amount_after_a_cart_event_is_the_cart_value_never_a_spend(
    cat: str, text: str, op: str, value: float, windowed: bool, sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    where = r.plan.where
    items = where.items if where.type == "all" else [where]
    assert len(items) == 1, items  # one cart condition: no spend, no age beside it
    web = items[0]
    assert web.type == "web" and web.value is not None, web
    assert (web.value.op, web.value.value) == (op, value)
    assert (web.window is not None) == windowed


TIMES = [
    ("abandonaron el carrito 3 veces", "cart_abandoned", "=", 3.0),
    ("abandoned the cart 3 times", "cart_abandoned", "=", 3.0),
    ("visitaron la web más de 5 veces", "visit", ">", 5.0),
    ("visited the website 3+ times in november", "visit", ">=", 3.0),
]


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
@pytest.mark.parametrize(("text", "event", "op", "n"), TIMES, ids=[t[0] for t in TIMES])
def test_n_times_after_a_web_verb_counts_its_events_never_orders(
    cat: str, text: str, event: str, op: str, n: float, sports_catalog: Catalog
) -> None:
    r = parse(text, _catalog(cat, sports_catalog))
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    web = r.plan.where
    assert web.type == "web" and web.event == event, r.plan.where
    assert web.count is not None and (web.count.op, web.count.value) == (op, n)


# ----------------------------------------------------------------- how the orders named were paid
PAID_ORDERS = [
    ("clientes con pedidos cancelados pagados con paypal", "cancelled"),
    ("customers with cancelled orders paid by paypal", "cancelled"),
    ("clientes con pedidos devueltos pagados por paypal", "returned"),
]


@pytest.mark.parametrize("cat", ["sports", "pharmacy"])
@pytest.mark.parametrize(("text", "status"), PAID_ORDERS, ids=[p[0] for p in PAID_ORDERS])
def test_a_payment_participle_after_orders_describes_those_orders(
    cat: str, text: str, status: str, sports_catalog: Catalog
) -> None:
    catalog = _catalog(cat, sports_catalog)
    if "paypal" not in {v.casefold() for v in catalog.values.get("payment_method", {})}:
        catalog = Catalog.from_values(
            [("X", "Y", "Z", "W")], payment_method={"paypal": 5, "credit_card": 5}, status={"cancelled": 1}
        )
    r = parse(text, catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    cond = r.plan.where
    assert cond is not None and cond.type == "purchase", cond  # one order: that status, that payment
    assert cond.status == status and cond.payment_method == ["paypal"]


@pytest.mark.parametrize("text", ["cancelled orders paid by paypal", "pedidos pagados por paypal por mes"])
def test_paid_by_is_how_it_was_paid_never_a_dimension(text: str, sports_catalog: Catalog) -> None:
    r = parse(text, sports_catalog)
    assert isinstance(r.plan, ReportPlan) and not r.unrecognized, (r.plan, r.unrecognized)
    assert "payment_method" not in r.plan.dimensions and "card_brand" not in r.plan.dimensions
    assert r.plan.orders is not None and r.plan.orders.payment_method == ["paypal"]


@pytest.mark.parametrize(
    "text",
    [
        "paid by paypal or credit card and spent over 100 in the last 3 months",
        "pagaron con paypal o tarjeta de crédito y gastaron más de 100 en los últimos 3 meses",
    ],
)
def test_an_or_between_two_values_of_one_field_is_spent_there(text: str, sports_catalog: Catalog) -> None:
    r = parse(text, sports_catalog)
    assert isinstance(r.plan, SegmentPlan) and not r.clarifications, (text, r.unrecognized)
    assert r.plan.where is not None and r.plan.where.type == "all", r.plan.where  # both hold, not either


@pytest.mark.parametrize(
    "field,values,typed,meant",
    [
        # toys: two letters swapped; the other value is nearer by ratio, yet two letters further
        ("category", ["Quinquin", "Quinnuquin"], "clientes que compraron Quinuqin", "Quinquin"),
        # wine: the same on another catalog and field, in English
        ("brand", ["Montelena", "Montleenaas"], "customers who bought Montleena", "Montelena"),
    ],
)
def test_a_typo_one_edit_away_links_to_that_value_not_to_one_two_edits_away(
    field: str, values: list[str], typed: str, meant: str
) -> None:
    others = ["Daxpel", "Fiogar"]  # the other field's values, as a shop has both
    pairs = (
        [(v, o) for v in values for o in others]
        if field == "category"
        else [(o, v) for v in values for o in others]
    )
    catalog = Catalog.from_values([(f"{b} {c} item", c, None, b) for c, b in pairs])
    r = parse(typed, catalog)
    if r.clarifications:  # asking between them is allowed; answering with the other one is not
        return
    dumped = json.dumps(r.plan.model_dump(mode="json") if r.plan else None)
    assert f'"{meant}"' in dumped and all(f'"{v}"' not in dumped for v in values if v != meant), dumped
