"""The optional language-model backend: any langchain chat model fills the same Plan, never SQL.

The rule parser is the default and the fallback. When a model is configured, it widens what
segmenta understands: the request, the warehouse's schema (read from the warehouse), the
semantics of DATA_MODEL and the catalog values the request may name (found by the rules' own
linking) go to the model, which answers through structured output into :class:`PlanAnswer`, a
wrapper around the typed Plan. The answer is parsed into the Plan or rejected with a clear
message, every catalog value is checked by :mod:`segmenta.assistant.llm_guard`, and the Plan then
takes the engine's usual path (compile, validate, run, explain). No contact row is ever sent:
only table and column names, semantics and catalog values.

Modes: ``rules`` (the rule parser only), ``llm`` (the model, the rules when it fails) and ``auto``
(the rules first; the model when they leave words unrecognized or ask back). A failure of the
model (timeout, rate limit, server error, malformed JSON, refusal) never fails the request: the
rules answer it, with a note saying why. Settings come from the environment (``OPENAI_BASE_URL``,
``OPENAI_API_KEY``, ``SEGMENTA_LLM_MODEL``, ``SEGMENTA_ENGINE``) or the ``[llm]`` section of the
TOML config beside the warehouse. langchain-openai is an optional extra, imported only when used.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from segmenta.assistant import lexicon_report
from segmenta.assistant.catalog import Catalog, content_words
from segmenta.assistant.conversation import Conversation
from segmenta.assistant.engine import Engine, ReportRunner
from segmenta.assistant.llm_guard import check_plan
from segmenta.assistant.plan import Plan, SegmentPlan
from segmenta.assistant.reading.pieces import Clarification, ParseResult
from segmenta.assistant.text import detect_language
from segmenta.errors import ConfigError, SegmentaError
from segmenta.warehouse.schema import META_TABLE
from segmenta.warehouse.store import config_path, state_path

if TYPE_CHECKING:
    from segmenta.assistant.answer import Answer

Mode = Literal["rules", "llm", "auto"]
Method = Literal["function_calling", "json_schema"]
MODES: tuple[Mode, ...] = ("rules", "llm", "auto")
TOOL_NAME = "segmenta_plan"
SMALL_FIELD = 15  # a catalog field with at most this many values is listed whole
LISTED_FIELD = 60  # product categories, subcategories and brands are listed whole up to this many
LINK_SCORE = 80.0  # catalog values linked from the request's words with at least this score go in
_SKIPPED_FIELDS = frozenset({"workflow_id", "postal_prefix", "custom_field"})
_NOT_JSON = "the model's answer is not valid JSON for a Plan"


class LlmError(SegmentaError):
    """The language model could not give a Plan; the rules answer instead."""

    title = "Language model"


class LlmUnavailable(LlmError):
    """No model configured or reachable: timeouts, rate limits, server and connection errors."""


class LlmOutputError(LlmError):
    """The model answered, but not with a Plan: malformed JSON, a refusal, a shape the Plan rejects."""


class PlanAnswer(BaseModel):
    """segmenta's reading of the request: the Plan, the words it could not map, a question back."""

    model_config = ConfigDict(extra="forbid")

    plan: Plan | None = Field(default=None, description="the request as a segmenta Plan")
    unrecognized: list[str] = Field(
        default_factory=list, description="words of the request that no field or catalog value explains"
    )
    question: str | None = Field(
        default=None, description="a question back to the marketer when the request is ambiguous"
    )


