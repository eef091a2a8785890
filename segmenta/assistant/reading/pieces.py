"""The pieces the grammar passes between its stages: quantities read from the text, recognised
items at word positions, behaviour frames being built, clarifications and the parse result.

They live apart from the grammar (``segmenta.assistant.parser``) and the assembly
(``segmenta.assistant.assemble``) so both import them one way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from segmenta.assistant.plan import Compare, ProductMatch, ReportPlan, SegmentPlan, Window

Lang = Literal["es", "en"]


@dataclass
class Quantity:
    """A comparison read from the text: ``op value [value2]`` with what it counts."""

    op: str
    value: float
    value2: float | None = None
    unit: str | None = None  # money | years | orders | units | days | percent | None
    currency: str | None = None

    def compare(self) -> Compare:
        return Compare(op=self.op, value=self.value, value2=self.value2)  # type: ignore[arg-type]


@dataclass
class Item:
    """One recognised piece, at a word position."""

    pos: int
    end: int
    kind: str
    data: Any = None


@dataclass
class Frame:
    """A behaviour condition being built: a verb and what follows it in its clause."""

    family: str
    detail: str
    pos: int
    negated: bool = False
    never: bool = False
    window: Window | None = None
    window_own: bool = False
    product: ProductMatch | None = None
    product_text: str = ""
    qty: list[Quantity] = field(default_factory=list)
    attrs: dict[str, list[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    joiner: str = "and"
    text_end: int = 0
    qty_flags: dict[str, Compare] = field(default_factory=dict)
    also: list[ProductMatch] = field(default_factory=list)


@dataclass
class Clarification:
    """A question back to the marketer, with the closest catalog values as options."""

    question: str
    options: list[str] = field(default_factory=list)
    # an operator word opening the request ("ahora solo ..."): a follow-up may take it as its own
    opener: str | None = None


@dataclass
class ParseResult:
    """What the parser made of a request."""

    plan: SegmentPlan | ReportPlan | None
    language: Lang
    unrecognized: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    clarifications: list[Clarification] = field(default_factory=list)
    free_window: Window | None = None  # a window that no condition took ("same but last 6 months")
    ignored: list[str] = field(default_factory=list)  # words that carry no condition (shown, never hidden)
    rewritten: list[tuple[str, str]] = field(default_factory=list)  # chat typing read as ("q", "que")


_OPERATOR_QUESTIONS = {
    "negation": ("no sé a qué condición se aplica la negación '{w}'", "I could not tell what '{w}' negates"),
    "only": ("no sé a qué se aplica '{w}'", "I could not tell what '{w}' applies to"),
    "also": ("no sé qué condición añade '{w}'", "I could not tell what condition '{w}' adds"),
    "again": ("no sé qué se repite con '{w}'", "I could not tell what is repeated with '{w}'"),
    "or": ("no sé qué opciones une '{w}'", "I could not tell which options '{w}' joins"),
    "except": ("no sé qué excluye '{w}'", "I could not tell what '{w}' excludes"),
    "comparison": (
        "no sé qué compara '{w}' ni con qué número",
        "I could not tell what '{w}' compares, or with what",
    ),
    "between": ("no sé entre qué valores es '{w}'", "I could not tell the two values of '{w}'"),
    "per": ("no sé por qué dimensión agrupar con '{w}'", "I could not tell what to break down by with '{w}'"),
    "versus": ("no sé qué se compara con '{w}'", "I could not tell what '{w}' compares"),
    "same": ("no sé qué debe ser '{w}'", "I could not tell what must be the '{w}'"),
    "sequence": (
        "no sé qué orden en el tiempo indica '{w}'",
        "I could not tell what order in time '{w}' sets",
    ),
}


def operator_question(word: str, op: str, lang: str) -> str:
    es, en = _OPERATOR_QUESTIONS.get(op, _OPERATOR_QUESTIONS["only"])
    q = (es if lang == "es" else en).format(w=word)
    tail = (
        ": no respondo sin ella, ¿puedes decirlo de otra forma?"
        if lang == "es"
        else ": I will not answer without it. Can you say it another way?"
    )
    return q[:1].upper() + q[1:] + tail
