"""Numbers and money in the words of a request, Spanish or English.

Marketers write amounts both ways (``1.200,50 €`` in Spain, ``$1,200.50`` in Mexico and the US)
and spell small counts out (``los últimos seis meses``, ``two hundred and fifty``); the grammar
asks this module at a token position and gets a value and how many tokens it used, so the same
reading serves ages, amounts, counts and time windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from segmenta.assistant.text import Token

_UNITS: dict[str, int] = {
    "cero": 0,
    "uno": 1,
    "una": 1,
    "un": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS: dict[str, int] = {
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiuno": 21,
    "veintiun": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS: dict[str, int] = {
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_HUNDREDS: dict[str, int] = {
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "doscientas": 200,
    "trescientos": 300,
    "trescientas": 300,
    "cuatrocientos": 400,
    "cuatrocientas": 400,
    "quinientos": 500,
    "quinientas": 500,
    "seiscientos": 600,
    "seiscientas": 600,
    "setecientos": 700,
    "setecientas": 700,
    "ochocientos": 800,
    "ochocientas": 800,
    "novecientos": 900,
    "novecientas": 900,
}
_MULTIPLIERS: dict[str, int] = {
    "mil": 1000,
    "thousand": 1000,
    "millon": 1_000_000,
    "millones": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "k": 1000,
}
_DOZEN = frozenset({"docena", "docenas", "dozen", "dozens"})
_JOINERS = frozenset({"y", "and", "-"})
_SCALES = frozenset(_MULTIPLIERS) | _DOZEN | {"hundred"}

ORDINALS: dict[str, int] = {
    "primer": 1,
    "primero": 1,
    "primera": 1,
    "segundo": 2,
    "segunda": 2,
    "tercer": 3,
    "tercero": 3,
    "tercera": 3,
    "cuarto": 4,
    "cuarta": 4,
    "quinto": 5,
    "quinta": 5,
    "sexto": 6,
    "sexta": 6,
    "septimo": 7,
    "septima": 7,
    "octavo": 8,
    "octava": 8,
    "noveno": 9,
    "novena": 9,
    "decimo": 10,
    "decima": 10,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th|o|a|er|ro|ra)")

_CURRENCY_WORDS: dict[str, str | None] = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": None,
    "pesos": None,
    "peso": None,
    "usd": "USD",
    "dolar": "USD",
    "dolares": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "libras": "GBP",
    "pounds": "GBP",
    "mxn": "MXN",
    "cop": "COP",
    "ars": "ARS",
    "clp": "CLP",
    "pen": "PEN",
    "brl": "BRL",
}
_PREFIX_SYMBOLS = frozenset({"€", "$", "£", "usd", "eur", "mxn", "gbp"})


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its ISO 4217 currency; ``None`` = the shop's own currency (``$``, ``pesos``)."""

    amount: float
    currency: str | None = None


def parse_numeral(text: str) -> float | None:
    """The value of a written numeral with either decimal convention, or None.

    Args:
        text: one folded token such as ``1.200,50``, ``1,200.50``, ``12,5``, ``3k``, ``1,5k``.

    Returns:
        The value, or None when ``text`` is not a numeral.

    >>> [parse_numeral(t) for t in ["1.200,50", "1,200.50", "1.200", "12,5", "300", "3k", "1,5k"]]
    [1200.5, 1200.5, 1200.0, 12.5, 300.0, 3000.0, 1500.0]
    >>> parse_numeral("1.200.000"), parse_numeral("12.5"), parse_numeral("abc")
    (1200000.0, 12.5, None)
    """
    m = re.fullmatch(r"(\d+(?:[.,]\d+)*)(k?)", text.lower())
    if m is None:
        return None
    body, scale = m.group(1), 1000.0 if m.group(2) else 1.0
    if "." in body and "," in body:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if dec == "." else "."
        if body.count(dec) > 1:
            return None
        body = body.replace(thousands, "").replace(dec, ".")
    elif "." in body or "," in body:
        sep = "." if "." in body else ","
        if re.fullmatch(rf"[1-9]\d{{0,2}}(?:\{sep}\d{{3}})+", body):
            body = body.replace(sep, "")
        elif body.count(sep) == 1:
            body = body.replace(sep, ".")
        else:
            return None
    return float(body) * scale


def _word(tokens: list[Token], i: int) -> str:
    return tokens[i].folded if 0 <= i < len(tokens) else ""


