"""The exact shortcuts of ``normalize`` for emails and phones, as DuckDB SQL over a whole column.

An audience export of a million contacts spent most of its time in Python, one email and one
phone at a time. Here the common shapes are normalised by DuckDB, vectorised, with the same rules
``normalize`` applies (its shortcuts, which tests hold equal to email-validator and phonenumbers):

- an email of printable ASCII with a plain local part is lowercased and trimmed in SQL; its domain
  is checked once per distinct domain, in Python (``normalize._domain_ok``);
- a phone of digits and separators is split into country code and national number and validated
  against phonenumbers' own metadata patterns, each region's regexes run by DuckDB (RE2).

Any value these do not cover comes out as ``FALLBACK``; the export normalises those few in Python
with ``normalize``'s full path. So every value is the one ``normalize`` gives.
"""

from __future__ import annotations

from typing import Any

import duckdb
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from segmenta.tools import normalize as nz
from segmenta.warehouse.values import lit

FALLBACK = "?"
"""The value of a row SQL leaves to Python: never an email (it has no ``@``) nor a phone (no digit)."""
_FB = lit(FALLBACK)


def _re(pattern: str) -> str:
    return lit(pattern)


def _at_start(pattern: str) -> str:
    """A regex literal matching ``pattern`` at the start (Python's ``re.match``)."""
    return lit("^(?:" + pattern + ")")


# ---------------------------------------------------------------- email


def email_text(raw: str, platform: nz.Platform) -> str:
    """The columns ``t`` (the text ``normalize.email`` checks: trimmed, lowercase, and for Google
    without spaces) and ``shaped`` (printable ASCII, so SQL's trim and lower are Python's), over the
    column ``raw``: the first stage of ``email_fast``."""
    if platform == "meta":
        shape, text = r"^ *[!-~]+ *$", f"lower(trim({raw}))"
    else:  # Google also drops inner spaces (only spaces here: other whitespace takes Python's path)
        shape, text = r"^[ !-~]*[!-~][ !-~]*$", f"replace(lower({raw}), ' ', '')"
    return f"{text} AS t, regexp_full_match({raw}, {_re(shape)}) AS shaped"


def email_fast(raw: str) -> str:
    """``normalize.email``'s shortcut over ``raw`` and the ``email_text`` columns, before the domain
    check: the normalised text, NULL for an empty value, or FALLBACK. Its domain is ``email_domain``."""
    simple = _re(nz._SIMPLE_LOCAL.pattern)
    local = "split_part(t, '@', 1)"
    return (
        f"CASE WHEN {raw} IS NULL OR {raw} = '' THEN NULL "
        f"WHEN shaped AND length(t) - length(replace(t, '@', '')) = 1 AND length(t) <= 254 "
        f"AND length({local}) <= 64 AND regexp_full_match({local}, {simple}) "
        f"AND split_part(t, '@', 2) <> '' THEN t ELSE {_FB} END"
    )


def email_domain(fast: str) -> str:
    """The domain of a fast email value (NULL for NULL or FALLBACK)."""
    return f"CASE WHEN {fast} IS NULL OR {fast} = {_FB} THEN NULL ELSE split_part({fast}, '@', 2) END"


def email_final(fast: str, domain_ok: str, platform: nz.Platform) -> str:
    """The email once its domain was checked (``domain_ok``: TRUE, FALSE or NULL for "Python")."""
    value = fast
    if platform == "google":
        local = f"split_part({fast}, '@', 1)"
        bare = f"replace(split_part({local}, '+', 1), '.', '')"
        value = (
            f"CASE WHEN split_part({fast}, '@', 2) IN ('gmail.com', 'googlemail.com') THEN "
            f"CASE WHEN {bare} = '' THEN NULL ELSE {bare} || '@' || split_part({fast}, '@', 2) END "
            f"ELSE {fast} END"
        )
    return (
        f"CASE WHEN {fast} IS NULL THEN NULL WHEN {fast} = {_FB} THEN {_FB} "
        f"WHEN {domain_ok} IS TRUE THEN {value} WHEN {domain_ok} IS FALSE THEN NULL ELSE {_FB} END"
    )


# ---------------------------------------------------------------- phone


def _lengths_test(lengths: frozenset[int], value: str) -> str:
    return f"length({value}) IN ({', '.join(str(n) for n in sorted(lengths))})" if lengths else "TRUE"


