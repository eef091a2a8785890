"""How a shop's cell text becomes a typed warehouse value: the SQL that maps one raw column.

The importer stages every file as text and converts it in set-based DuckDB SQL, so the rules
live here as SQL expression builders over one quoted column name. Each builder returns NULL for
an empty cell and NULL for a value it cannot read; the checks compare the two (a non-empty cell
whose conversion is NULL is a bad value), so the reading rule and the error rule never drift apart.

Column names reaching these builders are the schema's own names, never user text.
"""

from __future__ import annotations

TRUE_WORDS = ("true", "t", "1", "yes", "y", "sí", "si", "verdadero", "v")
FALSE_WORDS = ("false", "f", "0", "no", "n", "falso")

MALE_WORDS = (
    "male",
    "m",
    "man",
    "men",
    "h",
    "hombre",
    "hombres",
    "varón",
    "varon",
    "masculino",
    "masc",
    "boy",
    "homem",
    "masculin",
    "mann",
)
FEMALE_WORDS = (
    "female",
    "f",
    "woman",
    "women",
    "mujer",
    "mujeres",
    "femenino",
    "fem",
    "girl",
    "mulher",
    "feminino",
    "féminin",
    "frau",
)
OTHER_WORDS = (
    "other",
    "otro",
    "otra",
    "otros",
    "x",
    "o",
    "non-binary",
    "nonbinary",
    "non binary",
    "nb",
    "no binario",
    "no binaria",
    "diverse",
    "divers",
)
UNKNOWN_GENDER_WORDS = ("unknown", "unspecified", "desconocido", "n/a", "na", "-", "prefer not to say")


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(lit(w) for w in words)


def q(name: str) -> str:
    """Quote an identifier for DuckDB.

    >>> q('order_id')
    '"order_id"'
    """
    return '"' + name.replace('"', '""') + '"'


def lit(text: object) -> str:
    """A text (or a path) as a DuckDB string literal.

    >>> lit("O'Brien")
    "'O''Brien'"
    """
    return "'" + str(text).replace("'", "''") + "'"


def text_sql(col: str, *, keep_spaces: bool = False, case: str = "") -> str:
    """Text trimmed of surrounding spaces (unless ``keep_spaces``), optionally upper/lower-cased.

    A cell of only spaces is NULL in both cases.

    >>> text_sql('city')
    'nullif(trim("city"), \\'\\')'
    >>> text_sql('country', case='upper')
    'upper(nullif(trim("country"), \\'\\'))'
    """
    if keep_spaces:
        expr = f"CASE WHEN trim({q(col)}) = '' THEN NULL ELSE {q(col)} END"
    else:
        expr = f"nullif(trim({q(col)}), '')"
    if case:
        expr = f"{case}({expr})"
    return expr


def bool_sql(col: str) -> str:
    """true/false, 1/0, yes/no, sí/no, t/f, y/n, verdadero/falso, case-insensitive and trimmed."""
    v = f"lower(trim({q(col)}))"
    return (
        f"CASE WHEN {v} IN ({_words(TRUE_WORDS)}) THEN true "
        f"WHEN {v} IN ({_words(FALSE_WORDS)}) THEN false END"
    )


def gender_sql(col: str, *, spanish_letters: bool = False) -> str:
    """male/female/other from the words people use; ``spanish_letters`` reads M as mujer (H/M files)."""
    v = f"lower(trim({q(col)}))"
    male = tuple(w for w in MALE_WORDS if not (spanish_letters and w == "m"))
    female = (*FEMALE_WORDS, "m") if spanish_letters else FEMALE_WORDS
    return (
        f"CASE WHEN {v} IN ({_words(male)}) THEN 'male' WHEN {v} IN ({_words(female)}) THEN 'female' "
        f"WHEN {v} IN ({_words(OTHER_WORDS)}) THEN 'other' END"
    )


def gender_known_sql(col: str) -> str:
    """True when the cell is empty or a word that means "not said" (read as NULL, not a problem)."""
    v = f"lower(trim({q(col)}))"
    return f"(coalesce({v}, '') = '' OR {v} IN ({_words(UNKNOWN_GENDER_WORDS)}))"


def timestamp_sql(col: str) -> str:
    """An ISO 8601 timestamp or date; fractional seconds kept, a trailing ``Z`` or offset dropped.

    DuckDB's own cast reads exactly this (``T`` or space, surrounding spaces, ``Z``, ``+02:00``,
    ``+0530``) and keeps the wall-clock time, so times stay the shop's local times.
    """
    return f"try_cast({q(col)} AS TIMESTAMP)"


def date_sql(col: str) -> str:
    """An ISO date; a timestamp is accepted only when its time is midnight."""
    ts = timestamp_sql(col)
    return f"CASE WHEN {ts} = date_trunc('day', {ts}) THEN CAST({ts} AS DATE) END"


