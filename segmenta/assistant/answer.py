"""The answer to one request, exactly the ``ask --json`` contract of ARCHITECTURE.md.

``clarifications`` (questions with the closest catalog values) and ``language`` are additions
beside the contract's keys; scripts that read only the contract's keys are unaffected.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AnswerKind = Literal["segment", "report", "export", "workflow", "clarification", "not_understood"]


class FunnelStep(BaseModel):
    """Contacts left after one AND-ed condition (or the size of one OR branch)."""

    model_config = ConfigDict(frozen=True)

    step: str
    count: int


class ClarificationOut(BaseModel):
    """A question back to the marketer and the options to pick from."""

    model_config = ConfigDict(frozen=True)

    question: str
    options: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """One answer: what was understood, the SQL that ran, the numbers and the rows."""

    model_config = ConfigDict(frozen=True)

    request: str
    kind: AnswerKind
    as_of: str
    plan: dict[str, Any] | None = None
    sql: str | None = None
    # on a server warehouse: the same statement as the server ran it (its dialect); sql stays the
    # validated statement in segmenta's own dialect, the one a follow-up or an export builds on
    engine_sql: str | None = None
    engine: str | None = None  # that server: "Postgres", "Spark" (None: the DuckDB file)
    explanation: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    unrecognized: list[str] = Field(default_factory=list)
    ignored: list[str] = Field(default_factory=list)
    count: int | None = None
    funnel: list[FunnelStep] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    clarifications: list[ClarificationOut] = Field(default_factory=list)
    language: Literal["es", "en"] = "en"
    # where the shop is: the locale of numbers and money a person reads (JSON values stay raw)
    country: str = ""
    currency: str = "EUR"

    @property
    def locale(self) -> str:
        """The CLDR locale a person reads this answer in: its language in the shop's country."""
        from segmenta.locale_text import locale_id

        return locale_id(self.language, self.country)

    @property
    def answered(self) -> bool:
        return self.kind not in ("clarification", "not_understood")

    def contract(self) -> dict[str, Any]:
        """The JSON object ``ask --json`` prints."""
        return self.model_dump(mode="json")