def _parse_words(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """Spelled-out numbers: ``treinta y cinco``, ``two hundred and fifty``, ``dos mil``, ``media docena``."""
    total = 0.0
    current = 0.0
    smallest = 10**9  # the place of the last word added: later words must be smaller
    j = i
    used = False
    while j < len(tokens):
        w = _word(tokens, j)
        if w in ("media", "half") and _word(tokens, j + 1) in _DOZEN and not used:
            return 6.0, j + 2 - i
        if w in ("un", "a") and _word(tokens, j + 1) in ("par", "couple", "pair") and not used:
            # "un par de veces", "a couple of orders": two
            return 2.0, j + (3 if _word(tokens, j + 2) in ("de", "of") else 2) - i
        if w in ("a", "an") and not used and _word(tokens, j + 1) in _SCALES:
            current, used, j = 1.0, True, j + 1
            continue
        if w in _JOINERS and used and j + 1 < len(tokens):
            nxt = _word(tokens, j + 1)
            value = _UNITS.get(nxt, _TEENS.get(nxt, _TENS.get(nxt)))
            if value is not None and value < smallest and value != 0:
                j += 1
                continue
            break
        if w in _HUNDREDS and smallest > 100:
            current, smallest = current + _HUNDREDS[w], 100
        elif w in _TENS and smallest > 10 and _TENS[w] < smallest:
            current, smallest = current + _TENS[w], 10
        elif w in _TEENS and smallest > 10 and _TEENS[w] < smallest:
            current, smallest = current + _TEENS[w], 1
        elif w in _UNITS and smallest > 1:
            current, smallest = current + _UNITS[w], 1
        elif w == "hundred" and used and current < 100:
            current, smallest = (current or 1) * 100, 100
        elif w in _MULTIPLIERS and w != "k" and (used or w == "mil"):
            total += (current or 1) * _MULTIPLIERS[w]
            current, smallest = 0.0, _MULTIPLIERS[w]
        elif w in _DOZEN and used:
            current, smallest = (current or 1) * 12, 1
        else:
            break
        used = True
        j += 1
    if not used:
        return None
    return total + current, j - i


def parse_number(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """A number starting at token ``i``: a numeral (``1.200,50``, ``3k``), optionally scaled by a
    word (``3 mil``, ``1,5 millones``), or spelled out in Spanish or English.

    Args:
        tokens: the request's tokens.
        i: where the number should start.

    Returns:
        ``(value, tokens consumed)``, or None when no number starts at ``i``.

    >>> from segmenta.assistant.text import tokenize
    >>> parse_number(tokenize("treinta y cinco años"), 0)
    (35.0, 3)
    >>> parse_number(tokenize("two hundred and fifty"), 0), parse_number(tokenize("3 mil"), 0)
    ((250.0, 4), (3000.0, 2))
    """
    if not 0 <= i < len(tokens):
        return None
    tok = tokens[i]
    if tok.kind == "number":
        value = parse_numeral(tok.folded)
        if value is None:
            return None
        nxt = _word(tokens, i + 1)
        if nxt in _MULTIPLIERS and not tok.folded.endswith("k"):
            return value * _MULTIPLIERS[nxt], 2
        if nxt in _DOZEN:
            return value * 12, 2
        return value, 1
    if tok.kind != "word":
        return None
    return _parse_words(tokens, i)


def parse_ordinal(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """An ordinal at token ``i`` (``primer``, ``segunda``, ``third``, ``1st``, ``2º``, ``1er``).

    >>> from segmenta.assistant.text import tokenize
    >>> parse_ordinal(tokenize("primer trimestre"), 0), parse_ordinal(tokenize("2nd quarter"), 0)
    ((1, 1), (2, 1))
    """
    if not 0 <= i < len(tokens):
        return None
    w = tokens[i].folded
    if w in ORDINALS:
        return ORDINALS[w], 1
    m = _ORDINAL_DIGITS.fullmatch(w)
    if m is not None and tokens[i].kind == "number":
        return int(m.group(1)), 1
    return None


def _currency_at(tokens: list[Token], i: int) -> tuple[str | None, int] | None:
    """A currency word or symbol at ``i`` (``US$`` is two tokens): ``(code, tokens used)``."""
    w = _word(tokens, i)
    if w == "us" and _word(tokens, i + 1) == "$":
        return "USD", 2
    if w in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[w], 1
    return None


def parse_money(tokens: list[Token], i: int) -> tuple[Money, int] | None:
    """An amount with its currency at token ``i``: ``300 €``, ``€300``, ``100 dólares``, ``US$ 50``.

    A bare number is not money (the grammar decides what it counts); ``$`` and ``pesos`` give
    ``currency=None``, the shop's own currency.

    >>> from segmenta.assistant.text import tokenize
    >>> parse_money(tokenize("1.200,50 €"), 0)
    (Money(amount=1200.5, currency='EUR'), 2)
    >>> parse_money(tokenize("US$ 50"), 0)
    (Money(amount=50.0, currency='USD'), 3)
    """
    before = _currency_at(tokens, i)
    if before is not None and (_word(tokens, i) in _PREFIX_SYMBOLS or before[1] == 2):
        number = parse_number(tokens, i + before[1])
        if number is not None:
            return Money(number[0], before[0]), before[1] + number[1]
    number = parse_number(tokens, i)
    if number is None:
        return None
    after = _currency_at(tokens, i + number[1])
    if after is None:
        return None
    return Money(number[0], after[0]), number[1] + after[1]