def _desc_test(desc: nz._Desc, value: str) -> str:
    """``_Desc.matches``: the possible lengths and the national-number pattern."""
    if desc.pattern is None:
        return "FALSE"
    return (
        f"({_lengths_test(desc.lengths, value)} AND regexp_full_match({value}, {_re(desc.pattern.pattern)}))"
    )


def _valid(region: nz._Region, value: str) -> str:
    """``_Region.valid``: the general description and any number type's."""
    types = [
        f"({_lengths_test(lengths, value)} AND regexp_full_match({value}, {_re(pattern.pattern)}))"
        for lengths, pattern in region.types
    ]
    return f"({_desc_test(region.general, value)} AND ({' OR '.join(types) if types else 'FALSE'}))"


def _valid_for_code(regions: tuple[nz._Region, ...], value: str) -> str:
    """``normalize._valid_for_code``: the region picked as phonenumbers picks it, then validated."""
    if len(regions) == 1:
        return _valid(regions[0], value)
    whens = []
    for r in regions:
        if r.leading is not None:
            whens.append(
                f"WHEN regexp_matches({value}, {_at_start(r.leading.pattern)}) THEN {_valid(r, value)}"
            )
        else:
            whens.append(f"WHEN {_valid(r, value)} THEN TRUE")
    return f"(CASE {' '.join(whens)} ELSE FALSE END)"


def _strip(region: nz._Region, nsn: str) -> str:
    """``_Region.strip_national_prefix`` over ``nsn``: the number kept, or FALLBACK."""
    if region.national_prefix is None:
        return nsn
    prefix = _at_start(region.national_prefix.pattern)
    if region.transform:  # a prefix rewritten by a rule: phonenumbers' own path
        return f"CASE WHEN regexp_matches({nsn}, {prefix}) THEN {_FB} ELSE {nsn} END"
    rest = f"substr({nsn}, length(regexp_extract({nsn}, {prefix}, 0)) + 1)"
    general = region.general.pattern
    keep_whole = "FALSE"
    if general is not None:
        whole = _re(general.pattern)
        keep_whole = f"regexp_full_match({nsn}, {whole}) AND NOT regexp_full_match({rest}, {whole})"
    n = f"length({rest})"
    if not region.possible:
        return nsn
    short = [f"{n} < {region.possible[0]}"]
    if region.local_only:
        short.append(f"{n} IN ({', '.join(str(x) for x in sorted(region.local_only))})")
    fits = f"{n} > {region.possible[-1]} OR {n} IN ({', '.join(str(x) for x in region.possible)})"
    return (
        f"CASE WHEN NOT regexp_matches({nsn}, {prefix}) THEN {nsn} WHEN {keep_whole} THEN {nsn} "
        f"WHEN {' OR '.join(short)} THEN {nsn} WHEN {fits} THEN {rest} ELSE {nsn} END"
    )


def _idds(hints: list[str]) -> list[tuple[str, str]]:
    """(hint literal, its international prefix as a regex matching at the start) per hint that has one."""
    out = []
    for h in hints:
        region = nz._region(h)
        if region is not None and region.idd is not None:
            out.append((lit(h), _at_start(region.idd.pattern)))
    return out


def phone_stage_one(raw: str, hint: str, hints: list[str]) -> tuple[str, str]:
    """Two SQL expressions over the raw phone and its region hint: the digits as written
    (separators removed) and what they are: ``'+'`` after a ``+``, ``'i'`` after the hint's
    international prefix, ``'n'`` national, NULL for an empty value, or FALLBACK."""
    text = f"regexp_replace({raw}, {_re(nz._PHONE_SEPARATORS.pattern)}, '', 'g')"
    idd_cases = [f"WHEN {hint} = {h} AND regexp_matches({text}, {idd}) THEN 'i'" for h, idd in _idds(hints)]
    known = ", ".join(lit(h) for h in hints if nz._region(h) is not None) or "NULL"
    kind = (
        f"CASE WHEN {raw} IS NULL OR {raw} = '' THEN NULL "
        f"WHEN {hint} NOT IN ({known}) OR length({raw}) > 100 "
        f"OR NOT regexp_full_match({text}, {_re(nz._PHONE_SHAPE.pattern)}) THEN {_FB} "
        f"WHEN left({text}, 1) = '+' THEN '+' {' '.join(idd_cases)} ELSE 'n' END"
    )
    return text, kind