@dataclass(frozen=True)
class LlmSettings:
    """Which model to call and how; ``model`` None means no model is configured."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    engine: Mode = "rules"
    timeout: float = 30.0
    max_retries: int = 1
    method: Method = "function_calling"
    temperature: float = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.model)


_FILE_KEYS = {"model", "base_url", "api_key", "engine", "timeout", "max_retries", "method", "temperature"}
_ENV = {
    "OPENAI_BASE_URL": "base_url",
    "OPENAI_API_KEY": "api_key",
    "SEGMENTA_LLM_MODEL": "model",
    "SEGMENTA_ENGINE": "engine",
    "SEGMENTA_LLM_TIMEOUT": "timeout",
}


def load_settings(db: Path | None = None, environ: Mapping[str, str] | None = None) -> LlmSettings:
    """The LLM settings: the ``[llm]`` section of the config beside ``db``, then the environment.

    ``engine`` defaults to ``auto`` when a model is configured and to ``rules`` otherwise.

    Raises:
        ConfigError: the file is not valid TOML or its ``[llm]`` section has an unknown key or value.
    """
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    where = "the environment"
    if db is not None and config_path(db).exists():
        path = config_path(db)
        where = f"{path} [llm]"
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("llm", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
            raise ConfigError(f"{path}: cannot be read as TOML: {e}") from e
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [llm] must be a table")
        unknown = sorted(set(section) - _FILE_KEYS)
        if unknown:
            known = ", ".join(sorted(_FILE_KEYS))
            raise ConfigError(f"{where}: unknown key {unknown[0]!r}; known keys: {known}")
        raw.update(section)
    raw.update({key: env[name] for name, key in _ENV.items() if env.get(name)})
    raw.setdefault("engine", "auto" if raw.get("model") else "rules")
    if raw["engine"] not in MODES:
        raise ConfigError(f"{where}: engine must be one of {', '.join(MODES)}, not {raw['engine']!r}")
    if raw.get("method", "function_calling") not in ("function_calling", "json_schema"):
        raise ConfigError(f"{where}: method must be function_calling or json_schema, not {raw['method']!r}")
    try:
        return LlmSettings(
            model=str(raw["model"]) if raw.get("model") else None,
            base_url=str(raw["base_url"]) if raw.get("base_url") else None,
            api_key=str(raw["api_key"]) if raw.get("api_key") else None,
            engine=raw["engine"],
            method=raw.get("method", "function_calling"),
            timeout=float(raw.get("timeout", 30.0)),
            max_retries=int(raw.get("max_retries", 1)),
            temperature=float(raw.get("temperature", 0.0)),
        )
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: timeout, max_retries and temperature must be numbers ({e})") from e


# ---------------------------------------------------------------------- the prompt
@lru_cache(maxsize=8)
def prompt_text(name: str) -> str:
    """A prompt file of ``segmenta/prompts``."""
    return (resources.files("segmenta") / "prompts" / name).read_text(encoding="utf-8")


def schema_section(schema: Mapping[str, Mapping[str, str]], catalog: Catalog) -> str:
    """The warehouse's tables and column types (no rows) and its custom contact fields."""
    tables = "\n".join(
        f"- {t}: " + ", ".join(f"{c} {ty}" for c, ty in cols.items())
        for t, cols in sorted(schema.items())
        if t != META_TABLE
    )
    custom = sorted(catalog.values.get("custom_field", {}))
    return Template(prompt_text("schema.txt")).substitute(
        tables=tables, custom_fields=", ".join(custom) or "none"
    )


def relevant_values(catalog: Catalog, text: str) -> dict[str, list[str]]:
    """The catalog values a request may name: linked from its words (spans of 1 to 3 words), and
    every value of the fields that have few (payment methods, channels, categories ...)."""
    lang = detect_language(text)
    out: dict[str, dict[str, None]] = {}
    for f, vals in catalog.values.items():
        limit = LISTED_FIELD if f in ("category", "subcategory", "brand") else SMALL_FIELD
        if f not in _SKIPPED_FIELDS and 0 < len(vals) <= limit:
            out.setdefault(f, {}).update(dict.fromkeys(sorted(vals)))
    words = content_words(text)[:60]
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            for lk in catalog.link(" ".join(words[i : i + size]), lang=lang)[:8]:
                if lk.score >= LINK_SCORE and lk.field not in _SKIPPED_FIELDS:
                    out.setdefault(lk.field, {})[lk.value] = None
    return {f: list(vals) for f, vals in sorted(out.items())}


