"""What an import (or the demo build) did, as data and as the summary a person reads.

The CLI prints ``ImportReport.lines()``; tests and the TUI read the fields. Nothing here touches
the warehouse: the importer fills the report from the queries it already ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab"}


@dataclass(frozen=True)
class FileDetection:
    """How one file was read: its table, format, encoding, BOM and separator, and the rows staged."""

    name: str
    table: str
    format: str  # "csv" or "parquet"
    encoding: str = ""
    bom: bool = False
    separator: str = ""
    rows: int = 0

    def describe(self) -> str:
        """``contacts.csv: UTF-8 with BOM, ';' separator`` (or ``orders.parquet: Parquet``)."""
        if self.format == "parquet":
            return f"{self.name}: Parquet"
        bom = " with BOM" if self.bom else ""
        sep = SEPARATOR_NAMES.get(self.separator, repr(self.separator))
        return f"{self.name}: {self.encoding}{bom}, {sep} separator"


@dataclass(frozen=True)
class DroppedRows:
    """Rows left out of one file for one reason, with how many and the first few, worded in full."""

    file: str
    reason: str
    count: int
    examples: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """The outcome of an import: detections, rows, what was dropped or ignored, and shop figures."""

    source: Path
    db: Path | str
    files: list[FileDetection] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    dropped: list[DroppedRows] = field(default_factory=list)
    dropped_rows: dict[str, int] = field(default_factory=dict)  # file -> distinct rows left out
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    custom_fields: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    orders_from: datetime | None = None
    orders_to: datetime | None = None
    buyers: int = 0
    products: int = 0
    categories: int = 0
    brands: int = 0
    elapsed: float = 0.0
    appended: bool = False  # an ``--append``: the rows were added to the warehouse, not a new one
    unchanged: bool = False  # an append that found nothing new or changed: the file was left as it was

    def lines(self) -> list[str]:
        """The human summary the CLI prints, one line per item."""
        if self.unchanged:
            head = f"Nothing new in {self.source}: {self.db} was left as it was ({self.elapsed:.1f} s)"
        elif self.appended:
            head = f"Appended {self.source} to {self.db} in {self.elapsed:.1f} s"
        else:
            head = f"Imported {self.source} into {self.db} in {self.elapsed:.1f} s"
        out = [head]
        out += [f"  {f.describe()}: {f.rows:,} rows" for f in self.files]
        out.append("Rows: " + ", ".join(f"{t} {n:,}" for t, n in self.rows.items()))
        if self.orders_from and self.orders_to:
            out.append(
                f"Orders from {self.orders_from:%Y-%m-%d} to {self.orders_to:%Y-%m-%d}; "
                f"{self.buyers:,} buyers (contacts with a completed order)"
            )
        else:
            out.append("No orders")
        out.append(
            f"Catalog: {self.products:,} products, {self.categories:,} categories, {self.brands:,} brands"
        )
        if self.custom_fields:
            out.append("Custom contact fields: " + ", ".join(self.custom_fields))
        for name, cols in self.ignored_columns.items():
            out.append(f"Ignored columns in {name}: " + ", ".join(cols))
        if self.dropped:
            total = sum(self.dropped_rows.values())
            out.append(f"Dropped {total:,} invalid rows (a row can have several reasons):")
            for d in self.dropped:
                out.append(f"  {d.file}: {d.count:,} {d.reason}")
                out += [f"    e.g. {e}" for e in d.examples]
        out += [f"Note: {n}" for n in self.notes]
        return out
