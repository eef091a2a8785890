"""The words of a request: folding, tokens with offsets, stems and the request's language.

Every later step of the rule parser (numbers, money, time windows, the grammar, catalog linking)
reads the same :class:`Token` list, so a phrase found anywhere can be traced back to the exact
characters the person typed (``start``/``end`` offsets, ``text`` as typed) while matching runs on
the ``folded`` form (lowercase, accents removed). Quoted strings ('VIP Madrid', "…", «…») stay
one token so a catalog value with spaces survives intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import snowballstemmer
from unidecode import unidecode

TokenKind = Literal["word", "number", "date", "symbol", "punct", "quoted"]

SYMBOLS = frozenset({"+", "-", "%", "€", "$", "£", ">", "<", "=", ">=", "<=", "≥", "≤"})
QUOTES: dict[str, str] = {'"': '"', "'": "'", "«": "»", "“": "”", "‘": "’", "„": "“"}
SPANISH_MARKS = frozenset("áéíóúüñ¿¡ÁÉÍÓÚÜÑ")

_NUMERIC_SUFFIXES = frozenset({"k", "t", "s", "st", "nd", "rd", "th", "o", "a", "er", "ro", "ra", "º", "ª"})
_TOKEN_RE = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2}(?!\d)|\d{1,2}/\d{1,2}/\d{2,4}(?!\d))"
    r"|(?P<number>\d+(?:[.,]\d+)*(?:[^\W\d_]|[ºª])*)"
    r"|(?P<word>[^\W\d_](?:[\w]|['’](?=[^\W\d_]))*)"
    r"|(?P<symbol>>=|<=|=>|=<|[+\-%€$£<>=≥≤])"
    r"|(?P<punct>[^\w\s])"
)
_KEEP_BETWEEN_DIGITS = re.compile(r"(?<=\d)[.,\-](?=\d)")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``text`` as typed, ``folded`` for matching, ``[start, end)`` in the original."""

    text: str
    folded: str
    start: int
    end: int
    kind: TokenKind = "word"
    quoted: bool = False


MAX_REQUEST = 1000
"""The longest request read, in characters: a request is a sentence or two, never a document."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_request(text: str) -> str:
    """A request as valid text: lone surrogates (bytes that were not UTF-8) become U+FFFD, control,
    bidi and zero-width characters become spaces; refused past MAX_REQUEST characters.

    >>> clean_request("mujeres\\x1b[31m de Madrid\\ud800")
    'mujeres [31m de Madrid\ufffd'

    Raises:
        RequestError: the request is longer than MAX_REQUEST characters.
    """
    from segmenta.errors import RequestError, say
    from segmenta.locale_text import integer

    if _has_surrogate(text):  # a pair becomes its character, a lone half one U+FFFD
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _CONTROL.sub(" ", text)
    if len(text) > MAX_REQUEST:
        raise RequestError(
            say(
                f"the request is {len(text):,} characters long; segmenta reads up to {MAX_REQUEST:,}: "
                "say it in fewer words, or ask in steps (each follow-up refines the last answer)",
                f"la petición tiene {integer(len(text), 'es')} caracteres; segmenta lee hasta "
                f"{integer(MAX_REQUEST, 'es')}: dilo en menos palabras, o pide por pasos (cada "
                "continuación refina la última respuesta)",
            )
        )
    return text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _fold_chars(s: str) -> str:
    out = unidecode(s.replace("€", "\x00"))
    return out.replace("\x00", "€").lower()


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lowercase, strip accents (ñ -> n), turn punctuation into spaces and collapse whitespace.

    ``+ % € $`` are kept, and ``. , -`` when they sit between two digits (``1.200,50``,
    ``2026-03-01``, ``25-34``); apostrophes inside words vanish (``don't`` -> ``dont``).

    >>> fold("¿Mujeres +30 de Cádiz, 1.200,50 €?")
    'mujeres +30 de cadiz 1.200,50 €'
    >>> fold("  Año-nuevo 25-34 don't ")
    'ano nuevo 25-34 dont'
    """
    s = re.sub(r"(?<=\w)['’](?=\w)", "", s)
    marked = _KEEP_BETWEEN_DIGITS.sub(lambda m: "\x01" + m.group(0), s)
    out: list[str] = []
    keep_next = False
    for ch in _fold_chars(marked):
        if ch == "\x01":
            keep_next = True
            continue
        if keep_next or ch.isalnum() or ch in "+%€$":
            out.append(ch)
        else:
            out.append(" ")
        keep_next = False
    return " ".join("".join(out).split())


