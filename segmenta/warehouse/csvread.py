"""A shop's files: which table each one is, how it is encoded, and its rows staged as text in DuckDB.

The importer never loops over rows in Python: each file is sniffed from its first bytes (format,
encoding, BOM, separator, header), then read by DuckDB's ``read_csv`` / ``read_parquet`` into a
temporary all-text table whose columns carry the schema's names. Lines DuckDB cannot parse
(wrong number of fields, an unterminated quote) land in a rejects table and become problems.
A staged row's position maps back to its line in the file for messages (header = line 1).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from segmenta.errors import ImportProblem
from segmenta.warehouse.schema import TABLES
from segmenta.warehouse.values import lit, q

SNIFF_BYTES = 1 << 16
# names other tools give these tables, for the "did you mean" of an unknown file
TABLE_SYNONYMS = {
    "customers": "contacts",
    "clients": "contacts",
    "clientes": "contacts",
    "contactos": "contacts",
    "users": "contacts",
    "subscribers": "contacts",
    "pedidos": "orders",
    "sales": "orders",
    "ventas": "orders",
    "order_items": "order_lines",
    "line_items": "order_lines",
    "items": "order_lines",
    "lineas_pedido": "order_lines",
    "productos": "products",
    "catalog": "products",
    "events": "web_events",
    "messages": "message_events",
    "campaigns": "message_events",
    "flows": "workflows",
}
SEPARATORS = (",", ";", "\t")


@dataclass
class SourceFile:
    """One shop file and what was detected about it; filled in by ``sniff`` and ``stage``."""

    table: str
    path: Path
    format: str  # "csv" or "parquet"
    size: int
    encoding: str = ""  # "UTF-8" or "Latin-1" (CSV only)
    bom: bool = False
    separator: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # staged name -> name in the file
    extra: list[str] = field(default_factory=list)  # staged names of columns the schema lacks
    rows: int = 0
    loaded: bool = False  # staged without a file-level problem
    rejects: list[int] = field(default_factory=list)  # lines DuckDB could not parse
    notes: list[str] = field(default_factory=list)  # what a person should know about how it was read
    _lines: list[int] | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def staged(self) -> str:
        """The temporary table that holds this file's rows as text."""
        return f"raw_{self.table}"

    def line_of(self, row: int) -> int:
        """The line in the file of staged row ``row`` (0-based); a Parquet row counts from 1."""
        if self.format == "parquet":
            return row + 1
        if self._lines is None:
            self._lines = self._record_lines()
        if not self._lines:
            return row + 2
        return self._lines[row] if row < len(self._lines) else row + 2

    def _record_lines(self) -> list[int]:
        """Start lines of the staged records, when they are not simply row + 2.

        Quoted values holding line breaks, blank lines and rejected lines shift the count; only then
        is the file read again in Python (this runs only to word problems, never on a clean import).
        """
        with self.path.open("rb") as fh:
            newlines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        if not self.rejects and newlines in (self.rows, self.rows + 1):
            return []
        rejected = set(self.rejects)
        starts: list[int] = []
        encoding = "utf-8-sig" if self.encoding == "UTF-8" else "latin-1"
        with self.path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.separator)
            end = 0
            for record in reader:
                start, end = end + 1, reader.line_num
                if start == 1 or not record or start in rejected:
                    continue
                starts.append(start)
        return starts


def discover(src: Path) -> tuple[dict[str, SourceFile], list[ImportProblem], list[str]]:
    """The table files in a folder, the problems with its file names, and notes on what was skipped."""
    files: dict[str, SourceFile] = {}
    problems: list[ImportProblem] = []
    notes: list[str] = []
    known = ", ".join(TABLES)
    for path in sorted(src.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "parquet"):
            notes.append(f"{path.name}: not a .csv or .parquet file, left out")
            continue
        table = path.stem.strip().lower()
        if table not in TABLES:
            guess = (
                [TABLE_SYNONYMS[table]]
                if table in TABLE_SYNONYMS
                else difflib.get_close_matches(table, list(TABLES), n=1, cutoff=0.0)
            )
            hint = f" (did you mean {guess[0]}.{fmt}?)" if guess else ""
            problems.append(ImportProblem(path.name, f"not a known table{hint}; known tables: {known}"))
            continue
        if table in files:
            problems.append(
                ImportProblem(
                    path.name,
                    f"a second file for table {table} (also {files[table].name}); keep one",
                )
            )
            continue
        files[table] = SourceFile(table, path, fmt, path.stat().st_size)
    for name, spec in TABLES.items():
        if spec.required_file and name not in files:
            problems.append(
                ImportProblem(
                    f"{name}.csv",
                    "required file is missing (a shop needs contacts, orders and order_lines, "
                    "as .csv or .parquet)",
                )
            )
    return files, problems, notes


