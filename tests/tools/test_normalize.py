"""Per-field normalisation: every shared test vector, the fast paths against the libraries, and
arbitrary Unicode that must never crash nor leak a raw value into a hashed column."""

from __future__ import annotations

import doctest
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta.tools import normalize as nz

VECTORS_FILE = Path("/work/shared/formats/vectors.json")
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
HEX64 = re.compile(r"[0-9a-f]{64}")


def _vector_id(v: dict[str, Any]) -> str:
    return f"{v['platform']}-{v['field']}-{v['raw']!r}"


def test_the_vectors_file_holds_the_46_vectors_the_spec_announces() -> None:
    assert len(VECTORS) == 46


@pytest.mark.parametrize("vector", VECTORS, ids=_vector_id)
def test_each_vector_normalises_and_hashes_as_the_spec_says(vector: dict[str, Any]) -> None:
    got = nz.normalize_field(vector["platform"], vector["field"], vector["raw"], vector["country_hint"])
    accepted = {vector["normalized"]}
    if vector["ambiguous"] and vector.get("alt_normalized"):
        accepted.add(vector["alt_normalized"])
    assert got in accepted
    hashed = vector["field"] not in nz.NEVER_HASHED[vector["platform"]]
    assert hashed == vector["hashed"]
    if hashed and got is not None:
        expected = vector["sha256"] if got == vector["normalized"] else vector.get("alt_sha256")
        assert nz.sha256_hex(got) == expected


def test_the_published_meta_hashes_are_reproduced() -> None:
    published = [v for v in VECTORS if v.get("published_sha256_matches")]
    assert len(published) == 5
    for v in published:
        norm = nz.normalize_field(v["platform"], v["field"], v["raw"], v["country_hint"])
        assert norm is not None and nz.sha256_hex(norm) == v["sha256"]


def test_the_doctests_of_normalize_hold() -> None:
    result = doctest.testmod(nz)
    assert result.attempted > 20 and result.failed == 0


def test_a_phone_that_is_not_a_number_is_dropped() -> None:
    assert nz.phone("n/a", "ES", "meta") is None
    assert nz.phone("000000000", "ES", "google") is None
    assert nz.phone("sin teléfono", "ES", "meta") is None


def test_an_unknown_gender_word_is_left_empty_not_guessed_from_its_first_letter() -> None:
    assert nz.gender("Mujer") == "f"
    assert nz.gender("Mystery") is None


def test_the_gmail_rule_applies_to_google_only() -> None:
    assert nz.email("A.B+x@gmail.com", "google") == "ab@gmail.com"
    assert nz.email("A.B+x@gmail.com", "meta") == "a.b+x@gmail.com"
    assert nz.email("a.b+x@example.com", "google") == "a.b+x@example.com"


# ---------------------------------------------------------------- fast paths against the libraries

REGIONS = ["ES", "MX", "PT", "FR", "US", "IT", "GB", "DE", "AR", "BR", "CA", "RU", "JE", "NL", "AU", "IN"]
PREFIXES = ["", "+", "00", "0", "1", "+34", "0034", "+52 1", "011", "+44 (0)", "+1", "+39 0", "+7"]


@settings(max_examples=1500, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    prefix=st.sampled_from(PREFIXES),
    body=st.text(alphabet="0123456789 -.()/", min_size=3, max_size=16),
)
def test_the_phone_shortcut_gives_what_phonenumbers_gives(region: str, prefix: str, body: str) -> None:
    raw = prefix + body
    try:
        fast = nz._fast_e164(raw, region)
    except nz._Fallback:
        return
    assert fast == nz._full_e164(raw, region)


def test_the_phone_shortcut_covers_plain_national_and_international_numbers() -> None:
    for raw, region in [
        ("612 34 56 78", "ES"),
        ("+34 612-345-678", "ES"),
        ("55 1234 5678", "MX"),
        ("(305) 555-0147", "US"),
        ("06 1234 5678", "IT"),
    ]:
        assert nz._fast_e164(raw, region) == nz._full_e164(raw, region)


def _library_email(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@settings(max_examples=1500, deadline=None)
@given(
    local=st.text(alphabet="abz09._+-!'\"@ ", min_size=0, max_size=12),
    domain=st.sampled_from(
        [
            "example.com",
            "gmail.com",
            "x",
            "a-.com",
            "-a.com",
            "ex..com",
            "localhost",
            "münchen.de",
            "e.x.a.m.p.l.e.org",
            "123.com",
            "a.b",
            "mail.test",
        ]
    ),
)
def test_the_email_shortcut_gives_what_email_validator_gives(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert nz.valid_email(text) == _library_email(text)


# ---------------------------------------------------------------- arbitrary input

FIELDS = {
    "meta": ["email", "phone", "fn", "ln", "ct", "st", "zip", "country", "gen", "dob", "doby"],
    "google": ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"],
}


@settings(max_examples=400, deadline=None)
@given(
    raw=st.text(max_size=40),
    region=st.sampled_from(["ES", "US", "MX", "GB"]),
    platform=st.sampled_from(list(nz.PLATFORMS)),
)
def test_any_unicode_never_crashes_and_never_reaches_a_hashed_column_raw(
    raw: str, region: str, platform: nz.Platform
) -> None:
    for field in FIELDS[platform]:
        value = nz.normalize_field(platform, field, raw, region)
        if value is None:
            continue
        assert value == value.strip() and value
        if field in nz.NEVER_HASHED[platform]:
            continue
        cell = nz.sha256_hex(value)
        assert HEX64.fullmatch(cell) and cell != raw


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=30))
def test_a_name_keeps_only_letters_and_single_spaces_in_nfc(name: str) -> None:
    out = nz.name(name, "meta", "first")
    if out is None:
        return
    assert out == unicodedata.normalize("NFC", out)
    assert "  " not in out and out == out.strip()
    assert all(unicodedata.category(ch)[0] in "LM" or ch == " " for ch in out)


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=6, max_size=12), region=st.sampled_from(REGIONS))
def test_a_phone_is_either_dropped_or_valid_e164(digits: str, region: str) -> None:
    out = nz.e164(digits, region)
    if out is not None:
        assert re.fullmatch(r"\+[1-9][0-9]{5,16}", out)
        assert phonenumbers.is_valid_number(phonenumbers.parse(out, None))
