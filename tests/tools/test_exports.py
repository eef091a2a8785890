"""Audience exports on a tiny warehouse: golden files for every target, hashed and plain, consent,
dropped contacts, a round trip through the csv module, atomic writes and the ``export`` command.

Set ``SEGMENTA_UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate change, and read
the diff before committing it.
"""

from __future__ import annotations

import csv
import os
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from segmenta.cli_export import export_app
from segmenta.errors import ExportError, QueryError
from segmenta.tools import normalize as nz
from segmenta.tools.exports import GOOGLE_COLUMNS, META_COLUMNS, default_path, export_audience, preflight
from segmenta.warehouse.config import Config
from segmenta.warehouse.derived import install_macros
from segmenta.warehouse.schema import TABLES, create_schema

GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2026, 6, 30)
ALL = "SELECT contact_id FROM contacts"
HEX64 = re.compile(r"[0-9a-f]{64}")

CONTACTS = [
    # id, email, phone, first, last, gender, birth, zip, city, region, country, created, ads_consent
    (
        "c01",
        " Ana.Nunez@Example.COM ",
        "612 34 56 78",
        "Ana",
        "Núñez",
        "female",
        "1985-03-07",
        "08001",
        "Barcelona",
        "Barcelona",
        "ES",
        "2024-01-10",
        True,
    ),
    (
        "c02",
        "jose@example.com",
        "+34 612-345-679",
        "José Ángel",
        "García-López",
        "male",
        None,
        "28013",
        "Madrid",
        "Comunidad de Madrid",
        "ES",
        "2024-02-01",
        True,
    ),
    (
        "c03",
        "not-an-email",
        "n/a",
        "Carlos",
        "Ruiz",
        "male",
        None,
        "41001",
        "Sevilla",
        "Andalucía",
        "ES",
        "2024-03-01",
        True,
    ),  # no usable key: dropped
    (
        "c04",
        None,
        "55 1234 5678",
        "Lupita",
        "Hernández",
        "female",
        "1990-12-24",
        "06600",
        "Ciudad de México",
        "CDMX",
        "MX",
        "2024-04-01",
        True,
    ),
    (
        "c05",
        "Mary.OBrien+shop@gmail.com",
        "(650) 555-1212",
        "Mary",
        "O'Brien Jr.",
        "female",
        "1979-02-16",
        "94035-1234",
        "Mountain View",
        "California",
        "US",
        "2024-05-01",
        True,
    ),
    (
        "c06",
        "noconsent@example.com",
        "612 00 00 01",
        "Nora",
        "Sin",
        "female",
        None,
        "08002",
        "Barcelona",
        "Barcelona",
        "ES",
        "2024-06-01",
        False,
    ),  # no ads consent
    (
        "c07",
        None,
        None,
        "Pere",
        "Puig",
        "male",
        None,
        "08003",
        "Barcelona",
        "Barcelona",
        "ES",
        "2024-06-02",
        None,
    ),  # consent unknown: treated as no consent
    (
        "c08",
        "late@example.com",
        "612 00 00 02",
        "Late",
        "Comer",
        "male",
        None,
        "08004",
        "Barcelona",
        "Barcelona",
        "ES",
        "2026-07-15",
        True,
    ),  # created after the as-of date
    (
        "c09",
        None,
        None,
        "Zoë",
        "Smith",
        "female",
        None,
        "M1 1AE",
        "Manchester",
        "Greater Manchester",
        "GB",
        "2024-06-03",
        True,
    ),  # Google: matches on the full address; Meta: no key
    (
        "c10",
        "kim@example.com",
        "+44 7700 900123",
        "Kim",
        None,
        "other",
        None,
        "M1 1AE",
        "Manchester",
        None,
        "GB",
        "2024-06-04",
        True,
    ),  # Google: incomplete address dropped, email kept
]


def _build(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        cols = (
            "contact_id, email, phone, first_name, last_name, gender, birth_date, postal_code, city, region, "
            "country, created_at, ads_consent"
        )
        con.executemany(f"INSERT INTO contacts ({cols}) VALUES ({', '.join('?' * 13)})", CONTACTS)
        install_macros(con, Config())
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("exports") / "shop.duckdb")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _check_golden(written: Path, name: str) -> None:
    golden = GOLDEN / name
    text = written.read_text(encoding="utf-8")
    if os.environ.get("SEGMENTA_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize(
    ("to", "plain"), [("meta", False), ("meta", True), ("google", False), ("google", True), ("csv", True)]
)
def test_each_target_writes_its_golden_file(shop: Path, tmp_path: Path, to: str, plain: bool) -> None:
    out = tmp_path / f"{to}.csv"
    export_audience(shop, ALL, to, out, plain=plain, as_of=AS_OF)
    _check_golden(out, f"{to}-{'plain' if plain else 'hashed'}.csv")


