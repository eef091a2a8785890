"""The files kept beside a warehouse, by name: one place, imported by the modules that read them."""

from __future__ import annotations

from pathlib import Path


def config_path(db: Path) -> Path:
    """The TOML config that sits beside a warehouse (``shop.duckdb`` -> ``shop.toml``)."""
    return db.with_name(db.stem + ".toml")