def international_digits(text: str, kind: str, hint: str, hints: list[str]) -> str:
    """The digits after the ``+`` or the hint's international prefix (NULL for a national number)."""
    cases = [f"WHEN {hint} = {h} THEN regexp_replace({text}, {idd}, '')" for h, idd in _idds(hints)]
    idd = f"CASE {' '.join(cases)} END" if cases else "NULL"
    return f"CASE WHEN {kind} = '+' THEN substr({text}, 2) WHEN {kind} = 'i' THEN {idd} ELSE NULL END"


def calling_code(intl: str, ccs: list[int]) -> str:
    """The calling code an international number starts with (as text), among ``ccs``, else NULL.

    ``normalize`` takes the first of the 1-, 2- and 3-digit prefixes that is a calling code; codes
    are prefix-free, so testing each code present is the same.
    """
    if not ccs:
        return "NULL"
    whens = " ".join(
        f"WHEN starts_with({intl}, '{cc}') THEN '{cc}'" for cc in sorted(ccs, key=lambda c: len(str(c)))
    )
    return f"CASE {whens} ELSE NULL END"


def codes_of(prefixes: list[str]) -> list[int]:
    """The calling codes (phonenumbers' table) that the 3-digit prefixes start with."""
    out: set[int] = set()
    for p in prefixes:
        for size in (1, 2, 3):
            if p[:size].isdigit() and len(p) >= size and int(p[:size]) in COUNTRY_CODE_TO_REGION_CODE:
                out.add(int(p[:size]))
                break
    return sorted(out)


def phone_parts(
    text: str, kind: str, intl: str, cc: str, hint: str, hints: list[str], ccs: list[int]
) -> tuple[str, str]:
    """The calling code (text) and the national number without its national prefix, from the
    stage-one columns and the calling code column ``cc`` of an international number: NULL for an
    empty value, FALLBACK where phonenumbers' own path must read it."""
    national_cc, national_nsn = [], []
    for h in hints:
        region = nz._region(h)
        if region is None:
            continue
        if nz._calling_code(region.country_code) is None:
            national_cc.append(f"WHEN {hint} = {lit(h)} THEN {_FB}")
            continue
        own = f"CASE WHEN starts_with({text}, '{region.cc}') THEN {_FB} ELSE '{region.cc}' END"
        national_cc.append(f"WHEN {hint} = {lit(h)} THEN {own}")
        national_nsn.append(f"WHEN {hint} = {lit(h)} THEN {_strip(region, text)}")
    intl_nsn = []
    geographic = []
    for code in ccs:
        regions = nz._calling_code(code)
        if regions is None:
            continue  # non-geographic: phonenumbers' own path
        geographic.append(f"'{code}'")
        intl_nsn.append(
            f"WHEN {cc} = '{code}' THEN {_strip(regions[0], f'substr({intl}, {len(str(code)) + 1})')}"
        )
    known = ", ".join(geographic) or "NULL"
    intl_code = (
        f"CASE WHEN left({intl}, 1) = '0' OR {intl} = '' OR {cc} NOT IN ({known}) THEN {_FB} ELSE {cc} END"
    )

    def pick(national: list[str], international: str) -> str:
        nat = f"CASE {' '.join(national)} ELSE {_FB} END" if national else _FB
        return (
            f"CASE WHEN {kind} IS NULL THEN NULL WHEN {kind} = {_FB} THEN {_FB} "
            f"WHEN {kind} = 'n' THEN {nat} ELSE {international} END"
        )

    intl_rest = f"CASE {' '.join(intl_nsn)} ELSE {_FB} END" if intl_nsn else _FB
    return pick(national_cc, intl_code), pick(national_nsn, intl_rest)