def _decode_head(sf: SourceFile, head: bytes) -> str | ImportProblem:
    """Detect the BOM and encoding from the first bytes; the decoded text, or why it is not a CSV."""
    if not head.strip():
        return ImportProblem(sf.name, "the file is empty: no header line", line=1)
    if head.startswith(b"PAR1"):
        return ImportProblem(sf.name, f"this is a Parquet file: name it {sf.table}.parquet")
    if head.startswith(b"PK\x03\x04"):
        return ImportProblem(sf.name, "this is a ZIP or spreadsheet file, not a CSV: export the sheet as CSV")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ImportProblem(sf.name, "the file is UTF-16: save it as UTF-8 or Latin-1 CSV")
    if b"\x00" in head:
        return ImportProblem(sf.name, "not a CSV file: it holds binary data")
    sf.bom = head.startswith(b"\xef\xbb\xbf")
    body = head[3:] if sf.bom else head
    try:
        text = body.decode("utf-8")
        sf.encoding = "UTF-8"
    except UnicodeDecodeError as e:
        if e.start >= len(body) - 3 and len(head) == SNIFF_BYTES:  # a character cut by the sniff window
            text = body[: e.start].decode("utf-8")
            sf.encoding = "UTF-8"
        else:
            mixed = mixed_encoding(sf)
            if mixed is not None:
                return mixed
            text = body.decode("latin-1")
            sf.encoding = "Latin-1"
    return text


def mixed_encoding(sf: SourceFile) -> ImportProblem | None:
    """A file whose lines are partly UTF-8 and partly not: reading it as Latin-1 would garble the
    UTF-8 ones ("Añá" -> "AÃ±Ã¡") without a word, so it is refused, naming one line of each."""
    utf8_line = bad_line = None
    with sf.path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                bad_line = bad_line or n
            else:
                utf8_line = utf8_line or n
            if utf8_line and bad_line:
                return ImportProblem(
                    sf.name,
                    f"the file mixes encodings: line {bad_line} is not UTF-8 while line {utf8_line} is; "
                    "save it again as UTF-8",
                    line=bad_line,
                )
    return None


def _header_line(text: str) -> str:
    """The first line of the text, with a quoted line break kept inside it."""
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
    except (StopIteration, csv.Error):
        return text.splitlines()[0] if text else ""
    return "\n".join(text.split("\n")[: reader.line_num]).rstrip("\r\n")


def _separator(line: str) -> str:
    """The separator of a header line: the most frequent of , ; and tab outside quotes.

    >>> _separator('id;name;"a,b"')
    ';'
    >>> _separator('contact_id')
    ','
    """
    bare = re.sub(r'"[^"]*"', "", line)
    counts = {s: bare.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def map_columns(sf: SourceFile, header: list[str]) -> list[ImportProblem]:
    """Match header names to the schema (trimmed, case-insensitive); name the staged columns."""
    table = TABLES[sf.table]
    known = set(table.column_names)
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.replace("\ufeff", "").strip()
        key = name.lower()
        if key in seen:
            problems.append(
                ImportProblem(
                    sf.name,
                    f"column {name!r} appears twice (columns {seen[key] + 1} and {i + 1})",
                    line=1,
                )
            )
            continue
        seen[key] = i
        staged = key if key in known else f"_x{i}"
        sf.columns[staged] = name or f"(unnamed column {i + 1})"
        if key not in known:
            sf.extra.append(staged)
    for col in table.columns:
        if col.required and col.name not in sf.columns:
            problems.append(ImportProblem(sf.name, "missing required column", line=1, column=col.name))
    return problems


def sniff(sf: SourceFile, con: duckdb.DuckDBPyConnection) -> list[ImportProblem]:
    """Detect a file's format details and map its header; the problems that stop it being read."""
    if sf.format == "parquet":
        try:
            desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(sf.path)})").fetchall()
        except duckdb.Error:
            return [ImportProblem(sf.name, "not a readable Parquet file")]
        return map_columns(sf, [str(r[0]) for r in desc])
    with sf.path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    text = _decode_head(sf, head)
    if isinstance(text, ImportProblem):
        return [text]
    line = _header_line(text)
    if not line.strip():
        return [ImportProblem(sf.name, "the file is empty: no header line", line=1)]
    sf.separator = _separator(line)
    try:
        header = next(csv.reader([line], delimiter=sf.separator))
    except csv.Error:
        return [ImportProblem(sf.name, "the header line is not valid CSV", line=1)]
    return map_columns(sf, header)


