"""Any platform's exports through a column map: ``segmenta import DIR --map shop-map.toml``.

The map names, per warehouse table, the file in ``DIR`` and where each canonical column comes from::

    [orders]
    file = "orders.csv"

    [orders.columns]
    order_id = "Order Number"                         # a header of the file
    currency = { value = "EUR" }                      # a constant
    ordered_at = { column = "Order Date", format = "%d/%m/%Y %H:%M" }   # a date format
    status = { column = "Order Status", values = { "wc-completed" = "completed" } }

A value mapping leaves a value it does not list as it is (the import's checks then say what is
wrong with it, by file, line and column). The files are read as UTF-8 (a BOM allowed) or Latin-1,
with ``,``, ``;`` or tab as separator. The mapped tables are written as canonical CSVs and imported
with every check of a canonical import. ``segmenta import DIR --suggest-map`` writes a starting map
from the headers it finds, matching common names in Spanish and English, for the person to edit.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from segmenta.errors import ImportProblem, ShopImportError
from segmenta.warehouse.schema import TABLES

# common names of each canonical column, folded (lower case, no accents, spaces as "_")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "contact_id": ("customer_id", "customer_user_id", "id_customer", "id_cliente", "cliente_id", "user_id"),
    "email": ("e-mail", "correo", "correo_electronico", "billing_email", "customer_email", "email_address"),
    "phone": ("telefono", "billing_phone", "phone_number", "movil", "mobile"),
    "first_name": ("nombre", "firstname", "billing_first_name", "given_name"),
    "last_name": ("apellidos", "apellido", "lastname", "billing_last_name", "surname", "family_name"),
    "postal_code": ("zip", "postcode", "codigo_postal", "cp", "billing_postcode", "zip_code"),
    "city": ("ciudad", "poblacion", "billing_city", "town"),
    "region": ("provincia", "state", "province", "billing_state", "county"),
    "country": ("pais", "country_code", "billing_country"),
    "birth_date": ("birthday", "fecha_nacimiento", "date_of_birth", "dob"),
    "gender": ("sexo", "genero", "sex"),
    "created_at": ("date_created", "fecha_alta", "date_add", "registered", "signup_date"),
    "order_id": ("order_number", "order_no", "id_order", "pedido", "numero_pedido", "reference"),
    "ordered_at": ("order_date", "fecha_pedido", "date", "fecha", "created", "date_add"),
    "total_amount": ("order_total", "total", "total_paid", "importe", "total_pedido", "order_total_amount"),
    "status": ("order_status", "estado", "current_state", "state_order"),
    "payment_method": ("payment_method_title", "metodo_pago", "payment", "forma_pago"),
    "coupon_code": ("coupon", "cupon", "discount_code", "coupon_code_s"),
    "product_id": ("sku", "product_sku", "id_product", "referencia", "item_sku", "product_reference"),
    "quantity": ("qty", "cantidad", "item_quantity", "product_quantity"),
    "unit_price": ("item_price", "precio", "price", "item_cost", "product_price", "unit_price_tax_incl"),
    "name": ("product_name", "item_name", "nombre_producto", "title"),
    "category": ("categoria", "product_categories", "category_name"),
    "brand": ("marca", "manufacturer", "vendor"),
}


def _fold(text: str) -> str:
    from unidecode import unidecode

    return "_".join(unidecode(text).casefold().replace("-", " ").replace("/", " ").split())


def _problem(file: str, message: str, line: int | None = None, column: str | None = None) -> ImportProblem:
    return ImportProblem(file, message, line=line, column=column)


def load_map(path: Path) -> dict[str, Any]:
    """The map file, checked: known tables and columns, each source a header, a constant or a column
    with a format or values.

    Raises:
        ShopImportError: what is wrong, naming the map file and the key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ShopImportError([_problem(path.name, f"not a readable TOML column map: {e}")]) from None
    problems = []
    for table, spec in data.items():
        if table not in TABLES:
            problems.append(
                _problem(path.name, f"[{table}]: not a warehouse table (one of {', '.join(TABLES)})")
            )
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
            problems.append(
                _problem(path.name, f'[{table}]: needs file = "<name of the file in the folder>"')
            )
            continue
        known = {c.name for c in TABLES[table].columns}
        for column, source in (spec.get("columns") or {}).items():
            where = f"[{table}.columns] {column}"
            if column not in known:
                problems.append(_problem(path.name, f"{where}: not a column of {table}"))
            elif isinstance(source, dict):
                if "value" not in source and not isinstance(source.get("column"), str):
                    problems.append(_problem(path.name, f'{where}: needs column = "<header>" or value = ...'))
            elif not isinstance(source, str):
                problems.append(_problem(path.name, f"{where}: a header name, or {{ column = ..., ... }}"))
    if problems:
        raise ShopImportError(problems)
    return data


