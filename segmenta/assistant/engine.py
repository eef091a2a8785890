"""request -> Plan -> SQL -> validated -> run -> explained: one answer.

The engine owns the path of a request (ARCHITECTURE.md): it parses with the rule parser (or takes
a Plan from elsewhere: a conversation's refinement, the LLM backend), compiles it, validates the
SQL, runs it on a read-only connection with a time limit, counts the funnel in one scan, and
explains every condition. It never runs SQL the validator did not accept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from segmenta.assistant.answer import Answer, ClarificationOut, FunnelStep
from segmenta.assistant.compiler import compile_segment, funnel_select, funnel_steps, render, use_stored
from segmenta.assistant.explainer import explain_plan, step_label
from segmenta.assistant.parser import parse
from segmenta.assistant.plan import (
    Any_,
    ReportPlan,
    SavedSegmentCondition,
    SegmentPlan,
    conjuncts,
    merge_repeats,
    walk,
    with_definitions,
)
from segmenta.assistant.reading.pieces import ParseResult
from segmenta.assistant.validator import validate, warehouse_schema
from segmenta.errors import SegmentaError
from segmenta.locale_text import day_text
from segmenta.warehouse.derived import is_stored, last_data_day
from segmenta.warehouse.remote import is_remote
from segmenta.warehouse.store import connect_readonly, run_query

PREVIEW_COLUMNS = ("contact_id", "first_name", "last_name", "email", "city", "country")

# Reports are run by the Data Explorer (segmenta.tools), which the assistant may not import:
# the tools hand the engine their runner. (engine, request, plan, as_of, assumptions) -> Answer
ReportRunner = Callable[["Engine", str, ReportPlan, date, list[str]], Answer]


class Engine:
    """Answers requests over one warehouse; keeps the read-only connection and the catalog."""

    def __init__(
        self,
        db: Path,
        *,
        timeout: float = 30.0,
        currency: str | None = None,
        report_runner: ReportRunner | None = None,
    ) -> None:
        from segmenta.assistant.catalog import Catalog

        self.report_runner = report_runner
        self.db = db
        self.con = connect_readonly(db)
        self.timeout = timeout
        self.catalog = Catalog.load(self.con)
        self.schema = warehouse_schema(self.con)
        # the derived tables stored for some dates (rfm_20260630), read in place of their macros
        self.stored = frozenset(name for name in self.schema if is_stored(name))
        from segmenta.warehouse.config import shop_locale

        shop_currency, self.country = shop_locale(db)
        self.currency = currency or shop_currency
        from segmenta.warehouse.vocab import load as load_vocab

        self.shop_words = load_vocab(db)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _resolved(self, plan: _P, as_of: date) -> tuple[_P, list[str]]:
        """The plan with its dynamic saved segments' definitions filled in, and one line per saved
        segment it names saying how it is read at this date (the store read once for both)."""
        names = [n.name for n in walk(plan.where) if isinstance(n, SavedSegmentCondition)]
        if not names:
            return plan, []
        from segmenta.warehouse import userstore

        defs = userstore.definitions(self.db)
        es = plan.language == "es"
        day = day_text(as_of, plan.language, self.country)
        out = []
        for name in dict.fromkeys(names):
            kind, raw = defs.get(name, ("static", None))
            if kind == "dynamic" and raw:
                out.append(
                    f"'{name}': su definición a fecha {day}"
                    if es
                    else f"'{name}': its definition as of {day}"
                )
            else:
                out.append(
                    f"'{name}' es una foto fija: sus miembros al guardarlo que existen a {day}"
                    if es
                    else f"'{name}' is a snapshot: its members when saved that exist on {day}"
                )
        return _with_saved(plan, defs), out

    def saved_segment_names(self) -> list[str]:
        """The saved segments' names as they are now in their store (a save in another window counts)."""
        from segmenta.warehouse import userstore

        try:
            return userstore.names(self.con, self.db)
        except (duckdb.Error, SegmentaError):
            return []

    def resolve(self, plan: _P) -> _P:
        """The plan with every dynamic saved segment named in it given its definition, so it is
        evaluated at the request's as-of date (``resolve_saved``)."""
        return resolve_saved(self.db, plan)

    # ----------------------------------------------------------------- answering
    def parse(self, text: str) -> ParseResult:
        """Read a request, its shop words (``segmenta vocab``) replaced first and said so."""
        from segmenta.warehouse.vocab import apply

        applied = apply(text, self.shop_words)
        result = parse(applied.text, self.catalog, saved_segments=self.saved_segment_names())
        if applied.used:
            said = ", ".join(f"'{w}' = {m}" for w, m in applied.used)
            result.assumptions.insert(
                0, ("palabra de la tienda: " if result.language == "es" else "shop word: ") + said
            )
        return result

    def ask(self, text: str, as_of: date, *, preview: int = 20) -> Answer:
        """Parse a request and answer it (or say what could not be understood)."""
        result = self.parse(text)
        return self.answer_parsed(text, result, as_of, preview=preview)

    def answer_parsed(self, text: str, result: ParseResult, as_of: date, *, preview: int = 20) -> Answer:
        """The answer to a parsed request, with the words it ignored as filler listed."""
        if result.unrecognized:
            from segmenta.assistant.languages import not_read_sentence, other_language

            other = other_language(text)
            if other is not None:  # one sentence, not one question back per word of French
                return Answer(
                    request=text,
                    kind="not_understood",
                    as_of=as_of.isoformat(),
                    language=result.language,
                    unrecognized=list(result.unrecognized),
                    clarifications=[ClarificationOut(question=not_read_sentence(other))],
                )
        answer = self._answer_parsed(text, result, as_of, preview=preview)
        if result.ignored and not answer.ignored:
            answer = answer.model_copy(update={"ignored": list(result.ignored)})
        return self.note_data_end(self.localised(answer), as_of)

    def localised(self, answer: Answer) -> Answer:
        """The answer with the shop's country and currency, the locale its numbers are read in, and
        on a server warehouse its SQL as the server runs it."""
        update: dict[str, Any] = {"country": self.country, "currency": self.currency}
        if answer.sql and is_remote(self.con):
            update["engine_sql"] = self.con.translate(answer.sql, pretty=True)  # type: ignore[attr-defined]
            update["engine"] = self.con.engine_name  # type: ignore[attr-defined]
        return answer.model_copy(update=update)

    def note_data_end(self, answer: Answer, as_of: date) -> Answer:
        """An answer as of a day after the shop's last data says so: "last 30 days" there finds nothing
        because nothing was recorded yet, not because nobody bought."""
        last = self.data_last_day
        if last is None or as_of <= last or not answer.answered:
            return answer
        ends, day = (day_text(d, answer.language, self.country) for d in (last, as_of))
        note = (
            f"los datos de la tienda terminan el {ends}: a fecha {day}, "
            f"los {(as_of - last).days} días posteriores no tienen datos (una ventana como 'últimos 30 "
            "días' puede salir vacía); prueba --as-of con la fecha de los datos"
            if answer.language == "es"
            else f"the shop's data ends on {ends}: as of {day}, the "
            f"{(as_of - last).days} days after it have no data (a window such as 'last 30 days' may come "
            "out empty); try --as-of with the data's date"
        )
        return answer.model_copy(update={"assumptions": [*answer.assumptions, note]})

    @cached_property
    def data_last_day(self) -> date | None:
        """The last day with an order, a web event or a message in the warehouse (None when empty)."""
        try:
            return last_data_day(self.con)
        except duckdb.Error:
            return None

    def _answer_parsed(self, text: str, result: ParseResult, as_of: date, *, preview: int = 20) -> Answer:
        lang = result.language
        if isinstance(result.plan, ReportPlan) and not result.unrecognized and not result.clarifications:
            if self.report_runner is None:
                return Answer(
                    request=text,
                    kind="not_understood",
                    as_of=as_of.isoformat(),
                    plan=result.plan.model_dump(mode="json"),
                    language=lang,
                    clarifications=[ClarificationOut(question=_no_reports(lang))],
                )
            report, notes = self._resolved(result.plan, as_of)
            return self.report_runner(self, text, report, as_of, [*result.assumptions, *notes])
        clar = [ClarificationOut(question=c.question, options=c.options) for c in result.clarifications]
        if (
            isinstance(result.plan, SegmentPlan)
            and result.plan.where is None
            and not result.unrecognized
            and not clar
            and _says_everyone(text)
        ):
            # "todos los contactos", "all customers", "toda la base": everyone at the as-of date
            return self.run_plan(text, result.plan, as_of, assumptions=result.assumptions, preview=preview)
        if (
            not isinstance(result.plan, SegmentPlan)
            or result.plan.where is None
            or result.unrecognized
            or clar
        ):
            kind = "clarification" if (clar or result.plan is not None) else "not_understood"
            if not clar and not result.unrecognized:
                clar = [ClarificationOut(question=_not_understood(lang))]
            elif not clar:
                clar = [ClarificationOut(question=_unknown_words(lang, result.unrecognized))]
            return Answer(
                request=text,
                kind=kind,  # type: ignore[arg-type]
                as_of=as_of.isoformat(),
                plan=result.plan.model_dump(mode="json") if result.plan else None,
                explanation=explain_plan(result.plan, as_of, currency=self.currency, country=self.country)
                if isinstance(result.plan, SegmentPlan) and result.plan.where is not None
                else [],
                assumptions=result.assumptions,
                unrecognized=result.unrecognized,
                clarifications=clar,
                language=lang,
            )
        return self.run_plan(text, result.plan, as_of, assumptions=result.assumptions, preview=preview)

    def run_plan(
        self,
        text: str,
        plan: SegmentPlan,
        as_of: date,
        *,
        assumptions: list[str] | None = None,
        preview: int = 20,
    ) -> Answer:
        """Compile, validate, run and explain a segment Plan."""
        plan, notes = self._resolved(plan, as_of)  # definitions stay out of the answer's plan (exclude=True)
        assumptions = [*(assumptions or []), *notes]
        plan, merged = merge_repeats(plan)
        if merged:
            assumptions = [
                *(assumptions or []),
                f"{merged} condición(es) repetida(s), contada(s) una vez"
                if plan.language == "es"
                else f"{merged} repeated condition(s) counted once",
            ]
        seg_sql = self.segment_sql(plan, as_of)
        # one pass: the funnel's steps, its last one the segment's size, and the first contacts for
        # the preview, so a segment of a million contacts is run once and stays in DuckDB
        funnel, ids = self._funnel_pass(plan, as_of, first=preview)  # the plan is resolved already
        count = funnel[-1].count
        explanation = explain_plan(plan, as_of, currency=self.currency, country=self.country)
        if plan.question == "count":
            sql = f"SELECT count(*) AS contacts\nFROM (\n{seg_sql}\n) AS segment"
            validate(sql, self.schema)  # shown to be run by hand: the count itself came from the pass
            return Answer(
                request=text,
                kind="report",
                as_of=as_of.isoformat(),
                plan=plan.model_dump(mode="json"),
                sql=sql,
                explanation=explanation,
                assumptions=assumptions or [],
                count=count,
                funnel=funnel,
                columns=["contacts"],
                rows=[[count]],
                language=plan.language,
            )
        cols, rows = self.preview(ids[:preview])
        return Answer(
            request=text,
            kind="segment",
            as_of=as_of.isoformat(),
            plan=plan.model_dump(mode="json"),
            sql=seg_sql,
            explanation=explanation,
            assumptions=assumptions or [],
            count=count,
            funnel=funnel,
            columns=cols,
            rows=rows,
            language=plan.language,
        )

    def segment_sql(self, plan: SegmentPlan, as_of: date) -> str:
        """The validated SQL of a resolved segment plan at ``as_of``, reading the stored derived tables."""
        sql = render(use_stored(compile_segment(plan, as_of), self.stored))
        validate(sql, self.schema)
        return sql

    def funnel(self, plan: SegmentPlan, as_of: date) -> list[FunnelStep]:
        """The contacts each top-level condition keeps, saved segments read as at ``as_of``."""
        return self._funnel_pass(self.resolve(plan), as_of)[0]

    def _funnel_pass(
        self, plan: SegmentPlan, as_of: date, first: int = 0
    ) -> tuple[list[FunnelStep], list[str]]:
        """The funnel's steps and, with ``first``, the segment's first contact ids, from one statement."""
        sql = render(use_stored(funnel_select(plan, as_of, first=first), self.stored))
        validate(sql, self.schema)
        _, rows = run_query(self.con, sql, timeout=self.timeout, bounded=True)
        names = funnel_steps(plan)
        values = rows[0][: len(names)]
        ids = [str(i) for i in (rows[0][len(names)] or [])] if first > 0 else []
        labels = self.funnel_labels(plan, as_of)
        steps = [FunnelStep(step=labels.get(n, n), count=int(v)) for n, v in zip(names, values, strict=True)]
        return steps, ids

    def funnel_labels(self, plan: SegmentPlan, as_of: date) -> dict[str, str]:
        lang = plan.language
        shop = {"currency": self.currency, "country": self.country}
        day = day_text(as_of, lang, self.country)
        out = {"contacts": "contactos a " + day if lang == "es" else "contacts on " + day}
        for i, node in enumerate(conjuncts(plan.where), start=1):
            out[f"step_{i}"] = ("+ " if i > 1 else "") + step_label(node, as_of, lang, **shop)
            if isinstance(node, Any_):
                for j, branch in enumerate(node.items, start=1):
                    out[f"step_{i}_any_{j}"] = ("  o " if lang == "es" else "  or ") + step_label(
                        branch, as_of, lang, **shop
                    )
        return out

    def preview(self, ids: list[str]) -> tuple[list[str], list[list[Any]]]:
        """The first contacts of a segment with a few identifying columns."""
        cols = list(PREVIEW_COLUMNS)
        if not ids:
            return cols, []
        sql = (
            f"SELECT {', '.join(cols)} FROM contacts "
            "WHERE contact_id IN (SELECT unnest(CAST(? AS VARCHAR[]))) ORDER BY contact_id"
        )
        rows = self.con.execute(sql, [ids]).fetchall()
        return cols, [list(r) for r in rows]


