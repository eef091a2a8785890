"""The chat's side of the warehouse: one engine, the conversation, paged segment rows, and the
actions on an answer (save a segment, list the saved ones, draft a workflow).

Everything here runs in worker threads, never on the UI thread. A lock keeps one request at a time
on the engine's connection; pages of a big segment run on their own cursor so scrolling the table
never waits for, or disturbs, a request. ``interrupt`` is what Esc calls.

After each answer the conversation is written beside the warehouse (``state_path``), where
``segmenta.tools.workflows.draft(use_last=True)``, ``segments save --last`` and ``ask --continue``
read the last plan. Reading tools open a second read-only connection, which DuckDB allows beside
the engine's; writing tools need the engine closed first (``release``), and the next request
reopens it, reading the saved segments' names afresh.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp, parse_one

from segmenta.assistant.answer import Answer
from segmenta.assistant.conversation import Conversation
from segmenta.assistant.engine import PREVIEW_COLUMNS, Engine
from segmenta.assistant.plan import SegmentPlan
from segmenta.assistant.text import fold
from segmenta.assistant.validator import validate
from segmenta.errors import SegmentaError, WarehouseError, say
from segmenta.warehouse.remote import remote_of
from segmenta.warehouse.store import run_query, state_path

if TYPE_CHECKING:
    from segmenta.tools.segments import SavedSegment
    from segmenta.tools.workflows import WorkflowDraft

PAGE_SIZE = 200


@dataclass(frozen=True)
class WarehouseInfo:
    """What the header shows about the warehouse."""

    name: str
    size_bytes: int
    contacts: int
    country: str = ""  # the shop's, for the locale its numbers are shown in


def page_sql(
    segment_sql: str, offset: int, limit: int = PAGE_SIZE, columns: tuple[str, ...] = PREVIEW_COLUMNS
) -> str:
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

    def __init__(self, db: Path, as_of: date, *, timeout: float = 30.0, mode: str | None = None) -> None:
        self.mode = mode  # rules | llm | auto, or None: the configured engine (see segmenta.tools.ask)
        self.db = db
        self.as_of = as_of
        self.timeout = timeout
        try:  # the conversation of the last chat (or ask --continue): a restart goes on from it
            self.conversation = Conversation.load(state_path(db))
        except OSError:
            self.conversation = Conversation()
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self.state_problem: str | None = None
        """Why the conversation could not be written beside the warehouse, if it could not."""
        self.last_question: str | None = None
        """The request of the last answer that asked back, if the last answer did."""

    @property
    def engine(self) -> Engine:
        """The engine, opened on first use (in a worker thread)."""
        if self._engine is None:
            from segmenta.tools.engines import open_engine

            self._engine = open_engine(self.db, timeout=self.timeout, mode=self.mode)  # type: ignore[arg-type]
        return self._engine

    def open(self) -> WarehouseInfo:
        """Open the engine and describe the warehouse for the header."""
        with self._lock:
            con = self.engine.con.cursor()
            try:
                _, rows = run_query(con, "SELECT count(*) FROM contacts", timeout=self.timeout)
            finally:
                con.close()
        server = remote_of(self.db)
        if server is not None:  # a server warehouse: its URL, and no file size to speak of
            return WarehouseInfo(server.shown, 0, int(rows[0][0]), self.engine.country)
        return WarehouseInfo(self.db.name, self.db.stat().st_size, int(rows[0][0]), self.engine.country)

    def ask(self, text: str) -> Answer:
        """Answer ``text`` as the next turn of the conversation (a follow-up refines the last plan).

        "recuerda 'tíos' = hombres" keeps a shop word (checked over the shop first) and answers the
        last question back again with it, as ``segmenta ask`` does.
        """
        from segmenta.assistant.text import clean_request
        from segmenta.tools.shopwords import add_word, kept_note, read_remember, request_again
        from segmenta.warehouse.vocab import load as load_vocab

        text = clean_request(text)
        with self._lock:
            kept = read_remember(text)
            if kept is not None:
                added = add_word(self.db, *kept)
                self.engine.shop_words = load_vocab(self.db)
                text = request_again(self.last_question, added, text)
            answer = self.conversation.ask(self.engine, text, self.as_of)
            if kept is not None:
                note = kept_note(answer.language, *kept)
                answer = answer.model_copy(update={"assumptions": [*answer.assumptions, note]})
            self.last_question = answer.request if answer.kind == "clarification" else None
            try:
                self.save_state()
                self.state_problem = None
            except WarehouseError as e:  # answering goes on; a draft for "them" reports it
                self.state_problem = str(e)
        return answer

    def rerun(self, answer: Answer) -> Answer:
        """The same segment or report again at the session's (new) as-of date: F2 after a date change.

        The Plan is taken as it is (not the request's text, which may be a follow-up that would
        refine the current segment a second time); the conversation keeps its current segment.
        """
        if answer.plan is None or answer.kind not in ("segment", "report"):
            raise SegmentaError(
                say(
                    f"the answer to {answer.request!r} cannot be run at another date",
                    f"la respuesta a {answer.request!r} no se puede calcular en otra fecha",
                )
            )
        return self._run(answer.request, answer.plan, [])

    def resume(self) -> Answer | None:
        """The conversation's current segment or report, run at the as-of date when the chat opens
        (None when the last chat left none): a restart shows where the marketer was."""
        plan = self.conversation.plan
        if plan is None:
            return None
        text = " + ".join(self.conversation.plan_requests()) or "…"
        es = plan.language == "es"
        note = (
            "seguimos con la última conversación: una petición nueva empieza de cero"
            if es
            else "going on from the last conversation: a new request starts over"
        )
        return self._run(text, plan.model_dump(mode="json"), [note])

    def _run(self, request: str, plan: dict[str, Any], notes: list[str]) -> Answer:
        from segmenta.assistant.plan import ReportPlan

        with self._lock:
            engine = self.engine
            if plan.get("kind") == "report":
                if engine.report_runner is None:
                    raise SegmentaError("reports cannot be run here")
                report = engine.resolve(ReportPlan.model_validate(plan))
                return engine.report_runner(engine, request, report, self.as_of, notes)
            return engine.run_plan(request, SegmentPlan.model_validate(plan), self.as_of, assumptions=notes)

    def save_state(self) -> Path:
        """Write the conversation beside the warehouse, where the tools read the last plan."""
        path = state_path(self.db)
        try:
            self.conversation.save(path)
        except OSError as e:
            raise WarehouseError(
                say(
                    f"cannot keep the conversation in {path}: {e.strerror or e}",
                    f"no puedo guardar la conversación en {path}: {e.strerror or e}",
                )
            ) from e
        return path

    @property
    def current_segment(self) -> SegmentPlan | None:
        """The conversation's current segment (what "them" / "ellos" means), if it is one."""
        plan = self.conversation.plan
        return plan if isinstance(plan, SegmentPlan) else None

    def page(self, answer: Answer, offset: int, limit: int = PAGE_SIZE) -> list[list[Any]]:
        """Rows ``offset`` .. ``offset + limit`` of a segment answer, on a cursor of its own."""
        if answer.kind != "segment" or not answer.sql:
            return [list(r) for r in answer.rows[offset : offset + limit]]
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

    # ----------------------------------------------------------------- actions on answers
    def saved_segments(self) -> list[SavedSegment]:
        """Every saved segment with its size history, by name."""
        from segmenta.tools.segments import list_segments

        return list_segments(self.db)

    def taken(self, name: str) -> str | None:
        """The saved segment a new ``name`` would collide with (case and accents ignored), if any.

        Raises ``SegmentError`` for a name that cannot be used (empty, too long, with quotes).
        """
        from segmenta.tools.segments import check_name

        clean = fold(check_name(name))
        return next((s.name for s in self.saved_segments() if fold(s.name) == clean), None)

    def save_segment(self, answer: Answer, name: str, *, static: bool, replace: bool = False) -> SavedSegment:
        """Save a segment answer under ``name`` as of the answer's date (the engine is released first)."""
        from segmenta.tools.segments import SegmentError, save

        if answer.kind != "segment" or answer.plan is None:
            raise SegmentError(
                say(
                    f"the answer to {answer.request!r} is a {answer.kind}, not a segment",
                    f"la respuesta a {answer.request!r} no es un segmento ({answer.kind})",
                )
            )
        plan = SegmentPlan.model_validate(answer.plan).model_copy(update={"question": "list"})
        current = self.conversation.plan
        steps = self.conversation.plan_requests()
        # the current segment, asked for in steps: it keeps every step's words, not the last alone
        request = (
            " + ".join(steps)
            if current is not None and steps and current.model_dump(mode="json") == answer.plan
            else answer.request
        )
        self.release()
        return save(
            self.db,
            name,
            plan=plan,
            request=request,
            static=static,
            as_of=date.fromisoformat(answer.as_of),
            replace=replace,
        )

    def draft_workflow(self, text: str, *, use_last: bool, lang: str | None = None) -> WorkflowDraft:
        """Draft the workflow ``text`` names; ``use_last`` takes the audience from the current segment."""
        from segmenta.tools.workflows import draft

        if use_last:
            with self._lock:
                self.save_state()
        return draft(self.db, text, self.as_of, use_last=use_last, lang=lang)  # type: ignore[arg-type]

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