_SYMBOL_FORMS = {"=>": ">=", "=<": "<=", "≥": ">=", "≤": "<="}


def _fold_token(text: str) -> str:
    if text in SYMBOLS or text in _SYMBOL_FORMS:
        return _SYMBOL_FORMS.get(text, text)
    folded = fold(text)
    return folded.replace(" ", "") if folded else text


def _split_number(text: str, start: int) -> list[Token]:
    """A numeral with letters glued on: keep known suffixes (3k, 1T, 40s, 1º), split the rest (300eur)."""
    m = re.match(r"\d+(?:[.,]\d+)*", text)
    assert m is not None
    digits, suffix = m.group(0), text[m.end() :]
    if not suffix or fold(suffix) in _NUMERIC_SUFFIXES or suffix in _NUMERIC_SUFFIXES:
        return [Token(text, _fold_token(text), start, start + len(text), "number")]
    cut = start + len(digits)
    return [
        Token(digits, digits, start, cut, "number"),
        Token(suffix, _fold_token(suffix), cut, start + len(text), "word"),
    ]


def _quoted_end(s: str, i: int) -> int | None:
    """Index of the closing quote of a quote opening at ``i``, or None when it is no quote."""
    ch = s[i]
    if ch in ("'", "’") and i > 0 and s[i - 1].isalnum():
        return None  # an apostrophe inside or after a word
    close = s.find(QUOTES[ch], i + 1)
    if close <= i + 1 or not s[i + 1 : close].strip():
        return None
    return close


def tokenize(s: str) -> list[Token]:
    """Split a request into tokens with offsets into ``s``.

    Numbers keep their separators (``1.200,50``, ``1,5k``), ISO and d/m/y dates are one token,
    ``+ - % € $`` are their own tokens (``30+`` -> ``30`` ``+``), quoted text is one token
    (``quoted=True``, ``text`` without the quotes, offsets of the inner text).

    >>> [t.text for t in tokenize("mujeres 30+ con €300 y 'VIP Madrid' desde 2026-03-01")]
    ['mujeres', '30', '+', 'con', '€', '300', 'y', 'VIP Madrid', 'desde', '2026-03-01']
    >>> [t.folded for t in tokenize("Últimos 1.200,50€, Q1")]
    ['ultimos', '1.200,50', '€', ',', 'q1']
    """
    tokens: list[Token] = []
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        if ch in QUOTES:
            close = _quoted_end(s, i)
            if close is not None:
                inner = s[i + 1 : close]
                lead = len(inner) - len(inner.lstrip())
                body = inner.strip()
                begin = i + 1 + lead
                tokens.append(Token(body, fold(body), begin, begin + len(body), "quoted", quoted=True))
                i = close + 1
                continue
        m = _TOKEN_RE.match(s, i)
        if m is None or m.end() == i:  # pragma: no cover - the pattern matches any non-space char
            i += 1
            continue
        kind = m.lastgroup or "punct"
        text = m.group(0)
        if kind == "number":
            tokens.extend(_split_number(text, i))
        elif kind == "word":
            tokens.append(Token(text, _fold_token(text), i, m.end(), "word"))
        elif kind == "date":
            tokens.append(Token(text, text, i, m.end(), "date"))
        else:
            tokens.append(
                Token(
                    text,
                    _fold_token(text) if kind == "symbol" else text,
                    i,
                    m.end(),
                    "symbol" if kind == "symbol" else "punct",
                )
            )
        i = m.end()
    return tokens


def span_text(tokens: list[Token]) -> str:
    """The words of consecutive tokens as typed, one space where the original had any gap.

    >>> span_text(tokenize("en los  últimos 10 meses"))
    'en los últimos 10 meses'
    """
    out = ""
    for k, tok in enumerate(tokens):
        if k and tok.start > tokens[k - 1].end:
            out += " "
        out += tok.text
    return out