def test_a_hashed_file_has_no_readable_personal_data(shop: Path, tmp_path: Path) -> None:
    for to, columns in (("meta", META_COLUMNS), ("google", GOOGLE_COLUMNS)):
        out = export_audience(shop, ALL, to, tmp_path / f"{to}.csv", as_of=AS_OF).path
        rows = _read(out)
        assert rows and list(rows[0]) == list(columns)
        for row in rows:
            for column, cell in row.items():
                if column in nz.NEVER_HASHED[to]:  # type: ignore[index]
                    continue
                assert cell == "" or HEX64.fullmatch(cell), (column, cell)


def test_meta_and_google_hash_the_vectors_values(shop: Path, tmp_path: Path) -> None:
    meta = _read(export_audience(shop, ALL, "meta", tmp_path / "m.csv", as_of=AS_OF).path)
    google = _read(export_audience(shop, ALL, "google", tmp_path / "g.csv", as_of=AS_OF).path)
    # ana.nunez@example.com and +34 612 34 56 78, as in the specs' worked examples
    assert meta[0]["email"] == "33a05749a29c6709fe55448af6730541bdf0f2712dc5cc86feb0acae80486bb1"
    assert meta[0]["phone"] == "11f976ff0fae9007051c1c0be7821b65f86e69e36f63542ae8c72dbf3b9cd9dc"
    assert google[0]["Phone"] == "1e41ef79cb1baa05fa88e837a70de6f6ae248454bc8dae474312c0baebe8c7a5"
    assert (google[0]["Country"], google[0]["Zip"]) == ("ES", "08001")


def test_the_round_trip_gives_the_segment_minus_the_dropped_contacts(shop: Path, tmp_path: Path) -> None:
    segment = "SELECT contact_id FROM contacts WHERE country IN ('ES', 'MX')"
    out = export_audience(shop, segment, "meta", tmp_path / "m.csv", plain=True, as_of=AS_OF)
    rows = _read(out.path)
    # c01, c02, c04 have consent and a key; c03 has no usable key; c06/c07 lack consent; c08 is too new
    assert [r["email"] or r["phone"] for r in rows] == [
        "ana.nunez@example.com",
        "jose@example.com",
        "525512345678",
    ]
    pre = out.preflight
    assert pre.segment_contacts == 6
    assert pre.dropped == {"no_consent": 2, "no_usable_key": 1}
    assert pre.rows == len(rows) == 3
    assert pre.invalid_values["email"] == 1 and pre.invalid_values["phone"] == 1


def test_contacts_without_consent_are_exported_only_when_asked_and_with_a_warning(
    shop: Path, tmp_path: Path
) -> None:
    default = export_audience(shop, ALL, "meta", tmp_path / "a.csv", plain=True, as_of=AS_OF)
    assert "noconsent@example.com" not in {r["email"] for r in _read(default.path)}
    assert not any("consent" in w for w in default.warnings)
    asked = export_audience(
        shop, ALL, "meta", tmp_path / "b.csv", plain=True, include_no_consent=True, as_of=AS_OF
    )
    assert "noconsent@example.com" in {r["email"] for r in _read(asked.path)}
    assert "no_consent" not in asked.preflight.dropped
    assert any("2 contact(s) without ads consent are included" in w for w in asked.warnings)


def test_google_keeps_a_full_address_and_drops_an_incomplete_one(shop: Path, tmp_path: Path) -> None:
    pre = export_audience(shop, ALL, "google", tmp_path / "g.csv", plain=True, as_of=AS_OF).preflight
    rows = _read(tmp_path / "g.csv")
    zoe = [r for r in rows if r["First Name"] == "zoë"]
    assert zoe == [
        {
            "Email": "",
            "Phone": "",
            "First Name": "zoë",
            "Last Name": "smith",
            "Country": "GB",
            "Zip": "M1 1AE",
        }
    ]
    kim = [r for r in rows if r["Email"] == "kim@example.com"]
    assert kim[0]["Country"] == kim[0]["Zip"] == ""
    assert pre.dropped["incomplete_address"] >= 1


def test_the_preflight_counts_without_writing_and_previews_before_and_after_hashing(
    shop: Path, tmp_path: Path
) -> None:
    pre = preflight(shop, ALL, "meta", as_of=AS_OF)
    assert pre.rows == 5 and pre.segment_contacts == 9
    assert pre.coverage["email"] == pytest.approx(4 / 5)
    assert pre.coverage["phone"] == pytest.approx(4 / 5)
    assert pre.preview_normalized[0][:2] == ["ana.nunez@example.com", "34612345678"]
    assert pre.preview_hashed[0][0] == nz.sha256_hex("ana.nunez@example.com")
    assert any("under 100 people" in w for w in pre.warnings)
    assert not list(tmp_path.iterdir())


