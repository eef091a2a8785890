"""The chat's side of the warehouse: one engine, the conversation, and paged segment rows.

Everything here runs in worker threads, never on the UI thread. A lock keeps one request at a time
on the engine's connection; pages of a big segment run on their own cursor so scrolling the table
never waits for, or disturbs, a request. ``interrupt`` is what Esc calls.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlglot import exp, parse_one

from segmenta.assistant.answer import Answer
from segmenta.assistant.conversation import Conversation
from segmenta.assistant.engine import PREVIEW_COLUMNS, Engine
from segmenta.assistant.validator import validate
from segmenta.warehouse.store import run_query

PAGE_SIZE = 200


@dataclass(frozen=True)
class WarehouseInfo:
    """What the header shows about the warehouse."""

    name: str
    size_bytes: int
    contacts: int


def page_sql(segment_sql: str, offset: int, limit: int = PAGE_SIZE,
             columns: tuple[str, ...] = PREVIEW_COLUMNS) -> str:
    """One page of a segment's contacts: the segment's ``contact_id`` rows joined to ``contacts``.

    Args:
        segment_sql: validated SQL returning one column, ``contact_id``.
        offset: rows to skip (contacts are ordered by ``contact_id``, so pages are stable).
        limit: rows in the page.
        columns: the ``contacts`` columns to show.

    >>> print(page_sql("SELECT contact_id FROM contacts", 200, 2, ("contact_id",)))
    SELECT
      c.contact_id
    FROM contacts AS c
    WHERE
      c.contact_id IN (
        SELECT
          contact_id
        FROM contacts
      )
    ORDER BY
      c.contact_id
    LIMIT 2
    OFFSET 200
    """
    segment = parse_one(segment_sql, dialect="duckdb")
    key = exp.column("contact_id", table="c")
    query = (
        exp.select(*[exp.column(c, table="c") for c in columns])
        .from_(exp.to_table("contacts").as_("c"))
        .where(exp.In(this=key, query=exp.Subquery(this=segment)))
        .order_by(key.copy())
        .limit(exp.Literal.number(limit))
        .offset(exp.Literal.number(offset))
    )
    return query.sql(dialect="duckdb", pretty=True)


class Session:
    """One warehouse, one conversation, one as-of date: what the chat asks through."""

    def __init__(self, db: Path, as_of: date, *, timeout: float = 30.0) -> None:
        self.db = db
        self.as_of = as_of
        self.timeout = timeout
        self.conversation = Conversation()
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine, opened on first use (in a worker thread)."""
        if self._engine is None:
            from segmenta.tools.ask import open_engine

            self._engine = open_engine(self.db, timeout=self.timeout)
        return self._engine

    def open(self) -> WarehouseInfo:
        """Open the engine and describe the warehouse for the header."""
        with self._lock:
            con = self.engine.con.cursor()
            try:
                _, rows = run_query(con, "SELECT count(*) FROM contacts", timeout=self.timeout)
            finally:
                con.close()
        return WarehouseInfo(self.db.name, self.db.stat().st_size, int(rows[0][0]))

    def ask(self, text: str) -> Answer:
        """Answer ``text`` as the next turn of the conversation (a follow-up refines the last plan)."""
        with self._lock:
            return self.conversation.ask(self.engine, text, self.as_of)

    def page(self, answer: Answer, offset: int, limit: int = PAGE_SIZE) -> list[list[Any]]:
        """Rows ``offset`` .. ``offset + limit`` of a segment answer, on a cursor of its own."""
        if answer.kind != "segment" or not answer.sql:
            return [list(r) for r in answer.rows[offset:offset + limit]]
        sql = page_sql(answer.sql, offset, limit)
        engine = self.engine
        validate(sql, engine.schema)
        con = engine.con.cursor()
        try:
            _, rows = run_query(con, sql, timeout=self.timeout)
        finally:
            con.close()
        return [list(r) for r in rows]

    @property
    def page_columns(self) -> list[str]:
        """The columns of a segment's pages."""
        return list(PREVIEW_COLUMNS)

    def release(self) -> None:
        """Close the engine so a tool can open the warehouse itself; the next request reopens it.

        The conversation is kept. (A second read-only connection in the same process fails while
        the engine's is open: ``connect_readonly`` cannot set options on a locked configuration.)
        """
        with self._lock:
            self.close()

    def interrupt(self) -> None:
        """Stop the query running on the engine's connection (Esc)."""
        if self._engine is not None:
            self._engine.con.interrupt()

    def close(self) -> None:
        """Close the engine's connection."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None