def _open_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    headers = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = headers
    rows, start = [], 2
    for row in reader:
        rows.append((start, {k: (v or "").strip() for k, v in row.items() if k is not None}))
        start = reader.line_num + 1
    return headers, rows


def apply_map(
    src: Path,
    mapping: dict[str, Any],
    out: Path,
    sources: dict[str, tuple[str, list[int], dict[str, str]]] | None = None,
) -> list[str]:
    """Write the canonical CSVs of ``src`` under ``mapping`` into ``out``; the notes to show.
    ``sources`` gets, per table, its file's name and the file's line of each row written.

    Raises:
        ShopImportError: a missing file or header, a value not in the date format (file, line, column).
    """
    problems: list[ImportProblem] = []
    notes = []
    out.mkdir(parents=True, exist_ok=True)
    for table, spec in mapping.items():
        path = src / spec["file"]
        if not path.is_file():
            problems.append(_problem(spec["file"], f"the map's file for {table} is not in {src}"))
            continue
        headers, rows = _open_rows(path)
        columns = spec.get("columns") or {}
        for column, source in columns.items():
            header = source if isinstance(source, str) else source.get("column")
            if header is not None and header not in headers:
                problems.append(
                    _problem(path.name, f"no column {header!r} (the map's source of {table}.{column})", 1)
                )
        if problems:
            continue
        # a file with a row per order line gives an order (or its customer) on several rows: for a
        # table keyed by id, the first row of each id is the one taken
        key = [c for c in TABLES[table].key if TABLES[table].unique and c in columns]
        seen: set[tuple[str, ...]] = set()
        written = repeated = 0
        kept_lines: list[int] = []
        if sources is not None:
            headers_of = {
                c: (src_ if isinstance(src_, str) else str(src_.get("column")))
                for c, src_ in columns.items()
                if isinstance(src_, str) or "column" in src_
            }
            sources[table] = (path.name, kept_lines, headers_of)
        with (out / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(columns))
            for line, row in rows:
                values = []
                for column, source in columns.items():
                    value, problem = _value(source, row, path.name, line, column)
                    if problem is not None:
                        problems.append(problem)
                    values.append(value)
                if key:
                    ident = tuple(values[list(columns).index(k)] for k in key)
                    if ident in seen:
                        repeated += 1
                        continue
                    seen.add(ident)
                writer.writerow(values)
                kept_lines.append(line)
                written += 1
        again = f" ({repeated:,} rows repeating an id left out)" if repeated else ""
        notes.append(f"{path.name} -> {table}: {written:,} rows, {len(columns)} columns mapped{again}")
    if problems:
        raise ShopImportError(problems[:20], total=len(problems))
    return notes