def phone_e164(code: str, nsn: str, codes: list[int]) -> str:
    """E.164 (with ``+``) of a calling code and national number (``phone_parts``), NULL when invalid
    or empty, or FALLBACK; ``codes``: every calling code the rows may hold."""
    whens = []
    for c in codes:
        regions = nz._calling_code(c)
        if regions is not None:
            whens.append(
                f"WHEN {code} = '{c}' THEN CASE WHEN {_valid_for_code(regions, nsn)} THEN '+{c}' || {nsn} END"
            )
    mexico = _FB
    regions52 = nz._calling_code(52)
    if regions52 is not None:
        # the old Mexican mobile "1" (the spec's fix, as normalize's full path applies it): an 11-digit
        # national number after a 1 is read again as +52 and the 10 digits after the 1
        again = _strip(regions52[0], f"substr({nsn}, 2)")
        mexico = (
            f"CASE WHEN length({nsn}) <> 11 OR left({nsn}, 1) <> '1' THEN {_FB} "
            f"WHEN {again} = {_FB} OR NOT length({again}) BETWEEN 2 AND 17 "
            f"OR length(ltrim({again}, '0')) = 11 THEN {_FB} "
            f"WHEN {_valid_for_code(regions52, again)} THEN '+52' || {again} END"
        )
    return (
        f"CASE WHEN {code} IS NULL THEN NULL WHEN {code} = {_FB} OR {nsn} = {_FB} THEN {_FB} "
        f"WHEN NOT length({nsn}) BETWEEN 2 AND 17 THEN {_FB} "
        f"WHEN {code} = '52' AND length(ltrim({nsn}, '0')) = 11 THEN {mexico} "
        f"{' '.join(whens)} ELSE {_FB} END"
    )


# ---------------------------------------------------------------- the stages, run


def load(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[Any, ...]], types: str) -> None:
    """A temporary table ``name`` of ``rows`` (columns ``types``: "k VARCHAR, v VARCHAR")."""
    import pyarrow as pa

    names = [c.split()[0] for c in types.split(",")]
    arrow = {"VARCHAR": pa.string(), "BOOLEAN": pa.bool_()}
    schema = pa.schema([(n, arrow[c.split()[1]]) for n, c in zip(names, types.split(","), strict=True)])
    table = pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in rows], schema=schema)
    con.register("segmenta_rows", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM segmenta_rows")
    finally:
        con.unregister("segmenta_rows")


def email_table(con: duckdb.DuckDBPyConnection, source: str, platform: nz.Platform, out: str) -> None:
    """The temporary table ``out`` (rn, em): each email of ``source`` (rn, email) as SQL normalises
    it, its domain checked once in Python: the email, NULL (empty or invalid) or FALLBACK."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out}_fast AS SELECT rn, {email_fast('email')} AS fast "
        f"FROM (SELECT rn, email, {email_text('email', platform)} FROM {source})"
    )
    domains = con.sql(
        f"SELECT DISTINCT {email_domain('fast')} AS d FROM {out}_fast WHERE d IS NOT NULL"
    ).fetchall()
    load(con, f"{out}_domain", [(d, nz._domain_ok(str(d))) for (d,) in domains], "k VARCHAR, ok BOOLEAN")
    em = email_final("e.fast", "nd.ok", platform)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT e.rn, {em} AS em "
        f"FROM {out}_fast AS e LEFT JOIN {out}_domain AS nd ON nd.k = {email_domain('e.fast')}"
    )


def phone_table(con: duckdb.DuckDBPyConnection, source: str, out: str) -> None:
    """The temporary table ``out`` (rn, e164): each phone of ``source`` (rn, phone, hint) in E.164
    with its ``+``, NULL (empty or invalid) or FALLBACK, in three stages: the digits and their kind,
    the calling codes present (read from the data), then the national number checked."""
    hints = [str(h) for (h,) in con.sql(f"SELECT DISTINCT hint FROM {source}").fetchall()]
    text, kind = phone_stage_one("phone", "hint", hints)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out}_digits AS SELECT rn, hint, t, kind, "
        f"{international_digits('t', 'kind', 'hint', hints)} AS intl "
        f"FROM (SELECT rn, hint, {text} AS t, {kind} AS kind FROM {source})"
    )
    prefixes = con.sql(f"SELECT DISTINCT left(intl, 3) FROM {out}_digits WHERE intl <> ''").fetchall()
    ccs = codes_of([str(x) for (x,) in prefixes])
    code, nsn = phone_parts("t", "kind", "intl", "cc", "hint", hints, ccs)
    codes = sorted({*ccs, *(r.country_code for r in map(nz._region, hints) if r is not None)})
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT rn, {phone_e164('code', 'nsn', codes)} AS e164 "
        f"FROM (SELECT rn, {code} AS code, {nsn} AS nsn FROM "
        f"(SELECT *, {calling_code('intl', ccs)} AS cc FROM {out}_digits))"
    )
