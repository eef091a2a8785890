"""Engines over one warehouse that can also run reports: the assistant's engine (rules, or the
language model) handed the Data Explorer's report runner. ``segmenta.tools.ask`` and the tools that
answer a request on their own (saved segments, workflow drafts) open their engine here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from segmenta.assistant.answer import Answer
from segmenta.assistant.engine import Engine
from segmenta.assistant.llm import Mode
from segmenta.assistant.plan import ReportPlan
from segmenta.assistant.validator import validate
from segmenta.assistant.windows import describe_window
from segmenta.warehouse.store import run_query


def open_engine(db: Path, *, timeout: float = 30.0, mode: Mode | None = None) -> Engine:
    """An engine over ``db`` that can also run reports.

    ``mode``: ``rules`` (the embedded engine), ``llm`` or ``auto`` (the rules first, the language model
    when they leave words unrecognised); None reads the setting (``SEGMENTA_ENGINE``, ``[llm]`` in the
    config beside the warehouse), which is ``rules`` unless a model is configured.
    """
    from segmenta.assistant.llm import LlmEngine, load_settings

    settings = load_settings(db)
    chosen = mode or settings.engine
    if chosen == "rules":
        return Engine(db, timeout=timeout, report_runner=run_report)
    return LlmEngine(db, mode=chosen, settings=settings, timeout=timeout, report_runner=run_report)


_LEFT_OUT_WHY = {
    "workflow": (" (p. ej. envíos puntuales sin workflow)", " (e.g. one-off messages outside workflows)"),
    "rfm_segment": (" (contactos sin compras completadas)", " (contacts with no completed purchase)"),
    "store": (" (p. ej. pedidos online)", " (e.g. online orders)"),
}
"""Why a dimension's rows may have no value, said after how many are left out (no guess for others)."""


def run_report(engine: Engine, text: str, plan: ReportPlan, as_of: date, assumptions: list[str]) -> Answer:
    """Compile, validate and run a report plan; explain each metric's formula and the window."""
    from segmenta.assistant.compiler import use_stored
    from segmenta.tools.metrics import check, metric_formula
    from segmenta.tools.report import compile_report, excluded_sql, partial_buckets, render

    lang = plan.language
    problems = check(plan)
    if problems:
        from segmenta.assistant.answer import ClarificationOut

        return Answer(
            request=text,
            kind="clarification",
            as_of=as_of.isoformat(),
            plan=plan.model_dump(mode="json"),
            assumptions=assumptions,
            language=lang,
            clarifications=[ClarificationOut(question=p) for p in problems],
        )
    sql = render(use_stored(compile_report(plan, as_of), engine.stored))
    validate(sql, engine.schema)
    cols, rows = run_query(engine.con, sql, timeout=engine.timeout, bounded=True)
    if rows:
        assumptions = [*assumptions, *partial_buckets(plan, as_of, engine.country)]
    explanation = [metric_formula(m, lang) for m in plan.metrics]
    if plan.window is not None:
        explanation.append(
            ("periodo: " if lang == "es" else "period: ")
            + describe_window(plan.window, as_of, lang, engine.country)
        )
    else:
        explanation.append(
            ("periodo: todo hasta " if lang == "es" else "period: everything up to ") + as_of.isoformat()
        )
    if plan.compare_window is not None:
        explanation.append(
            ("comparado con: " if lang == "es" else "compared with: ")
            + describe_window(plan.compare_window, as_of, lang)
        )
    if plan.where is not None:
        from segmenta.assistant.explainer import explain_condition

        explanation.append(
            ("solo contactos con: " if lang == "es" else "only contacts with: ")
            + explain_condition(plan.where, as_of, lang, currency=engine.currency, country=engine.country)
        )
    ex = excluded_sql(plan, as_of)
    if ex is not None:
        ex_sql = render(use_stored(ex, engine.stored))
        validate(ex_sql, engine.schema)
        _, ex_rows = run_query(engine.con, ex_sql, timeout=engine.timeout, bounded=True)
        from segmenta.locale_text import integer, locale_id
        from segmenta.tools.metrics import DIMENSIONS

        loc = locale_id(lang, engine.country)
        for dim, left_out in zip(plan.dimensions, ex_rows[0] if ex_rows else [], strict=False):
            if left_out:
                name = DIMENSIONS[dim].label(lang) if dim in DIMENSIONS else dim
                why_es, why_en = _LEFT_OUT_WHY.get(dim, ("", ""))
                explanation.append(
                    f"{integer(int(left_out), loc)} filas sin {name} no aparecen{why_es}"
                    if lang == "es"
                    else f"{integer(int(left_out), loc)} rows with no {name} are left out{why_en}"
                )
    single = len(rows) == 1 and len(cols) == 1 and isinstance(rows[0][0], int)
    count = int(rows[0][0]) if single else None
    return Answer(
        request=text,
        kind="report",
        as_of=as_of.isoformat(),
        plan=plan.model_dump(mode="json"),
        sql=sql,
        explanation=explanation,
        assumptions=assumptions,
        count=count,
        columns=cols,
        rows=[list(r) for r in rows],
        language=lang,
        country=engine.country,
        currency=engine.currency,
    )
