"""The bilingual glossary: concepts in both languages, found by any form, plural or accent."""

from __future__ import annotations

import doctest

import pytest

from segmenta.assistant import glossary


def test_the_glossary_holds_hundreds_of_concepts_with_both_languages() -> None:
    concepts = glossary.concepts()
    assert len(concepts) >= 600
    assert all(c.es and c.en for c in concepts)
    verticals = {c.vertical for c in concepts}
    assert {
        "footwear",
        "fashion",
        "sports",
        "electronics",
        "food_and_drink",
        "pharmacy_and_cosmetics",
        "pet_supplies",
        "books_and_music",
        "commerce",
    } <= verticals


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("zapatillas", {"sneakers", "trainers", "tenis", "deportivas"}),
        ("sneakers", {"zapatillas"}),
        ("playera", {"t-shirt", "camiseta"}),
        ("celular", {"móvil", "smartphone", "phone"}),
        ("portátil", {"laptop", "notebook"}),
        ("audífonos", {"auriculares", "cascos", "headphones", "earbuds"}),
        ("pienso", {"kibble", "dry food"}),
        ("vitaminas", {"vitamins"}),
        ("sunscreen", {"protector solar"}),
        ("novela", {"novel"}),
        ("vinilos", {"vinyl record"}),
        ("natación", {"swimming"}),
        ("cupón", {"coupon", "promo code"}),
    ],
)
def test_a_word_translates_to_the_forms_of_its_concept_in_both_languages(
    word: str, expected: set[str]
) -> None:
    assert expected <= glossary.translations(word, "es")


def test_accents_case_and_plurals_find_the_same_concept() -> None:
    assert glossary.translations("NATACION") == glossary.translations("natación")
    assert glossary.translations("bota") == glossary.translations("Botas")
    assert "boots" in glossary.translations("bota")


def test_a_multiword_phrase_is_found_whole() -> None:
    assert "abandoned cart" in glossary.translations("carrito abandonado")
    assert "credit card" in glossary.translations("tarjetas de crédito")
    assert "shin guards" in glossary.translations("espinilleras", "es")


def test_an_unknown_word_has_no_translation() -> None:
    assert glossary.translations("xylofonía quántica") == set()
    assert glossary.translations("") == set()


def test_warehouse_codes_come_with_their_words() -> None:
    assert glossary.codes("contra reembolso") == {"cash_on_delivery"}
    assert glossary.codes("tarjeta de débito") == {"debit_card"}
    assert glossary.codes("en la web") == {"online"}
    assert glossary.codes("Amex") == {"amex"}


def test_every_form_of_every_concept_finds_its_concept_again() -> None:
    for concept in glossary.concepts():
        for form in (*concept.es, *concept.en):
            assert concept in glossary.lookup(form), form


def test_the_doctests_of_the_glossary_pass() -> None:
    assert doctest.testmod(glossary).failed == 0
