"""One place that answers a request with everything segmenta can do: segments (the assistant's
engine) and reports (the Data Explorer), over one warehouse, with the conversation kept beside it.

The CLI's ``ask`` and the TUI both come here, so they answer the same way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from segmenta.assistant.answer import Answer
from segmenta.assistant.conversation import Conversation
from segmenta.assistant.llm import Mode
from segmenta.assistant.plan import SegmentPlan
from segmenta.errors import SegmentaError, say, speaking
from segmenta.tools.engines import open_engine
from segmenta.tools.intents import Intent
from segmenta.warehouse.store import state_path


class ChoiceError(SegmentaError):
    """``ask N --continue`` with no question to answer or no option N."""


def ask(
    db: Path,
    text: str,
    as_of: date,
    *,
    continue_: bool = False,
    timeout: float = 30.0,
    mode: Mode | None = None,
    remember: bool = False,
) -> Answer:
    """Answer one request; with ``continue_`` it refines the last plan kept beside the warehouse.

    An action about the last segment ("export them for Facebook", "save as VIP Madrid", "draft a
    win-back workflow for them") is carried out on the conversation's last segment. A message of
    an error raised on the way is said in the request's language.
    """
    with speaking(request_language(db, text, continue_=continue_)):
        return _ask(db, text, as_of, continue_=continue_, timeout=timeout, mode=mode, remember=remember)


def request_language(db: Path, text: str, *, continue_: bool = False) -> str:
    """``es`` or ``en``: the language of ``text``, or with ``ask N --continue`` of the question
    back that option N answers (else of the conversation's last request)."""
    from segmenta.assistant.text import detect_language

    if continue_ and text.strip().isdigit():
        try:
            conv = Conversation.load(state_path(db))
        except (OSError, SegmentaError):
            conv = Conversation()  # no conversation to read: the message stays in English
        last = conv.turns[-1].request if conv.turns else ""
        text = str((conv.asked or {}).get("request", "")) or last or text
    return detect_language(text)


def _ask(
    db: Path,
    text: str,
    as_of: date,
    *,
    continue_: bool,
    timeout: float,
    mode: Mode | None,
    remember: bool,
) -> Answer:
    from segmenta.assistant.text import clean_request
    from segmenta.tools.intents import read_intent
    from segmenta.tools.shopwords import add_word, kept_note, read_remember, request_again

    text = clean_request(text)
    path = state_path(db)
    kept = read_remember(text)
    if kept is not None:
        # "recuerda 'tíos' = hombres para esta tienda": kept as a shop word, then the question it
        # answers (the last one back, if it held the word) is asked again, or else the word itself
        added = add_word(db, *kept)
        conv = Conversation.load(path)
        text = request_again(str((conv.asked or {}).get("request", "")), added, text)
        conv, remember = Conversation(), False
        chosen: tuple[str, str] | None = None
        remembered: tuple[str, str] | None = kept
    else:
        intent = read_intent(text)
        if intent is not None:
            return localised(db, act(db, text, intent, Conversation.load(path), as_of))
        conv = Conversation.load(path) if continue_ else Conversation()
        chosen, remembered = None, None
        if continue_ and text.strip().isdigit():
            # "segmenta ask 2 --continue": option 2 of the last question back
            text, chosen = choose(conv, int(text.strip()))
            conv = Conversation()
    with open_engine(db, timeout=timeout, mode=mode) as engine:
        answer = conv.ask(engine, text, as_of)
    if chosen is not None:
        word, value = chosen
        said = f"elegido: '{word}' = {value}" if answer.language == "es" else f"chosen: '{word}' = {value}"
        answer = answer.model_copy(update={"assumptions": [said, *answer.assumptions]})
        if remember and word and answer.answered:
            add_word(db, word, value)
            remembered = (word, value)
    if remembered is not None:
        note = kept_note(answer.language, *remembered)
        answer = answer.model_copy(update={"assumptions": [*answer.assumptions, note]})
    options = [o for c in answer.clarifications for o in c.options]
    conv.asked = (
        {"request": text, "unrecognized": list(answer.unrecognized), "options": options}
        if answer.kind == "clarification"
        else None
    )
    try:
        conv.save(path)
    except OSError:
        pass  # a read-only folder: the answer stands, only ``--continue`` loses its memory
    return localised(db, answer)


def localised(db: Path, answer: Answer) -> Answer:
    """The answer with the shop's country and currency (``[locale]`` of its settings), which its
    numbers and money are shown in."""
    if answer.country:
        return answer
    from segmenta.warehouse.config import shop_locale

    currency, country = shop_locale(db)
    return answer.model_copy(update={"country": country, "currency": currency})


def choose(conv: Conversation, n: int) -> tuple[str, tuple[str, str]]:
    """The request again with option ``n`` (1-based) of the last question back, and the word it
    replaces with the value chosen.

    Raises:
        ChoiceError: there was no question back, or it had no option ``n``.
    """
    from segmenta.tools.choices import option_value, resolve_option

    asked = conv.asked or {}
    options: list[str] = list(asked.get("options", []))
    if not options:
        raise ChoiceError(
            say(
                "the last answer asked no question with options: 'ask N --continue' picks option N of "
                "a question back",
                "la última respuesta no hizo ninguna pregunta con opciones: 'ask N --continue' elige la "
                "opción N de una pregunta",
            )
        )
    if not 1 <= n <= len(options):
        raise ChoiceError(
            say(
                f"option {n} does not exist: the last question had options 1 to {len(options)}",
                f"la opción {n} no existe: la última pregunta tenía las opciones 1 a {len(options)}",
            )
        )
    option = options[n - 1]
    request, words = str(asked.get("request", "")), [str(w) for w in asked.get("unrecognized", [])]
    found = next((w for w in words if w.casefold() in request.casefold()), "")
    return resolve_option(request, words, option), (found, option_value(option))


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
    request = " + ".join(conv.plan_requests())
    from segmenta.locale_text import day_text, integer, locale_id
    from segmenta.warehouse.config import shop_locale

    country = shop_locale(db)[1]
    loc, day = locale_id(lang, country), day_text(as_of, lang, country)
    if intent.action == "export":
        from segmenta.tools.exports import export_audience

        assert plan is not None
        from segmenta.assistant.engine import resolve_saved

        sql = render(compile_segment(resolve_saved(db, plan), as_of))
        report = export_audience(db, sql, intent.arg, as_of=as_of, name=request)
        lines = [
            f"{'fichero' if lang == 'es' else 'file'}: {report.path} ({integer(report.rows, loc)} "
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
            f"guardado como '{saved.name}': {integer(saved.members, loc)} "
            f"{'contacto' if saved.members == 1 else 'contactos'} a {day}"
            if lang == "es"
            else f"saved as '{saved.name}': {integer(saved.members, loc)} "
            f"{'contact' if saved.members == 1 else 'contacts'} on {day}"
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
        f"{d.name}: {integer(d.audience.size, loc)} "
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