def catalog_section(catalog: Catalog, text: str) -> str:
    values = relevant_values(catalog, text)
    lines = "\n".join(f"- {f}: {json.dumps(v, ensure_ascii=False)}" for f, v in values.items())
    return Template(prompt_text("catalog.txt")).substitute(values=lines or "- (no values)")


def build_system_prompt(engine: Engine, text: str) -> str:
    """The system message for one request: semantics, schema, relevant catalog values, examples."""
    return Template(prompt_text("system.txt")).substitute(
        schema=schema_section(engine.schema, engine.catalog),
        catalog=catalog_section(engine.catalog, text),
        metrics=", ".join(lexicon_report.METRICS),
        dimensions=", ".join(lexicon_report.DIMENSIONS),
        saved=", ".join(engine.saved_segment_names()) or "none",
        examples=prompt_text("examples.txt").strip(),
    )


@lru_cache(maxsize=1)
def plan_schema() -> dict[str, Any]:
    """The JSON schema of :class:`PlanAnswer`, with its ``$defs`` kept (the Plan is recursive)."""
    return cast(dict[str, Any], _drop_titles(PlanAnswer.model_json_schema()))


def _drop_titles(node: Any, names: bool = False) -> Any:
    """The schema without its ``title`` annotations (``names``: the keys are property names, kept)."""
    if isinstance(node, dict):
        return {
            k: _drop_titles(v, k == "properties")
            for k, v in node.items()
            if names or not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_drop_titles(v) for v in node]
    return node


def output_spec(method: Method) -> dict[str, Any]:
    """What ``with_structured_output`` is given: an OpenAI tool, or a named JSON schema."""
    description = "Give segmenta's reading of the marketer's request as a typed Plan."
    if method == "json_schema":
        return {"name": TOOL_NAME, "description": description, "schema": plan_schema()}
    return {
        "type": "function",
        "function": {"name": TOOL_NAME, "description": description, "parameters": plan_schema()},
    }


