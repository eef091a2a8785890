"""A shop's own words (``segmenta vocab``) and choosing a clarification's option (``ask N --continue``),
from the CLI over a tiny warehouse, as a marketer would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from segmenta.warehouse import store, vocab
from tests.test_cli import _build_tiny, run


@pytest.fixture(autouse=True)
def _no_user_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DB, str(tmp_path / "default.duckdb"))


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return _build_tiny(tmp_path / "tiny.duckdb")


def ask(db: Path, *args: str) -> dict:
    r = run("ask", *args, "--db", db, "--as-of", "2026-03-10", "--json")
    return json.loads(r.output.strip().splitlines()[-1])


def test_a_shop_word_is_read_as_its_meaning_and_said_so(tiny: Path) -> None:
    r = run("vocab", "add", "zapas", "Trail shoe", "--db", tiny)
    assert r.exit_code == 0, r.output
    assert vocab.load(tiny) == {"zapas": "Trail shoe"}
    a = ask(tiny, "clientes que compraron zapas")
    assert a["kind"] == "segment" and a["count"] == 1
    assert any("zapas" in s and "Trail shoe" in s for s in a["assumptions"])
    listed = run("vocab", "list", "--db", tiny)
    assert "zapas" in listed.output and "Trail shoe" in listed.output
    assert run("vocab", "remove", "ZAPAS", "--db", tiny).exit_code == 0
    assert vocab.load(tiny) == {}


def test_a_meaning_the_shop_cannot_read_is_refused_and_nothing_is_written(tiny: Path) -> None:
    r = run("vocab", "add", "cosa", "Xyzzy Plugh", "--db", tiny)
    assert r.exit_code != 0 and "Xyzzy" in r.output
    assert not vocab.vocab_path(tiny).exists()
    assert run("vocab", "remove", "cosa", "--db", tiny).exit_code != 0


def test_a_damaged_vocabulary_file_says_where(tiny: Path) -> None:
    vocab.vocab_path(tiny).write_text("[words]\nzapas = \n", encoding="utf-8")
    r = run("vocab", "list", "--db", tiny)
    assert r.exit_code != 0 and "vocab.toml" in r.output


def test_an_option_of_the_last_question_can_be_chosen_and_remembered(tiny: Path) -> None:
    first = ask(tiny, "clientes que compraron Rakeet Pro")
    assert first["kind"] == "clarification"
    options = [o for c in first["clarifications"] for o in c["options"]]
    assert options, first
    n = options.index("subcategoría: Rackets") + 1  # the options are in the request's language
    chosen = ask(tiny, str(n), "--continue", "--remember")
    assert chosen["kind"] == "segment" and chosen["count"] == 1, chosen
    assert chosen["request"] == "clientes que compraron Rackets"
    assert vocab.load(tiny) == {"rakeet pro": "Rackets"}
    # the shop now knows the word
    again = ask(tiny, "clientes que compraron Rakeet Pro")
    assert again["kind"] == "segment" and again["count"] == 1


def test_choosing_with_no_question_or_no_such_option_says_so(tiny: Path) -> None:
    r = run("ask", "3", "--continue", "--db", tiny, "--as-of", "2026-03-10")
    assert r.exit_code != 0 and "asked no question with options" in r.output
    ask(tiny, "clientes que compraron Rakeet Pro")
    r = run("ask", "9", "--continue", "--db", tiny, "--as-of", "2026-03-10")
    assert r.exit_code != 0 and "la opción 9 no existe" in r.output  # said in the request's language


def test_a_request_that_says_remember_keeps_the_word_and_answers_the_question_again(tiny: Path) -> None:
    first = ask(tiny, "clientes que compraron zapas")
    assert first["kind"] == "clarification"
    assert any("recuerda 'zapas'" in c["question"] for c in first["clarifications"]), first
    kept = ask(tiny, "recuerda 'zapas' = Trail shoe para esta tienda")
    assert kept["kind"] == "segment" and kept["count"] == 1, kept
    assert kept["request"] == "clientes que compraron zapas"  # the question back, answered now
    assert any("recordado para esta tienda: 'zapas' = Trail shoe" in s for s in kept["assumptions"])
    assert vocab.load(tiny) == {"zapas": "Trail shoe"}
    # with no question holding the word, the word itself is answered: what it now stands for
    also = ask(tiny, "remember that trailers means Trail shoe")
    assert also["request"] == "bought trailers" and also["kind"] == "segment" and also["count"] == 1, also


def test_remember_with_a_meaning_the_shop_cannot_read_writes_nothing(tiny: Path) -> None:
    r = run("ask", "recuerda 'cosa' = Xyzzy Plugh", "--db", tiny, "--as-of", "2026-03-10")
    assert r.exit_code != 0 and "Xyzzy" in r.output
    assert not vocab.vocab_path(tiny).exists()
