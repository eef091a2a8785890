"""One place that answers a request with everything segmenta can do: segments (the assistant's
engine) and reports (the Data Explorer), over one warehouse, with the conversation kept beside it.

The CLI's ``ask`` and the TUI both come here, so they answer the same way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from segmenta.assistant.answer import Answer
from segmenta.assistant.conversation import Conversation
from segmenta.assistant.engine import Engine
from segmenta.assistant.llm import Mode
from segmenta.assistant.plan import ReportPlan, SegmentPlan
from segmenta.assistant.validator import validate
from segmenta.assistant.windows import describe_window
from segmenta.tools.intents import Intent
from segmenta.warehouse.store import run_query, state_path


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


def run_report(engine: Engine, text: str, plan: ReportPlan, as_of: date, assumptions: list[str]) -> Answer:
    """Compile, validate and run a report plan; explain each metric's formula and the window."""
    from segmenta.tools.metrics import check, metric_formula
    from segmenta.tools.report import compile_report, excluded_sql, render

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
    sql = render(compile_report(plan, as_of))
    validate(sql, engine.schema)
    cols, rows = run_query(engine.con, sql, timeout=engine.timeout)
    explanation = [metric_formula(m, lang) for m in plan.metrics]
    if plan.window is not None:
        explanation.append(
            ("periodo: " if lang == "es" else "period: ") + describe_window(plan.window, as_of, lang)
        )
    else:
        explanation.append(
            ("periodo: todo hasta " if lang == "es" else "period: everything up to ") + as_of.isoformat()
        )
    if plan.where is not None:
        from segmenta.assistant.explainer import explain_condition

        explanation.append(
            ("solo contactos con: " if lang == "es" else "only contacts with: ")
            + explain_condition(plan.where, as_of, lang)
        )
    ex = excluded_sql(plan, as_of)
    if ex is not None:
        ex_sql = render(ex)
        validate(ex_sql, engine.schema)
        _, ex_rows = run_query(engine.con, ex_sql, timeout=engine.timeout)
        for dim, left_out in zip(plan.dimensions, ex_rows[0] if ex_rows else [], strict=False):
            if left_out:
                explanation.append(
                    f"{int(left_out):,} filas sin {dim} no aparecen (p. ej. envíos puntuales sin workflow)"
                    if lang == "es"
                    else f"{int(left_out):,} rows with no {dim} are left out (e.g. one-off messages "
                    "outside workflows)"
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
    )


def ask(
    db: Path,
    text: str,
    as_of: date,
    *,
    continue_: bool = False,
    timeout: float = 30.0,
    mode: Mode | None = None,
) -> Answer:
    """Answer one request; with ``continue_`` it refines the last plan kept beside the warehouse.

    An action about the last segment ("export them for Facebook", "save as VIP Madrid", "draft a
    win-back workflow for them") is carried out on the conversation's last segment.
    """
    from segmenta.tools.intents import read_intent

    path = state_path(db)
    intent = read_intent(text)
    if intent is not None:
        return act(db, text, intent, Conversation.load(path), as_of)
    conv = Conversation.load(path) if continue_ else Conversation()
    with open_engine(db, timeout=timeout, mode=mode) as engine:
        answer = conv.ask(engine, text, as_of)
    try:
        conv.save(path)
    except OSError:
        pass  # a read-only folder: the answer stands, only ``--continue`` loses its memory
    return answer


def act(db: Path, text: str, intent: Intent, conv: Conversation, as_of: date) -> Answer:
    """Carry out an export, a save or a workflow draft on the conversation's last segment."""
    from segmenta.assistant.answer import ClarificationOut
    from segmenta.assistant.compiler import compile_segment, render
    from segmenta.assistant.text import detect_language

    lang = detect_language(text)
    plan = conv.plan if isinstance(conv.plan, SegmentPlan) else None
    if plan is None and intent.action != "workflow":
        question = (
            "Primero pide un segmento (por ejemplo 'mujeres de Madrid'); luego puedo exportarlo o guardarlo."
            if lang == "es"
            else "Ask for a segment first (for example 'women in Madrid'); then I can export or save it."
        )
        return Answer(
            request=text,
            kind="clarification",
            as_of=as_of.isoformat(),
            language=lang,
            clarifications=[ClarificationOut(question=question)],
        )
    request = conv.turns[-1].request if conv.turns else ""
    if intent.action == "export":
        from segmenta.tools.exports import export_audience

        assert plan is not None
        sql = render(compile_segment(plan, as_of))
        report = export_audience(db, sql, intent.arg, as_of=as_of)
        lines = [
            f"{'fichero' if lang == 'es' else 'file'}: {report.path} ({report.rows:,} "
            f"{'filas' if lang == 'es' else 'rows'})",
            *report.warnings,
        ]
        return Answer(
            request=text,
            kind="export",
            as_of=as_of.isoformat(),
            plan=plan.model_dump(mode="json"),
            sql=sql,
            explanation=lines,
            count=report.rows,
            files=[str(report.path)],
            language=lang,
        )
    if intent.action == "save":
        from segmenta.tools.segments import save

        assert plan is not None
        saved = save(db, intent.arg, plan=plan, request=request, static=False, as_of=as_of)
        line = (
            f"guardado como '{saved.name}': {saved.members:,} contactos a {as_of.isoformat()}"
            if lang == "es"
            else f"saved as '{saved.name}': {saved.members:,} contacts on {as_of.isoformat()}"
        )
        return Answer(
            request=text,
            kind="segment",
            as_of=as_of.isoformat(),
            plan=plan.model_dump(mode="json"),
            explanation=[line],
            count=saved.members,
            language=lang,
        )
    from segmenta.tools.workflows import draft, save_json

    d = draft(db, text, as_of, use_last=plan is not None)
    out = Path.cwd() / f"segmenta-workflow-{d.kind}-{as_of.isoformat()}.json"
    save_json(d, out)
    lines = [
        f"{d.name}: {d.audience.size:,} "
        + ("contactos en la audiencia" if lang == "es" else "contacts in the audience")
    ]
    lines += [f"{n.label}" for n in d.nodes]
    return Answer(
        request=text,
        kind="workflow",
        as_of=as_of.isoformat(),
        explanation=lines,
        assumptions=d.assumptions,
        count=d.audience.size,
        files=[str(out)],
        language=lang,
    )
