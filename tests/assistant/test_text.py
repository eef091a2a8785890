"""Folding, tokens with offsets, stems and language detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segmenta.assistant.text import STOPWORDS_EN, STOPWORDS_ES, detect_language, fold, stem, tokenize

FOLDS = [
    ("¿Mujeres de Cádiz?", "mujeres de cadiz"),
    ("Año  ÑANDÚ", "ano nandu"),
    ("1.200,50 € y $100 al 20%", "1.200,50 € y $100 al 20%"),
    ("edad 25-34, +30 o 30+", "edad 25-34 +30 o 30+"),
    ("desde 2026-03-01.", "desde 2026-03-01"),
    ("e-mail; (VIP)", "e mail vip"),
    ("don't", "dont"),
    ("«Club» “Élite”", "club elite"),
]


@pytest.mark.parametrize(("raw", "folded"), FOLDS)
def test_fold_lowercases_strips_accents_and_keeps_number_marks(raw: str, folded: str) -> None:
    assert fold(raw) == folded


TOKENS = [
    ("30+", ["30", "+"]),
    ("+30", ["+", "30"]),
    ("300€", ["300", "€"]),
    ("€300", ["€", "300"]),
    ("1.200,50", ["1.200,50"]),
    ("1,200.50$", ["1,200.50", "$"]),
    ("2026-03-01", ["2026-03-01"]),
    ("01/03/2026", ["01/03/2026"]),
    ("Q1 2026", ["Q1", "2026"]),
    ("1T", ["1T"]),
    ("25-34", ["25", "-", "34"]),
    ("3k 1,5k", ["3k", "1,5k"]),
    ("300eur", ["300", "eur"]),
    ("in their 40s", ["in", "their", "40s"]),
    ("twenty-five", ["twenty", "-", "five"]),
    ("X, Y y Z.", ["X", ",", "Y", "y", "Z", "."]),
    ("customers' orders", ["customers", "'", "orders"]),
    ("O'Brien", ["O'Brien"]),
]


@pytest.mark.parametrize(("raw", "texts"), TOKENS)
def test_tokenize_splits_numbers_symbols_and_dates_sensibly(raw: str, texts: list[str]) -> None:
    assert [t.text for t in tokenize(raw)] == texts


@pytest.mark.parametrize(
    ("raw", "inner"),
    [
        ("segmento 'VIP Madrid' ya", "VIP Madrid"),
        ('segmento "VIP Madrid" ya', "VIP Madrid"),
        ("segmento «VIP Madrid» ya", "VIP Madrid"),
        ("segmento “VIP Madrid” ya", "VIP Madrid"),
    ],
)
def test_a_quoted_string_is_one_token_with_the_quoted_flag(raw: str, inner: str) -> None:
    tokens = tokenize(raw)
    assert [t.text for t in tokens] == ["segmento", inner, "ya"]
    quoted = tokens[1]
    assert quoted.quoted and quoted.kind == "quoted"
    assert quoted.folded == "vip madrid"
    assert raw[quoted.start : quoted.end] == inner


def test_an_unclosed_quote_is_punctuation() -> None:
    assert [t.text for t in tokenize('dijo "hola')] == ["dijo", '"', "hola"]


def test_tokens_carry_their_offsets_and_folded_form() -> None:
    raw = "Últimos  30 días"
    tokens = tokenize(raw)
    assert [(t.folded, t.start, t.end) for t in tokens] == [
        ("ultimos", 0, 7),
        ("30", 9, 11),
        ("dias", 12, 16),
    ]
    assert [t.kind for t in tokens] == ["word", "number", "word"]


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [
        ("zapatillas", "es", "zapatill"),
        ("compraron", "es", "compr"),
        ("running", "en", "run"),
        ("Customers", "en", "custom"),
    ],
)
def test_stem_uses_the_snowball_stemmer_of_the_language(word: str, lang: str, expected: str) -> None:
    assert stem(word, lang) == expected  # type: ignore[arg-type]


LANGS = [
    ("mujeres +30 de Madrid", "es"),
    ("men over 40", "en"),
    ("RFM 5 customers", "en"),
    ("clientes que compraron zapatillas en los últimos 10 meses", "es"),
    ("customers who bought boots in the last 10 months", "en"),
    ("RFM 5", "en"),
    ("RFM 5 ¿", "es"),
    ("Madrid Barcelona", "en"),
    ("Cádiz Málaga", "es"),
    ("who has opened the newsletter", "en"),
    ("quién abrió la newsletter", "es"),
]


@pytest.mark.parametrize(("raw", "lang"), LANGS)
def test_detect_language_weighs_function_words_and_spanish_marks(raw: str, lang: str) -> None:
    assert detect_language(raw) == lang


def test_stopwords_hold_function_words_only() -> None:
    assert {"que", "los", "las", "de", "del"} <= STOPWORDS_ES
    assert {"the", "who", "that", "with", "have", "has", "did", "were"} <= STOPWORDS_EN
    assert not {"mujeres", "clientes", "compraron", "madrid"} & STOPWORDS_ES
    assert not {"customers", "bought", "women"} & STOPWORDS_EN


@given(st.text(max_size=2000))
def test_fold_and_tokenize_never_raise_and_offsets_point_at_the_text(raw: str) -> None:
    fold(raw)
    for tok in tokenize(raw):
        assert raw[tok.start : tok.end] == tok.text
        assert tok.text