# ---------------------------------------------------------------------- calling the model
def chat_model(settings: LlmSettings) -> Any:
    """A langchain ChatOpenAI for the settings (any OpenAI-compatible server via ``base_url``)."""
    if not settings.configured:
        raise LlmUnavailable("no language model is configured (set SEGMENTA_LLM_MODEL, or model in [llm])")
    if not settings.api_key and not settings.base_url:
        raise LlmUnavailable(
            "no API key for the OpenAI API (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise LlmUnavailable("langchain-openai is not installed (pip install 'segmenta[llm]')") from e
    return ChatOpenAI(
        model=settings.model or "",
        base_url=settings.base_url,
        api_key=SecretStr(settings.api_key or "none"),
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        temperature=settings.temperature,
        use_responses_api=False,
    )


def _failure(e: Exception, settings: LlmSettings) -> LlmError:
    """The one-line reason a call failed, as the error the modes fall back on."""
    name = type(e).__name__
    status = getattr(e, "status_code", None)
    if "Timeout" in name or isinstance(e, TimeoutError):
        return LlmUnavailable(f"no answer within {settings.timeout:g} s")
    if name == "RateLimitError" or status == 429:
        return LlmUnavailable("rate limited by the server (HTTP 429)")
    if isinstance(status, int):
        return LlmUnavailable(f"the server answered HTTP {status}")
    if name == "APIConnectionError":
        return LlmUnavailable(f"cannot reach {settings.base_url or 'the OpenAI API'}")
    if name == "OpenAIRefusalError":
        return LlmOutputError(f"the model declined to answer: {_short(str(e), secret=settings.api_key)}")
    if name == "OutputParserException" or isinstance(e, json.JSONDecodeError):
        return LlmOutputError(f"{_NOT_JSON}: {_short(str(e), secret=settings.api_key)}")
    return LlmUnavailable(f"{name}: {_short(str(e), secret=settings.api_key)}")


_SECRET_LIKE = re.compile(
    r"(?:sk|pk|rk)-[A-Za-z0-9_\-]{12,}|(?i:bearer)\s+[A-Za-z0-9._\-]{12,}|\b[A-Za-z0-9_\-]{32,}\b"
)


def _short(s: str, n: int = 160, secret: str | None = None) -> str:
    """Text from the server, made safe to show: the configured key and anything shaped like a key
    redacted, control characters made visible, one line of at most ``n`` characters.

    >>> _short("bad key sk-abcdefghijklmnop1234 for user", secret=None)
    'bad key [redacted] for user'
    >>> _short("echo: my-own-key-1", secret="my-own-key-1")
    'echo: [redacted]'
    """
    from segmenta.cells import terminal_text

    if secret:
        s = s.replace(secret, "[redacted]")
    s = _SECRET_LIKE.sub("[redacted]", s)
    one = terminal_text(" ".join(s.split()))
    return one if len(one) <= n else one[: n - 3] + "..."


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "answer"
    return f"{where}: {err['msg']} ({len(e.errors())} problem{'s' if len(e.errors()) > 1 else ''})"


def call_model(model: Any, system: str, text: str, settings: LlmSettings) -> PlanAnswer:
    """Ask the model for a :class:`PlanAnswer`; raises LlmError with the reason when it gives none."""
    try:
        runnable = model.with_structured_output(
            output_spec(settings.method), method=settings.method, include_raw=True
        )
        out = runnable.invoke([("system", system), ("human", text)])
    except Exception as e:  # every provider raises its own errors: each becomes one reason
        raise _failure(e, settings) from e
    raw, parsed, error = out.get("raw"), out.get("parsed"), out.get("parsing_error")
    extra = getattr(raw, "additional_kwargs", {}) or {}
    content = raw.content if isinstance(getattr(raw, "content", None), str) else ""
    if extra.get("refusal"):
        raise LlmOutputError(
            f"the model declined to answer: {_short(str(extra['refusal']), secret=settings.api_key)}"
        )
    if settings.method == "json_schema":
        parsed, error = _strict_json(content), None  # langchain's JSON parser would complete a cut answer
    if error is not None:
        raise _failure(error, settings) from error
    if parsed is None:
        if getattr(raw, "invalid_tool_calls", None):
            bad = raw.invalid_tool_calls[0]
            raise LlmOutputError(f"{_NOT_JSON}: {_short(str(bad.get('args')), secret=settings.api_key)}")
        if content.strip():  # plain text instead of the structured answer: a refusal in its own words
            raise LlmOutputError(f"the model declined to answer: {_short(content, secret=settings.api_key)}")
        raise LlmOutputError("the model answered without a Plan")
    try:
        return PlanAnswer.model_validate(parsed)
    except ValidationError as e:
        raise LlmOutputError(f"the model's answer does not fit the Plan: {_first_error(e)}") from e


def _strict_json(content: str) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except json.JSONDecodeError as e:
        raise LlmOutputError(f"{_NOT_JSON}: {e.msg} at character {e.pos}") from e


def llm_parse(engine: Engine, text: str, settings: LlmSettings, *, model: Any = None) -> ParseResult:
    """Read a request with the language model into the same ParseResult as the rules.

    Args:
        engine: the engine over the warehouse (schema, catalog, saved segments).
        text: the marketer's request, sent as written.
        settings: which model; ignored for building when ``model`` is given.
        model: any langchain chat model with structured output (built from ``settings`` when None).
    Raises:
        LlmError: the model gave no Plan (the reason is the message).
    """
    answer = call_model(
        model if model is not None else chat_model(settings),
        build_system_prompt(engine, text),
        text,
        settings,
    )
    question = [Clarification(answer.question)] if answer.question else []
    if answer.plan is None:
        return ParseResult(None, detect_language(text), list(answer.unrecognized), [], question)
    checked = check_plan(answer.plan, engine.catalog, engine.saved_segment_names())
    lang = answer.plan.language
    name = settings.model or getattr(model, "model_name", None) or type(model).__name__
    note = (
        f"leído por el modelo de lenguaje ({name})"
        if lang == "es"
        else f"read by the language model ({name})"
    )
    return ParseResult(
        checked.plan,
        lang,
        list(answer.unrecognized),
        [note, *checked.assumptions],
        [*question, *checked.clarifications],
    )


# ---------------------------------------------------------------------- the modes
def rules_answered(result: ParseResult) -> bool:
    """Whether the rules' reading is an answer (no unknown words, no question, a plan with conditions)."""
    if result.plan is None or result.unrecognized or result.clarifications:
        return False
    return not (isinstance(result.plan, SegmentPlan) and result.plan.where is None)


def fallback_note(error: LlmError, lang: str) -> str:
    """The note added to a rules answer when the model failed.

    >>> fallback_note(LlmUnavailable("the server answered HTTP 500"), "en")
    'the language model was not available: the server answered HTTP 500; answered by the rules engine'
    """
    if lang == "es":
        return f"el modelo de lenguaje no estaba disponible: {error}; ha respondido el motor de reglas"
    return f"the language model was not available: {error}; answered by the rules engine"


def parse_with_mode(
    engine: Engine, text: str, mode: Mode, settings: LlmSettings, *, model: Any = None
) -> ParseResult:
    """Read a request in a mode: ``rules``, ``llm`` (rules on failure) or ``auto`` (rules, then the model)."""
    if mode not in MODES:
        raise ConfigError(f"engine must be one of {', '.join(MODES)}, not {mode!r}")
    rules = Engine.parse(engine, text) if mode != "llm" else None
    if rules is not None and (mode == "rules" or rules_answered(rules)):
        return rules
    if mode == "auto" and not settings.configured and model is None:
        return cast(ParseResult, rules)
    try:
        return llm_parse(engine, text, settings, model=model)
    except LlmError as e:
        base = rules if rules is not None else Engine.parse(engine, text)
        return replace(base, assumptions=[*base.assumptions, fallback_note(e, base.language)])


def answer(
    engine: Engine,
    text: str,
    as_of: date,
    mode: Mode,
    settings: LlmSettings | None = None,
    *,
    model: Any = None,
) -> Answer:
    """Answer one request in a mode (settings from the environment and the config when None)."""
    chosen = settings if settings is not None else load_settings(engine.db)
    return engine.answer_parsed(text, parse_with_mode(engine, text, mode, chosen, model=model), as_of)


class LlmEngine(Engine):
    """An engine whose ``parse`` reads in a mode, so conversations and the TUI use the model unchanged."""

    def __init__(
        self,
        db: Path,
        *,
        mode: Mode | None = None,
        settings: LlmSettings | None = None,
        model: Any = None,
        timeout: float = 30.0,
        report_runner: ReportRunner | None = None,
    ) -> None:
        super().__init__(db, timeout=timeout, report_runner=report_runner)
        self.settings = settings if settings is not None else load_settings(db)
        self.mode: Mode = mode or self.settings.engine
        self.model = model  # None: built from the settings only when a request needs the model

    def parse(self, text: str) -> ParseResult:
        return parse_with_mode(self, text, self.mode, self.settings, model=self.model)


def ask_with_engine(
    db: Path,
    text: str,
    as_of: date,
    mode: Mode | None = None,
    continue_: bool = False,
    *,
    timeout: float = 30.0,
    report_runner: ReportRunner | None = None,
    settings: LlmSettings | None = None,
) -> Answer:
    """``tools.ask.ask`` with a reading mode (None: the configured one); pass ``report_runner=run_report``."""
    path = state_path(db)
    conv = Conversation.load(path) if continue_ else Conversation()
    with LlmEngine(db, mode=mode, settings=settings, timeout=timeout, report_runner=report_runner) as engine:
        result = conv.ask(engine, text, as_of)
    try:
        conv.save(path)
    except OSError:
        pass  # a read-only folder: the answer stands, only ``--continue`` loses its memory
    return result
