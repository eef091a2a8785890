"""The SQL shortcuts for emails and phones give what ``normalize`` gives, value for value.

Each generated value goes through the SQL of ``audience_sql`` in DuckDB; a FALLBACK is allowed (the
export then asks ``normalize``), any other answer must equal ``normalize``'s.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta.tools import audience_sql as aq
from segmenta.tools import normalize as nz

REGIONS = [
    "ES",
    "MX",
    "PT",
    "FR",
    "US",
    "IT",
    "GB",
    "DE",
    "AR",
    "BR",
    "CA",
    "RU",
    "JE",
    "NL",
    "AU",
    "IN",
    "XX",
]
PREFIXES = [
    "",
    "+",
    "00",
    "0",
    "1",
    "+34",
    "0034",
    "+52 1",
    "+52 1 55",
    "1 55",
    "011",
    "+44 (0)",
    "+1",
    "+39 0",
    "+7",
    "+52",
    "+800",
]


def _sql_phones(rows: list[tuple[str | None, str]]) -> list[str | None]:
    con = duckdb.connect()
    con.register("t", pa.table({"phone": [r for r, _ in rows], "hint": [h for _, h in rows]}))
    con.execute("CREATE TEMP TABLE src AS SELECT row_number() OVER () AS rn, phone, hint FROM t")
    aq.phone_table(con, "src", "out")
    return [r[0] for r in con.sql("SELECT e164 FROM out ORDER BY rn").fetchall()]


def _check_phones(rows: list[tuple[str | None, str]]) -> int:
    """Asserts each SQL answer is normalize's (or FALLBACK); returns how many SQL answered itself."""
    answered = 0
    for (raw, hint), got in zip(rows, _sql_phones(rows), strict=True):
        want = nz.e164(raw, hint) if raw else None
        if got == aq.FALLBACK:
            continue
        answered += 1
        assert got == want, (raw, hint, got, want)
    return answered


@settings(max_examples=600, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(PREFIXES),
            st.text(alphabet="0123456789 -.()/", min_size=0, max_size=16),
            st.sampled_from(REGIONS),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_sql_phones_are_normalizes_own(rows: list[tuple[str, str, str]]) -> None:
    _check_phones([(prefix + body, region) for prefix, body, region in rows])


def test_plain_national_and_international_numbers_are_answered_in_sql() -> None:
    rows = [
        ("612 34 56 78", "ES"),
        ("+34 612-345-678", "ES"),
        ("0034 612345678", "ES"),
        ("55 1234 5678", "MX"),
        ("(305) 555-0147", "US"),
        ("06 1234 5678", "IT"),
        ("07700 900123", "GB"),
        ("+44 7700 900123", "ES"),
        ("+52 1 55 1234 5678", "MX"),  # the old mobile "1"
        ("1 55 1234 5678", "MX"),
        ("n/a", "ES"),
        ("", "ES"),
        (None, "ES"),
    ]
    got = _sql_phones(rows)
    assert got[:10] == [nz.e164(r, h) for r, h in rows[:10]]  # no fallback for the common shapes
    assert got[10] == aq.FALLBACK and got[11] is None and got[12] is None


def _sql_emails(raws: list[str | None], platform: nz.Platform) -> list[str | None]:
    con = duckdb.connect()
    con.register("t", pa.table({"email": pa.array(raws, pa.string())}))
    con.execute("CREATE TEMP TABLE src AS SELECT row_number() OVER () AS rn, email FROM t")
    aq.email_table(con, "src", platform, "out")
    return [r[0] for r in con.sql("SELECT em FROM out ORDER BY rn").fetchall()]


@pytest.mark.parametrize("platform", nz.PLATFORMS)
@settings(max_examples=200, deadline=None)
@given(
    raws=st.lists(
        st.builds(
            lambda pad, local, domain, end: f"{pad}{local}@{domain}{end}",
            st.sampled_from(["", " ", "  ", "\t"]),
            st.text(alphabet="abzAZ09._+-!'\"@ ", min_size=0, max_size=12),
            st.sampled_from(
                ["example.com", "Gmail.com", "googlemail.com", "x", "a-.com", "ex..com", "münchen.de", ""]
            ),
            st.sampled_from(["", " ", "\n"]),
        )
        | st.text(max_size=20),
        min_size=1,
        max_size=20,
    )
)
def test_the_sql_emails_are_normalizes_own(platform: nz.Platform, raws: list[str]) -> None:
    for raw, got in zip(raws, _sql_emails(list(raws), platform), strict=True):
        if got == aq.FALLBACK:
            continue
        assert got == (nz.email(raw, platform) if raw else None), (raw, got)


def test_common_emails_are_answered_in_sql_and_gmail_loses_dots_for_google_only() -> None:
    raws = ["  Maria.Garcia@Gmail.COM ", "ana@example.com", "bad@", "x.y+tag@gmail.com", None]
    assert _sql_emails(raws, "meta") == [
        "maria.garcia@gmail.com",
        "ana@example.com",
        aq.FALLBACK,  # no domain: left to normalize (which drops it)
        "x.y+tag@gmail.com",
        None,
    ]
    assert _sql_emails(raws, "google") == [
        "mariagarcia@gmail.com",
        "ana@example.com",
        aq.FALLBACK,
        "xy@gmail.com",
        None,
    ]


@settings(max_examples=300, deadline=None)
# no carriage return: Python versions differ on quoting it, and no normalised value holds one
@given(cells=st.lists(st.text(alphabet='ab ,"\n=+-@\t1.é', max_size=8), min_size=1, max_size=6))
def test_a_plain_line_is_what_pythons_csv_writer_writes(cells: list[str]) -> None:
    import csv
    import io

    from segmenta.cells import SQL_SPREADSHEET_TEXT, spreadsheet_text
    from segmenta.tools.exports import _csv_quoted

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([spreadsheet_text(c) for c in [*cells, "x"]])
    con = duckdb.connect()
    con.register("t", pa.table({f"c{i}": [c] for i, c in enumerate([*cells, "x"])}))
    line = " || ',' || ".join(
        _csv_quoted(SQL_SPREADSHEET_TEXT.format(col=f"c{i}")) for i in range(len(cells) + 1)
    )
    assert con.sql(f"SELECT {line} FROM t").fetchall()[0][0] + "\n" == buf.getvalue()