def stage(con: duckdb.DuckDBPyConnection, sf: SourceFile) -> list[ImportProblem]:
    """Read a sniffed file into its staging table (text columns); problems for unparsable lines."""
    names = list(sf.columns)
    if sf.format == "parquet":
        cols = ", ".join(f"CAST({q(sf.columns[n])} AS VARCHAR) AS {q(n)}" for n in names)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {sf.staged} AS SELECT {cols} FROM read_parquet({lit(sf.path)})"
        )
        sf.rows = _count(con, sf.staged)
        sf.loaded = True
        return []
    problems = _read_csv(con, sf, names)
    if sf.encoding == "UTF-8" and any(p.message.startswith("invalid UTF-8") for p in problems):
        mixed = mixed_encoding(sf)
        if mixed is not None:
            return [mixed]
        sf.encoding = "Latin-1"  # the bytes past the sniff window are not UTF-8
        problems = _read_csv(con, sf, names)
    return problems


def source_sql(sf: SourceFile) -> str:
    """A FROM-clause relation with the sniffed file's cells as text under their staged names.

    The fast path reads through this without staging: the same reader options as ``stage``, but a
    malformed line raises (no rejects table), which sends the import down the careful path.
    """
    if sf.format == "parquet":
        cols = ", ".join(f"CAST({q(sf.columns[n])} AS VARCHAR) AS {q(n)}" for n in sf.columns)
        return f"(SELECT {cols} FROM read_parquet({lit(sf.path)}))"
    return _csv_call(sf, list(sf.columns)) + ")"


def _csv_call(sf: SourceFile, names: list[str]) -> str:
    """``read_csv(...`` with the sniffed dialect and every column as text, left open for more options."""
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    encoding = "utf-8" if sf.encoding == "UTF-8" else "latin-1"
    return (
        f"read_csv({lit(sf.path)}, header = true, auto_detect = false, delim = '{sf.separator}', "
        f"quote = '\"', escape = '\"', encoding = '{encoding}', columns = {columns}"
    )


def _read_csv(con: duckdb.DuckDBPyConnection, sf: SourceFile, names: list[str]) -> list[ImportProblem]:
    rej = f"rejects_{sf.table}"
    con.execute(f"DROP TABLE IF EXISTS {rej}")
    con.execute(f"DROP TABLE IF EXISTS {rej}_scan")
    sql = (
        f"CREATE OR REPLACE TEMP TABLE {sf.staged} AS SELECT * FROM {_csv_call(sf, names)}, "
        f"store_rejects = true, rejects_table = '{rej}', rejects_scan = '{rej}_scan'"
    )
    try:
        con.execute(sql + ")")
    except duckdb.InvalidInputException as e:
        if "invalid state" not in str(e):
            raise
        # mixed line endings (CRLF lines with LF lines appended) only parse in lenient mode
        con.execute(f"DROP TABLE IF EXISTS {rej}")
        con.execute(f"DROP TABLE IF EXISTS {rej}_scan")
        con.execute(sql + ", strict_mode = false)")
        sf.notes.append(
            f"{sf.name}: mixed line endings, read leniently "
            "(surplus fields at the end of a line are not detected)"
        )
    sf.rows = _count(con, sf.staged)
    rows = con.execute(
        f"SELECT line, CAST(error_type AS VARCHAR), error_message FROM {rej} ORDER BY line"
    ).fetchall()
    sf.rejects = [int(r[0]) for r in rows]
    sf._lines = None
    sf.loaded = True
    return [ImportProblem(sf.name, _reject_message(str(t), str(m)), line=int(line)) for line, t, m in rows]


def _reject_message(error_type: str, message: str) -> str:
    """Our words for a line DuckDB could not parse.

    >>> _reject_message('TOO MANY COLUMNS', 'Expected Number of Columns: 3 Found: 4')
    'malformed CSV line: 4 fields where the header has 3'
    """
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
        if m:
            return f"malformed CSV line: {m.group(2)} fields where the header has {m.group(1)}"
        return "malformed CSV line: wrong number of fields"
    if error_type == "UNQUOTED VALUE":
        return "malformed CSV line: a quoted value is never closed (unterminated quote)"
    if error_type == "INVALID ENCODING":
        return "invalid UTF-8 bytes"
    if error_type == "LINE SIZE OVER MAXIMUM":
        return "malformed CSV line: the line is too long (is this a CSV file?)"
    return "malformed CSV line"


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