def _value(
    source: Any, row: dict[str, str], file: str, line: int, column: str
) -> tuple[str, ImportProblem | None]:
    if isinstance(source, str):
        return row.get(source, ""), None
    if "value" in source:
        return str(source["value"]), None
    text = row.get(source["column"], "")
    if isinstance(source.get("values"), dict):
        text = str(source["values"].get(text, text))
    fmt = source.get("format")
    if fmt and text:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            return text, ImportProblem(
                file, f"not in the map's format {fmt!r}", line=line, column=source["column"], value=text
            )
        text = parsed.isoformat(sep=" ") if any(c in fmt for c in "HIMS") else parsed.date().isoformat()
    return text, None


def import_mapped(
    src: Path, db: Path, map_path: Path, *, skip_invalid: bool = False, progress: Any = None
) -> Any:
    """Import ``src`` through the column map ``map_path`` (see the module's text)."""
    from segmenta.warehouse.importer import import_shop

    mapping = load_map(map_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{db.name}.mapped-", dir=db.parent))
    sources: dict[str, tuple[str, list[int], dict[str, str]]] = {}
    try:
        notes = apply_map(src, mapping, work, sources)
        try:
            report = import_shop(work, db, skip_invalid=skip_invalid, progress=progress)
        except ShopImportError as e:  # said of the platform's file and line, not of ours
            raise ShopImportError([_theirs(p, sources) for p in e.problems], total=e.total) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.source = src
    report.files = []
    report.notes = [f"Read through {map_path.name}:", *notes, *report.notes]
    return report


def _theirs(p: ImportProblem, sources: dict[str, tuple[str, list[int], dict[str, str]]]) -> ImportProblem:
    """A problem of a mapped table named by the platform's file and line."""
    table = p.file.removesuffix(".csv")
    if table not in sources:
        return p
    name, lines, headers = sources[table]
    line = lines[p.line - 2] if p.line is not None and 0 <= p.line - 2 < len(lines) else p.line
    column = p.column
    if column in headers:  # the platform's header, with the warehouse column it became
        column = f"{headers[column]} (as {column})"
    return ImportProblem(f"{name} (as {table})", p.message, line, column, p.value)


def suggest_map(src: Path) -> str:
    """A starting column map for the CSV files of ``src``: each file given the table whose columns
    its headers name most, each canonical column the header that names it (or a comment)."""
    lines = [
        "# A column map for segmenta import --map (README, 'Bring your shop'): check every line.",
        '# A source is a header of the file, { value = "..." } for a constant, or',
        '# { column = "...", format = "%d/%m/%Y" } / { column = "...", values = { "a" = "b" } }.',
    ]
    # each table from the file that names most of its columns (a file may hold several tables: an
    # order export with a row per item gives contacts, orders, lines and products)
    best: dict[str, tuple[int, Path, dict[str, str]]] = {}
    for path in sorted(p for p in src.iterdir() if p.suffix.lower() == ".csv"):
        headers, _ = _open_rows(path)
        folded = {_fold(h): h for h in headers}
        found: dict[str, str] = {}
        for c in (c for spec in TABLES.values() for c in spec.columns):
            for name in (c.name, *SYNONYMS.get(c.name, ())):
                if name in folded:
                    found.setdefault(c.name, folded[name])
                    break
        for t, spec in TABLES.items():
            needed = spec.key if spec.key else tuple(c.name for c in spec.columns if c.required)
            named = sum(1 for c in spec.columns if c.name in found)
            if named >= 2 and all(k in found for k in needed) and named > best.get(t, (0, path, {}))[0]:
                best[t] = (named, path, found)
    if not best:
        lines += ["", "# no table recognised in these files: name the tables and columns by hand"]
    for table in TABLES:
        if table not in best:
            continue
        _, path, found = best[table]
        lines += ["", f"[{table}]", f'file = "{path.name}"', "", f"[{table}.columns]"]
        for c in TABLES[table].columns:
            if c.name in found:
                lines.append(f'{c.name} = "{found[c.name]}"')
            else:
                lines.append(f'# {c.name} = "..."{"  # required" if c.required else ""}')
    return "\n".join(lines) + "\n"
