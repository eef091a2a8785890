"""Conversation state: follow-ups that refine the previous plan.

"ahora solo mujeres", "and only in Madrid", "quita la condición de RFM", "same but last 6 months",
"¿y cuántos de ellos abrieron un email?" change the last plan instead of starting over. A request
with no follow-up marker starts a new plan. The state is plain JSON, so ``ask --continue`` can keep
it beside the warehouse between two commands.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segmenta.assistant.plan import (
    All,
    Any_,
    AttributeCondition,
    LeadScoreCondition,
    MessageCondition,
    MetricCondition,
    Node,
    Not,
    PurchaseCondition,
    ReportPlan,
    RfmCondition,
    SegmentPlan,
    WebCondition,
    Window,
    conjuncts,
)
from segmenta.assistant.text import fold

if TYPE_CHECKING:
    from segmenta.assistant.answer import Answer
    from segmenta.assistant.engine import Engine
    from segmenta.assistant.reading.pieces import ParseResult

_FOLLOW = re.compile(
    r"^(ahora|now|y|and|e|solo|sólo|only|just|tambien|también|also|ademas|además|pero|but|same|lo mismo|"
    r"igual|de ellos|de ellas|of them|of those|de esos|de esas|those|esos|esas|quita|quitar|elimina|"
    r"eliminar|remove|drop|delete|borra|cambia|change|excluye|exclude|add|añade|anade|agrega|mismo|"
    r"cuantos de|cuantas de|how many of)\b"
)
_REMOVE = re.compile(
    r"\b(quita|quitar|quitale|elimina|eliminar|borra|remove|drop|delete|sin la condicion|"
    r"without the|olvida|forget)\b"
)
_PRONOUN = re.compile(
    r"\b(de ellos|de ellas|of them|of those|de esos|de esas|de estos|de estas|them|ellos)\b"
)

# words naming a kind of condition, for "remove the X condition"
_KINDS: dict[str, tuple[str, ...]] = {
    "rfm": ("rfm", "recencia", "recency", "frecuencia", "frequency", "segmento rfm"),
    "age": ("edad", "age", "anos", "years"),
    "gender": ("genero", "gender", "sexo", "sex", "hombres", "mujeres", "men", "women"),
    "place": (
        "ciudad",
        "city",
        "pais",
        "country",
        "region",
        "provincia",
        "province",
        "ubicacion",
        "location",
        "lugar",
        "place",
    ),
    "purchase": (
        "compra",
        "compras",
        "purchase",
        "purchases",
        "bought",
        "producto",
        "product",
        "pedido",
        "orders",
        "gasto",
        "spend",
        "spent",
        "pago",
        "payment",
    ),
    "web": ("web", "visita", "visit", "carrito", "cart", "busqueda", "search", "vistas", "views"),
    "message": (
        "email",
        "emails",
        "correo",
        "sms",
        "push",
        "mensaje",
        "message",
        "apertura",
        "opened",
        "workflow",
        "campana",
        "campaign",
    ),
    "consent": ("consentimiento", "consent", "suscripcion", "subscription", "suscrito", "subscribed"),
    "lead": ("lead", "puntuacion", "score", "scoring"),
}


def _kind(node: Node) -> set[str]:
    if isinstance(node, Not):
        return _kind(node.item)
    if isinstance(node, (All, Any_)):
        out: set[str] = set()
        for x in node.items:
            out |= _kind(x)
        return out
    if isinstance(node, RfmCondition):
        return {"rfm"}
    if isinstance(node, LeadScoreCondition):
        return {"lead"}
    if isinstance(node, (PurchaseCondition, MetricCondition)):
        return {"purchase"}
    if isinstance(node, WebCondition):
        return {"web"}
    if isinstance(node, MessageCondition):
        return {"message"}
    if isinstance(node, AttributeCondition):
        if node.field == "age":
            return {"age"}
        if node.field == "gender":
            return {"gender"}
        if node.field in ("city", "region", "country", "postal_code"):
            return {"place"}
        if node.field.endswith("_subscribed") or node.field == "ads_consent":
            return {"consent"}
    return {"other"}


def _field_key(node: Node) -> str | None:
    """Conditions with the same key replace each other in a refinement ("ahora solo mujeres")."""
    if isinstance(node, AttributeCondition):
        return f"attr:{node.field}"
    if isinstance(node, RfmCondition):
        return "rfm"
    if isinstance(node, LeadScoreCondition):
        return "lead"
    if isinstance(node, MetricCondition):
        return f"metric:{node.metric}"
    return None


def _with_window(node: Node, w: Window) -> Node:
    """The same condition tree with every behaviour window replaced by ``w``."""
    if isinstance(node, (PurchaseCondition, WebCondition, MessageCondition)):
        return node.model_copy(update={"window": w})
    if isinstance(node, Not):
        inner = node.item
        if isinstance(inner, PurchaseCondition | WebCondition | MessageCondition) and inner.window is None:
            return node  # "never bought" stays all-time
        return node.model_copy(update={"item": _with_window(inner, w)})
    if isinstance(node, (All, Any_)):
        return node.model_copy(update={"items": [_with_window(x, w) for x in node.items]})
    return node


def _and(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else All(items=items)


_KIND_NAMES_ES = {
    "rfm": "RFM",
    "age": "edad",
    "gender": "género",
    "place": "lugar",
    "purchase": "compra",
    "web": "comportamiento web",
    "message": "mensajes",
    "consent": "consentimiento",
    "lead": "lead score",
}
_KIND_NAMES_EN = {
    "rfm": "RFM",
    "age": "age",
    "gender": "gender",
    "place": "place",
    "purchase": "purchase",
    "web": "web behaviour",
    "message": "messages",
    "consent": "consent",
    "lead": "lead score",
}


class NothingToRemove(Exception):
    """ "quita la condición de edad" when the segment has no age condition."""

    def __init__(self, kinds: str, es: bool) -> None:
        super().__init__(kinds)
        self.kinds = kinds
        self.es = es


@dataclass
class Turn:
    """One request of the conversation and the plan it left."""

    request: str
    plan: dict[str, Any] | None
    kind: str
    refined: bool = False
    """Whether it refined the plan before it ("ahora solo mujeres") rather than starting over."""


@dataclass
class Conversation:
    """The last plan and the turns so far; ``ask`` refines or starts over."""

    plan: SegmentPlan | ReportPlan | None = None
    turns: list[Turn] = field(default_factory=list)
    # the last answer's question back, for "segmenta ask N --continue": request, words, options
    asked: dict[str, Any] | None = None

    def ask(self, engine: Engine, text: str, as_of: date) -> Answer:
        """Answer ``text``, as a refinement of the last plan when it reads as a follow-up."""
        from segmenta.assistant.text import clean_request

        text = clean_request(text)
        result = engine.parse(text)
        try:
            refined = self.refine(text, result) if self.plan is not None else None
        except NothingToRemove as e:
            from segmenta.assistant.answer import Answer, ClarificationOut

            question = (
                f"El segmento actual no tiene ninguna condición de {e.kinds}: no hay nada que quitar."
                if e.es
                else f"The current segment has no {e.kinds} condition: there is nothing to remove."
            )
            return Answer(
                request=text,
                kind="clarification",
                as_of=as_of.isoformat(),
                plan=self.plan.model_dump(mode="json") if self.plan else None,
                language="es" if e.es else "en",
                clarifications=[ClarificationOut(question=question)],
            )
        if refined is not None:
            plan, note = refined
            answer = engine.run_plan(text, plan, as_of, assumptions=[note, *result.assumptions])
            answer = engine.note_data_end(answer, as_of)
        else:
            answer = engine.answer_parsed(text, result, as_of)
            if answer.answered and result.plan is not None:
                plan = result.plan  # type: ignore[assignment]
            else:
                self.turns.append(Turn(text, answer.plan, answer.kind))
                return answer
        self.plan = plan
        self.turns.append(Turn(text, plan.model_dump(mode="json"), answer.kind, refined is not None))
        return answer

    def plan_requests(self) -> list[str]:
        """The requests that made the current plan, first to last: the one that started it, then
        each refinement ("mujeres de Madrid", "solo las de +30")."""
        out: list[str] = []
        for turn in reversed(self.turns):
            if turn.plan is None or turn.kind == "clarification":
                continue
            out.append(turn.request)
            if not turn.refined:
                break
        return out[::-1]

    def refine(self, text: str, result: ParseResult) -> tuple[SegmentPlan, str] | None:
        """The last plan changed by a follow-up, with a note saying how; None for a new request."""
        if not isinstance(self.plan, SegmentPlan):
            return None
        f = fold(text)
        if not (_FOLLOW.search(f) or _PRONOUN.search(f)):
            return None
        es = result.language == "es"
        # "ahora solo mujeres", "and also in Madrid": the opening operator is the follow-up's own word
        openers = {c.opener for c in result.clarifications if c.opener}
        if openers:
            result = replace(
                result,
                unrecognized=[u for u in result.unrecognized if u not in openers],
                clarifications=[c for c in result.clarifications if not c.opener],
            )
        base = conjuncts(self.plan.where)
        if _REMOVE.search(f):
            kinds = {k for k, words in _KINDS.items() if any(re.search(rf"\b{w}\b", f) for w in words)}
            if not kinds:
                return None
            kept = [n for n in base if not (_kind(n) & kinds)]
            if len(kept) == len(base):
                names = _KIND_NAMES_ES if es else _KIND_NAMES_EN
                raise NothingToRemove(", ".join(names.get(k, k) for k in sorted(kinds)), es)
            note = ("quitada la condición: " if es else "removed the condition: ") + ", ".join(sorted(kinds))
            return self.plan.model_copy(update={"where": _and(kept), "question": "list"}), note
        new = result.plan if isinstance(result.plan, SegmentPlan) else None
        added = conjuncts(new.where) if new is not None else []
        # "same but last 6 months": only a window was given
        if not added and result.free_window is not None:
            w = result.free_window
            where = _with_window(self.plan.where, w) if self.plan.where is not None else None
            note = ("mismo segmento con la ventana " if es else "same segment with the window ") + w.text
            return self.plan.model_copy(update={"where": where}), note
        if new is None:
            return None
        if result.unrecognized or not added:
            return None
        keys = {_field_key(n) for n in added} - {None}
        kept = [n for n in base if _field_key(n) not in keys]
        question = new.question
        note = "refinado el segmento anterior" if es else "refined the previous segment"
        if len(kept) < len(base):
            note += (
                " (sustituida una condición del mismo tipo)"
                if es
                else " (a condition of the same kind replaced)"
            )
        return SegmentPlan(where=_and(kept + added), question=question, language=result.language), note

    # ----------------------------------------------------------------- persistence
    def to_json(self) -> str:
        return json.dumps(
            {
                "plan": self.plan.model_dump(mode="json") if self.plan else None,
                "turns": [t.__dict__ for t in self.turns[-20:]],
                "asked": self.asked,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        data = json.loads(text)
        raw = data.get("plan")
        plan: SegmentPlan | ReportPlan | None = None
        if raw:
            plan = (
                ReportPlan.model_validate(raw)
                if raw.get("kind") == "report"
                else SegmentPlan.model_validate(raw)
            )
        asked = data.get("asked") if isinstance(data.get("asked"), dict) else None
        return cls(plan=plan, turns=[Turn(**t) for t in data.get("turns", [])], asked=asked)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Conversation:
        if not path.exists():
            return cls()
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError):
            return cls()
