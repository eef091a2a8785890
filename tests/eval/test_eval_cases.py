"""Checks the evaluation sets of the shops other than the sample (pharmacy, electronics, fashion,
pets and books): the case files keep dev.jsonl's shape, and every reference query gives a
non-trivial answer on its generated shop.

The shops are generated from the profiles beside this file with ``shared/eval/make_shop.py``
and the references run through ``shared/eval/run_eval.py``'s own views, so a change of the
generator or of the views that empties a reference is caught here rather than in a scoring run.
Those checks are skipped when ``shared/`` is not beside the repository.
"""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).parent
SHARED_EVAL = HERE.parents[2] / "shared" / "eval"
SHOPS = ["pharmacy_es", "electronics_en", "fashion_es", "petsbooks_en"]
ID_PREFIXES = {"pharmacy_es": "ph_", "electronics_en": "el_", "fashion_es": "fa_", "petsbooks_en": "pb_"}
KINDS = {"segment", "count", "report", "reject"}
PROFILE_FIELDS = set(
    """seed start end as_of contacts anonymous_visitors language currency products first_names last_names
    places email_domains mobile_starts coupons payment_methods payment_weights stores campaigns workflows
    newsletters newsletter_campaign english_share shop_language_share seasonality black_friday_boost windows
    first_order_coupons coupon_discounts store_places return_rates search_words workflow_triggers
    open_rates""".split()
)


def load_cases(shop: str) -> list[dict[str, Any]]:
    """The cases of ``<shop>.jsonl``, one dict per non-empty line."""
    lines = (HERE / f"{shop}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_profile(shop: str) -> dict[str, Any]:
    """The generator profile ``<shop>.profile.json``."""
    profile: dict[str, Any] = json.loads((HERE / f"{shop}.profile.json").read_text(encoding="utf-8"))
    return profile


def shared_module(name: str) -> ModuleType:
    """Imports ``shared/eval/<name>.py`` (not a package) by path."""
    spec = importlib.util.spec_from_file_location(f"_shared_eval_{name}", SHARED_EVAL / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("shop", SHOPS)
def test_every_case_has_the_dev_set_shape_and_a_unique_id(shop: str) -> None:
    cases = load_cases(shop)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    prefix = ID_PREFIXES[shop]
    for c in cases:
        assert c["id"].startswith(prefix), c["id"]
        assert c["kind"] in KINDS, c["id"]
        assert isinstance(c["text"], str) and c["text"].strip(), c["id"]
        date.fromisoformat(c["as_of"])
        assert bool(c["sql"]) == (c["kind"] != "reject"), f"{c['id']}: only reject cases have no SQL"
        assert c.get("note"), f"{c['id']}: every case says which reading it uses"


@pytest.mark.parametrize("shop", SHOPS)
def test_each_set_covers_every_kind_and_both_languages(shop: str) -> None:
    cases = load_cases(shop)
    counts = {k: sum(c["kind"] == k for c in cases) for k in KINDS}
    assert (
        counts["report"] >= 8 and counts["reject"] >= 5 and counts["count"] >= 3 and counts["segment"] >= 25
    )
    spanish = re.compile(r"\b(que|los|las|compraron|clientes|contactos|cuántos|por|de)\b", re.IGNORECASE)
    langs = {"es" if spanish.search(c["text"]) else "en" for c in cases}
    assert langs == {"es", "en"}


@pytest.mark.parametrize("shop", SHOPS)
def test_the_profile_fills_every_field_of_the_sample_profile(shop: str) -> None:
    profile = load_profile(shop)
    assert PROFILE_FIELDS <= set(profile), PROFILE_FIELDS - set(profile)
    assert len(profile["payment_methods"]) == len(profile["payment_weights"])
    assert 40 <= len(profile["products"]) <= 50
    workflow_ids = {w[0] for w in profile["workflows"]}
    assert set(profile["workflow_triggers"]) <= workflow_ids
    assert set(profile["store_places"]) <= set(profile["stores"])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every shop generated once from its profile into a temporary folder."""
    if not (SHARED_EVAL / "make_shop.py").exists():
        pytest.skip(f"{SHARED_EVAL} is not beside the repository")
    make_shop = shared_module("make_shop")
    root = tmp_path_factory.mktemp("eval_shops")
    for shop in SHOPS:
        make_shop.main(str(HERE / f"{shop}.profile.json"), str(root / shop))
    return {shop: root / shop for shop in SHOPS}


@pytest.mark.parametrize("shop", SHOPS)
def test_every_reference_query_gives_a_non_trivial_answer_on_the_generated_shop(
    shop: str, generated: dict[str, Path]
) -> None:
    run_eval = shared_module("run_eval")
    con = run_eval.reference_db(generated[shop])
    problems, current = [], None
    for c in load_cases(shop):
        if c["kind"] == "reject":
            continue
        if c["as_of"] != current:
            run_eval.views(con, c["as_of"])
            current = c["as_of"]
        rows = con.execute(run_eval.fill(c["sql"], c["as_of"])).fetchall()
        if c["kind"] == "segment":
            total = con.execute("SELECT count(*) FROM g_contacts").fetchone()[0]
            if not rows or len(rows) == total:
                problems.append(f"{c['id']}: {len(rows)} of {total} contacts")
        elif not rows or rows[0][0] in (None, 0):
            problems.append(f"{c['id']}: empty result {rows[:1]}")
    assert not problems, problems