_P = TypeVar("_P", SegmentPlan, ReportPlan)


def resolve_saved(db: Path, plan: _P) -> _P:
    """``plan`` with each dynamic saved segment it names given its definition from the store.

    A dynamic segment named in a request is then its definition at that request's date, like any
    condition; a static one stays its snapshot's members. Plans without saved segments are
    returned as they are, without reading the store.
    """
    if not any(isinstance(n, SavedSegmentCondition) for n in walk(plan.where)):
        return plan
    from segmenta.warehouse import userstore

    return _with_saved(plan, userstore.definitions(db))


def _with_saved(plan: _P, defs: dict[str, tuple[str, str | None]]) -> _P:
    """``plan`` with the dynamic segments of ``defs`` (``userstore.definitions``) filled in."""
    saved: dict[str, SegmentPlan] = {}
    for name, (kind, raw) in defs.items():
        if kind == "dynamic" and raw:
            try:
                saved[name] = SegmentPlan.model_validate_json(raw)
            except ValueError:  # a plan from another version of segmenta: its members serve
                continue
    return plan.model_copy(update={"where": with_definitions(plan.where, saved)})


def _not_understood(lang: str) -> str:
    if lang == "es":
        return (
            "No he entendido la petición. Prueba con condiciones como 'mujeres de más de 30 de Madrid que "
            "compraron zapatillas en los últimos 6 meses'."
        )
    return (
        "I could not understand the request. Try conditions such as 'women over 30 in Madrid who bought "
        "running shoes in the last 6 months'."
    )


_EVERYONE = frozenset(
    "todos todas toda todo all every everyone everybody entire whole completa entera".split()
)


def _says_everyone(text: str) -> bool:
    """Whether a request with no condition asks for everyone ("todos los contactos", "all customers")."""
    from segmenta.assistant.text import fold

    return any(w in _EVERYONE for w in fold(text).split())


def _unknown_words(lang: str, words: list[str]) -> str:
    w = ", ".join(f"'{x}'" for x in words)
    if lang == "es":
        return f"No sé qué significa {w} en esta tienda: ¿puedes decirlo de otra forma?"
    return f"I do not know what {w} means for this shop: can you say it another way?"


def _no_reports(lang: str) -> str:
    if lang == "es":
        return "Esta petición es un informe y este motor no tiene el Data Explorer cargado."
    return "This request is a report and this engine has no Data Explorer loaded."