@lru_cache(maxsize=8192)
def _stem_cached(word: str, lang: str) -> str:
    stemmer = snowballstemmer.stemmer("spanish" if lang == "es" else "english")
    result: str = stemmer.stemWord(word)
    return result


@lru_cache(maxsize=1)
def stemming_fingerprint() -> str:
    """What a stem depends on, for the keys of what is built from stems and kept on disk (the
    glossary's index, a built catalog): this module's source and the stemmer's version."""
    from importlib.metadata import version

    from segmenta import diskcache

    return diskcache.key_of(diskcache.source_of(__file__), version("snowballstemmer"))


def stem(word: str, lang: Literal["es", "en"]) -> str:
    """The Snowball stem of a lowercased word (``compraron`` -> ``compr``), cached.

    >>> stem("zapatillas", "es"), stem("Running", "en")
    ('zapatill', 'run')
    """
    return _stem_cached(word.lower(), lang)


STOPWORDS_ES: frozenset[str] = frozenset(
    """
a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui asi
cada como con contra cual cuales cuando cuanto cuantos de del desde donde durante e el ella ellas
ellos en entre era eran es esa esas ese eso esos esta estaba estaban estan estar estas este esto
estos fue fueron ha habia han has hasta hay la las le les lo los me mi mis muy nos nosotros o os
otra otras otro otros para pero por porque que quien quienes se ser sea sean si sido sin sobre son
su sus suya suyo tambien te tiene tienen tuvieron tu tus u un una unas uno unos y ya yo
""".split()
)

STOPWORDS_EN: frozenset[str] = frozenset(
    """
a about above after again against all am an and any are as at be been before being below between
both but by can could did do does doing down during each few for from had has have having he her
here hers him his how i if in into is it its itself just me my no nor not of off on once only or
other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which
while who whom whose why will with would you your yours
""".split()
)

# Evidence beyond function words: common request words that only one language uses.
_ES_EVIDENCE = STOPWORDS_ES - {"a", "e", "o", "u", "me", "no", "son", "te", "he", "has", "era"} | frozenset(
    """mujeres hombres clientes contactos compradores compraron compro gastaron gasto pedidos pedido
    compras compra mas menos anos ano meses mes dias semanas ultimos ultimas ultimo ultima mayores
    menores edad tarjeta pagaron usuarios gente personas cuantos cuantas dame muestrame lista todos
    todas ningun ninguna nunca hace abrieron hicieron vieron visitaron devolvieron""".split()
)
_EN_EVIDENCE = STOPWORDS_EN - {"a", "me", "no", "he", "has", "era", "is"} | frozenset(
    """men women customers contacts buyers bought purchased spent orders order purchases more less
    years year months month days weeks last past older younger people users show list give how many
    never ago opened clicked visited viewed returned paid card""".split()
)
_ES_SUFFIXES = ("aron", "ieron", "cion", "ciones")


def detect_language(text: str) -> Literal["es", "en"]:
    """Spanish or English, from function words, common request words and Spanish marks.

    Ties go to Spanish when the text has a Spanish diacritic or ñ/¿/¡, else to English.

    >>> detect_language("mujeres +30 de Madrid"), detect_language("men over 40")
    ('es', 'en')
    >>> detect_language("RFM 5 customers")
    'en'
    """
    es = en = 0
    for tok in fold(text).split():
        if tok in _ES_EVIDENCE or (len(tok) > 5 and tok.endswith(_ES_SUFFIXES)):
            es += 1
        if tok in _EN_EVIDENCE:
            en += 1
    marked = any(ch in SPANISH_MARKS for ch in text)
    if es == en:
        # a tie ("clientas q solo compran online"): the share of words each language's lexicon
        # knows (simplemma) decides, then the Spanish marks
        import simplemma

        scores = dict(simplemma.langdetect(text, lang=("es", "en")))
        if scores.get("es", 0.0) != scores.get("en", 0.0):
            return "es" if scores.get("es", 0.0) > scores.get("en", 0.0) else "en"
        return "es" if marked else "en"
    return "es" if es > en else "en"
