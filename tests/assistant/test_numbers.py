"""Numerals in both decimal conventions, number words in Spanish and English, ordinals, money."""

from __future__ import annotations

import pytest

from segmenta.assistant.numbers import Money, parse_money, parse_number, parse_numeral, parse_ordinal
from segmenta.assistant.text import tokenize

NUMERALS = [
    ("1.200,50", 1200.5),
    ("1,200.50", 1200.5),
    ("1.200", 1200.0),
    ("1,200", 1200.0),
    ("12,5", 12.5),
    ("12.5", 12.5),
    ("300", 300.0),
    ("3k", 3000.0),
    ("50k", 50000.0),
    ("1,5k", 1500.0),
    ("1.200.000", 1200000.0),
    ("0.500", 0.5),
    ("1.2.3", None),
    ("1,2,3", None),
]


@pytest.mark.parametrize(("text", "value"), NUMERALS)
def test_numerals_read_with_either_decimal_convention(text: str, value: float | None) -> None:
    assert parse_numeral(text) == value


NUMBERS = [
    ("300 clientes", 300.0, 1),
    ("3 mil", 3000.0, 2),
    ("1,5 millones", 1_500_000.0, 2),
    ("uno", 1.0, 1),
    ("una", 1.0, 1),
    ("un pedido", 1.0, 1),
    ("dos", 2.0, 1),
    ("veinte", 20.0, 1),
    ("veintiuno", 21.0, 1),
    ("veintinueve", 29.0, 1),
    ("treinta y cinco", 35.0, 3),
    ("cuarenta", 40.0, 1),
    ("cien", 100.0, 1),
    ("ciento veinte", 120.0, 2),
    ("doscientos", 200.0, 1),
    ("novecientos", 900.0, 1),
    ("mil", 1000.0, 1),
    ("dos mil", 2000.0, 2),
    ("dos mil quinientos", 2500.0, 3),
    ("un millón", 1_000_000.0, 2),
    ("media docena", 6.0, 2),
    ("una docena", 12.0, 2),
    ("one", 1.0, 1),
    ("twelve", 12.0, 1),
    ("twenty-five", 25.0, 3),
    ("twenty five", 25.0, 2),
    ("a hundred", 100.0, 2),
    ("two hundred and fifty", 250.0, 4),
    ("a thousand", 1000.0, 2),
    ("a dozen", 12.0, 2),
    ("three thousand", 3000.0, 2),
    # a joiner that does not lead to a smaller part is left for the grammar ("entre veinte y treinta")
    ("veinte y treinta", 20.0, 1),
    ("dos tres", 2.0, 1),
    ("twenty and thirty", 20.0, 1),
]


@pytest.mark.parametrize(("raw", "value", "used"), NUMBERS)
def test_numbers_in_digits_and_words_give_value_and_tokens_used(raw: str, value: float, used: int) -> None:
    assert parse_number(tokenize(raw), 0) == (value, used)


@pytest.mark.parametrize("raw", ["a pedido", "the", "hola", "+", "40s", "", "€"])
def test_words_that_are_not_numbers_give_none(raw: str) -> None:
    assert parse_number(tokenize(raw), 0) is None


def test_parse_number_reads_at_the_given_position() -> None:
    tokens = tokenize("más de treinta y cinco años")
    assert parse_number(tokens, 2) == (35.0, 3)
    assert parse_number(tokens, 99) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("primer", 1),
        ("primera", 1),
        ("first", 1),
        ("segundo", 2),
        ("second", 2),
        ("tercer", 3),
        ("third", 3),
        ("cuarto", 4),
        ("1st", 1),
        ("2nd", 2),
        ("3rd", 3),
        ("4th", 4),
        ("1º", 1),
        ("2ª", 2),
        ("1er", 1),
    ],
)
def test_ordinals_in_words_and_digits(raw: str, value: int) -> None:
    assert parse_ordinal(tokenize(raw), 0) == (value, 1)


MONEY = [
    ("300 €", Money(300.0, "EUR"), 2),
    ("300€", Money(300.0, "EUR"), 2),
    ("€300", Money(300.0, "EUR"), 2),
    ("300 euros", Money(300.0, "EUR"), 2),
    ("300 eur", Money(300.0, "EUR"), 2),
    ("$100", Money(100.0, None), 2),
    ("100 dólares", Money(100.0, "USD"), 2),
    ("100 MXN", Money(100.0, "MXN"), 2),
    ("100 pesos", Money(100.0, None), 2),
    ("1.200,50 €", Money(1200.5, "EUR"), 2),
    ("US$ 50", Money(50.0, "USD"), 3),
    ("$1,200.50", Money(1200.5, None), 2),
    ("3k €", Money(3000.0, "EUR"), 2),
    ("trescientos euros", Money(300.0, "EUR"), 2),
    ("USD 20", Money(20.0, "USD"), 2),
]


@pytest.mark.parametrize(("raw", "money", "used"), MONEY)
def test_money_reads_amount_and_currency_on_either_side(raw: str, money: Money, used: int) -> None:
    assert parse_money(tokenize(raw), 0) == (money, used)


@pytest.mark.parametrize("raw", ["300", "300 clientes", "€", "euros 300"])
def test_a_number_without_a_currency_is_not_money(raw: str) -> None:
    assert parse_money(tokenize(raw), 0) is None
