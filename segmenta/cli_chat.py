"""``segmenta chat``: opens the Textual chat over a warehouse.

Textual is imported only when the chat runs, so the command line and the library stay headless
(``tests/test_import_hygiene.py``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path


def chat(db: str | Path | None, as_of: date | None, mode: str | None = None) -> None:
    """Run the chat until the marketer quits.

    Args:
        db: the warehouse; None means ``$SEGMENTA_DB`` or the user's default warehouse, built as the
            demo shop on first use.
        as_of: the date answers are computed at; None means today (F2 changes it in the chat).
        mode: how requests are read: rules, llm or auto (None: the configured engine).
    """
    from segmenta.cli_options import ensure_warehouse
    from segmenta.tui.app import SegmentaApp
    from segmenta.warehouse.store import resolve_db

    path = resolve_db(db)
    ensure_warehouse(path)
    SegmentaApp(path, as_of or date.today(), mode=mode).run()