def decimal_sql(col: str, type_: str, *, decimal_comma: bool = False) -> str:
    """A number with a decimal point; with ``decimal_comma`` also ``1.234,56`` and ``12,50``."""
    v = f"trim({q(col)})"
    plain = f"try_cast({q(col)} AS {type_})"
    if not decimal_comma:
        return plain
    comma = rf"regexp_full_match({v}, '-?(\d{{1,3}}(\.\d{{3}})+|\d+),\d+')"
    return (
        f"CASE WHEN {comma} THEN try_cast(replace(replace({v}, '.', ''), ',', '.') AS {type_}) "
        f"ELSE {plain} END"
    )


def integer_sql(col: str) -> str:
    """A whole number (``2`` or ``2.0``); ``2.5`` is not one."""
    v, d = q(col), f"try_cast({q(col)} AS DOUBLE)"
    whole = f"CASE WHEN {d} = floor({d}) THEN try_cast({d} AS INTEGER) END"
    return f"CASE WHEN contains({v}, '.') THEN {whole} ELSE try_cast({v} AS INTEGER) END"


def value_sql(col: str, type_: str, *, decimal_comma: bool = False, spanish_letters: bool = False) -> str:
    """The conversion of one warehouse column from its staged text, by column name and type."""
    if col in ("email", "phone"):
        return text_sql(col, keep_spaces=True)
    if col == "gender":
        return gender_sql(col, spanish_letters=spanish_letters)
    if col == "country":
        return text_sql(col, case="upper")
    if col in ("language", "status", "event_type", "device", "payment_method", "card_brand", "message_type"):
        return text_sql(col, case="lower")
    if col == "channel":
        return text_sql(col, case="lower")
    if type_ == "BOOLEAN":
        return bool_sql(col)
    if type_ == "TIMESTAMP":
        return timestamp_sql(col)
    if type_ == "DATE":
        return date_sql(col)
    if type_ == "INTEGER":
        return integer_sql(col)
    if type_.startswith("DECIMAL"):
        return decimal_sql(col, type_, decimal_comma=decimal_comma)
    return text_sql(col)


def strict_value_sql(col: str, type_: str, *, decimal_comma: bool = False) -> str:
    """The fast path's conversion of a typed column: ``value_sql``'s value, or an error where it is NULL.

    A cell that ``value_sql`` cannot read raises instead of becoming NULL, so a clean load needs
    no second look at the values, and a raising load hands over to the careful path that names
    the cell. A plain cast is exactly ``try_cast`` wherever it succeeds; it also raises on a cell
    of spaces, which then takes the careful path too (slower, same outcome).

    >>> strict_value_sql('ordered_at', 'TIMESTAMP')
    'CAST("ordered_at" AS TIMESTAMP)'
    """
    if type_ == "TIMESTAMP" or (type_.startswith("DECIMAL") and not decimal_comma):
        return f"CAST({q(col)} AS {type_})"
    conv = value_sql(col, type_, decimal_comma=decimal_comma)
    return (
        f"CASE WHEN ({conv}) IS NULL AND {text_sql(col)} IS NOT NULL "
        f"THEN error('unreadable value in {col}') ELSE {conv} END"
    )


def read_text_sql(col: str) -> str | None:
    """The fast path's in-read form of a trimmed text column (``value_sql``); None for mapped columns.

    The trim runs only on cells that could need it (a space at either end, empty, or any non-ASCII
    character, which covers every other Unicode space), so clean id columns with millions of
    distinct values cost a byte scan, not a copy. Cased and mapped columns (country, status,
    gender...) are read as they are and tidied in place afterwards (``untidy_sql``).

    >>> read_text_sql('status') is None
    True
    """
    v = q(col)
    conv = value_sql(col, "VARCHAR")
    if conv not in (text_sql(col), text_sql(col, keep_spaces=True)):
        return None
    maybe = f"starts_with({v}, ' ') OR ends_with({v}, ' ') OR {v} = '' OR strlen({v}) <> length({v})"
    return f"CASE WHEN {maybe} THEN {conv} ELSE {v} END"


def untidy_sql(col: str, *, spanish_letters: bool = False) -> str:
    """True where a cased or mapped text cell as read differs from its warehouse form (``value_sql``).

    >>> print(untidy_sql('status'))
    "status" IS DISTINCT FROM lower(nullif(trim("status"), ''))
    """
    return f"{q(col)} IS DISTINCT FROM {value_sql(col, 'VARCHAR', spanish_letters=spanish_letters)}"


def kind_of(type_: str) -> str:
    """The word a problem uses for a value of this type.

    >>> kind_of('DECIMAL(12,2)')
    'number'
    """
    if type_.startswith("DECIMAL") or type_ == "INTEGER":
        return "number" if type_ != "INTEGER" else "whole number"
    return {"BOOLEAN": "boolean", "TIMESTAMP": "timestamp", "DATE": "date"}.get(type_, "text")