def test_the_contact_csv_has_every_contact_column(shop: Path, tmp_path: Path) -> None:
    rows = _read(export_audience(shop, ALL, "csv", tmp_path / "c.csv", as_of=AS_OF).path)
    assert list(rows[0]) == TABLES["contacts"].column_names
    assert len(rows) == 9  # no consent filter, but nobody created after the as-of date
    assert rows[0]["email"] == " Ana.Nunez@Example.COM "


def test_an_unknown_target_or_a_folder_as_output_is_one_clear_error(shop: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export target 'facebook'"):
        export_audience(shop, ALL, "facebook", tmp_path / "x.csv", as_of=AS_OF)
    with pytest.raises(ExportError, match="it is a folder"):
        export_audience(shop, ALL, "meta", tmp_path, as_of=AS_OF)


def test_a_failed_export_leaves_no_file_behind(shop: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    with pytest.raises(QueryError, match="contact_id"):
        export_audience(shop, "SELECT email FROM contacts", "meta", out, as_of=AS_OF)
    assert not list(tmp_path.iterdir())


def test_the_default_file_name_names_the_platform_the_audience_the_date_and_the_time(tmp_path: Path) -> None:
    name = default_path("google", AS_OF, tmp_path, "VIP Madrid").name
    assert re.fullmatch(r"segmenta-google-vip-madrid-2026-06-30-\d{6}\.csv", name), name


def test_a_second_export_of_the_day_is_a_second_file_and_an_existing_out_is_kept(
    shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default names never collide (the same second gets -2); a named file is replaced only with force."""
    from segmenta.errors import ExportError

    monkeypatch.chdir(tmp_path)
    first = export_audience(shop, ALL, "meta", as_of=AS_OF, name="Todos")
    second = export_audience(shop, ALL, "meta", as_of=AS_OF, name="Todos")
    assert first.path != second.path and first.path.exists() and second.path.exists()
    kept = tmp_path / "kept.csv"
    kept.write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match="already exists: nothing was written"):
        export_audience(shop, ALL, "meta", kept, as_of=AS_OF)
    assert kept.read_text(encoding="utf-8") == "mine"
    assert not list(tmp_path.glob(".kept.csv.*"))
    export_audience(shop, ALL, "meta", kept, as_of=AS_OF, force=True)
    assert kept.read_text(encoding="utf-8").startswith(",".join(META_COLUMNS))


# ---------------------------------------------------------------- the command


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(export_app, name="export")

    @app.command()
    def other() -> None:
        """Keeps ``export`` a sub-command, as in the real app."""

    return app


def test_the_command_refuses_an_unknown_platform_with_exit_1(shop: Path) -> None:
    r = CliRunner().invoke(_app(), ["export", "--to", "tiktok", "--segment", "x", "--db", str(shop)])
    assert r.exit_code == 1
    assert "unknown export target 'tiktok'" in r.output


def test_the_command_needs_exactly_one_audience(shop: Path) -> None:
    r = CliRunner().invoke(_app(), ["export", "--to", "meta", "--db", str(shop)])
    assert r.exit_code == 1
    assert "--segment NAME or --ask TEXT" in r.output


def test_the_command_reports_an_unknown_saved_segment(shop: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        _app(),
        ["export", "--to", "meta", "--segment", "nope", "--db", str(shop), "--out", str(tmp_path / "x.csv")],
    )
    assert r.exit_code == 1
    assert "error:" in r.output and not (tmp_path / "x.csv").exists()


def test_the_command_writes_the_answer_of_a_request_and_prints_its_path(
    shop: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from segmenta.assistant.answer import Answer
    from segmenta.tools import ask as ask_module

    def fake_ask(db: Path, text: str, as_of: date) -> Answer:
        return Answer(
            request=text,
            kind="segment",
            as_of=as_of.isoformat(),
            sql="SELECT contact_id FROM contacts WHERE country = 'ES'",
        )

    monkeypatch.setattr(ask_module, "ask", fake_ask)
    out = tmp_path / "es.csv"
    r = CliRunner().invoke(
        _app(),
        [
            "export",
            "--to",
            "google",
            "--ask",
            "contactos de España",
            "--db",
            str(shop),
            "--as-of",
            "2026-06-30",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert str(out) in r.output and "filas a escribir" in r.output  # the request is Spanish
    assert len(_read(out)) == 3  # c01, c02, and c03 on its full address


def test_the_command_refuses_a_report_with_exit_3(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from segmenta.assistant.answer import Answer
    from segmenta.tools import ask as ask_module

    def fake_ask(db: Path, text: str, as_of: date) -> Answer:
        return Answer(request=text, kind="report", as_of=as_of.isoformat(), sql="SELECT 1 AS n")

    monkeypatch.setattr(ask_module, "ask", fake_ask)
    r = CliRunner().invoke(_app(), ["export", "--to", "meta", "--ask", "revenue by month", "--db", str(shop)])
    assert r.exit_code == 3
    assert "it is a report, not a list of contacts" in r.output
