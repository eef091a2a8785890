"""The shop's settings: RFM method and cut points, lead-score points, locale.

They live in a TOML file beside the warehouse (``shop.duckdb`` -> ``shop.toml``, see
``paths.config_path``) so a marketer can read and edit them, and ``segmenta config`` can show
them. Defaults are the ones DATA_MODEL.md states. A malformed file or an impossible value is a
``ConfigError`` naming the file, the key and the value, never a silent fallback to defaults.
The file is written by hand (there is no TOML writer dependency), with a comment on every key.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from segmenta.errors import ConfigError
from segmenta.warehouse.paths import config_path

RfmMethod = Literal["quintile", "ntile", "thresholds"]
CUT_POINTS = 4  # four cut points make five scores


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def _increasing(values: list[Any]) -> list[Any]:
    if len(values) != CUT_POINTS:
        raise ValueError(f"needs exactly {CUT_POINTS} cut points, got {len(values)}")
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError("cut points must be strictly increasing")
    return values


class RfmThresholds(_Section):
    """Cut points of the ``thresholds`` method: four per score, strictly increasing."""

    recency_days: list[int] = Field(default_factory=lambda: [30, 90, 180, 365])
    frequency: list[int] = Field(default_factory=lambda: [2, 3, 4, 5])
    monetary: list[float] = Field(default_factory=lambda: [100.0, 250.0, 500.0, 1000.0])

    @field_validator("recency_days")
    @classmethod
    def _recency(cls, v: list[int]) -> list[int]:
        if any(x < 0 for x in v):
            raise ValueError("days cannot be negative")
        return _increasing(v)

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, v: list[int]) -> list[int]:
        if any(x < 1 for x in v):
            raise ValueError("order counts must be at least 1")
        return _increasing(v)

    @field_validator("monetary")
    @classmethod
    def _monetary(cls, v: list[float]) -> list[float]:
        if any(not math.isfinite(x) or x < 0 for x in v):
            raise ValueError("amounts must be finite and not negative")
        return _increasing(v)


class RfmConfig(_Section):
    """How contacts get their R, F and M scores (1..5)."""

    method: RfmMethod = "quintile"
    thresholds: RfmThresholds = Field(default_factory=RfmThresholds)


class LeadScoreConfig(_Section):
    """Points of the lead score (DATA_MODEL.md, "Lead score")."""

    product_view: int = 5
    email_opened: int = 3
    completed_order: int = 25
    active_month: int = 5
    active_month_min_days: int = Field(default=3, ge=1, le=31)
    lapsed_penalty: int = -50
    lapsed_days: int = Field(default=180, ge=1)
    window_days: int = Field(default=365, ge=1)


class LocaleConfig(_Section):
    """Where the shop is: the country assumed for phone numbers and the currency shown."""

    default_country: str = Field(default="ES", pattern=r"^[A-Z]{2}$")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


def _default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class LimitsConfig(_Section):
    """What one query may take, for the marketer's own SQL and for answers alike."""

    memory: str = "2GB"
    threads: int = Field(default_factory=_default_threads, ge=1, le=256)

    @field_validator("memory")
    @classmethod
    def _memory(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)? ?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", v):
            raise ValueError("use a size such as 2GB, 512MB or 1.5GiB")
        return v


class Config(_Section):
    """All settings of one warehouse."""

    rfm: RfmConfig = Field(default_factory=RfmConfig)
    lead_score: LeadScoreConfig = Field(default_factory=LeadScoreConfig)
    locale: LocaleConfig = Field(default_factory=LocaleConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)


def _config_error(e: ValidationError, where: str) -> ConfigError:
    """One line for the first problem pydantic found: where, key, value and why."""
    errs = e.errors()
    first = errs[0]
    key = ".".join(str(p) for p in first["loc"])
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        text = f"{where}: unknown key {key}"
    elif first["type"] == "missing":
        text = f"{where}: {key} is missing"
    else:
        text = f"{where}: {key} = {_toml_value(first.get('input'))} is not valid: {msg}"
    if len(errs) > 1:
        text += f" (and {len(errs) - 1} more problem{'s' if len(errs) > 2 else ''})"
    return ConfigError(text)


def shop_locale(db: Path) -> tuple[str, str]:
    """The shop's (currency, country) from its settings, the numbers and money of its answers are
    shown in; ``("EUR", "")`` when the settings cannot be read (they are optional for answering)."""
    try:
        loc = load_config(db).locale
    except Exception:
        return "EUR", ""
    return loc.currency, loc.default_country


def load_config(db: Path) -> Config:
    """The config beside the warehouse ``db``; the defaults when there is no file.

    Raises:
        ConfigError: the file is not valid TOML, has an unknown key or an impossible value.
    """
    path = config_path(db)
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read: {e.strerror}") from e
    try:
        # the [llm] table belongs to the optional language-model backend, which reads it itself
        return Config.model_validate({k: v for k, v in data.items() if k != "llm"})
    except ValidationError as e:
        raise _config_error(e, str(path)) from e


def save_config(db: Path, config: Config) -> Path:
    """Write ``config`` beside the warehouse ``db`` (atomically); returns the file written."""
    path = config_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(config_toml(config), encoding="utf-8")
    os.replace(tmp, path)
    return path


def ensure_config(db: Path) -> Config:
    """The config beside ``db``, writing the defaults there first when there is no file."""
    if not config_path(db).exists():
        save_config(db, Config())
    return load_config(db)


def _toml_value(v: object) -> str:
    """A value as TOML writes it.

    >>> _toml_value("ntile"), _toml_value([30, 90]), _toml_value(100.0), _toml_value(True)
    ('"ntile"', '[30, 90]', '100.0', 'true')
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)


def _cuts(points: list[Any], unit: str, higher_is_better: bool) -> str:
    """How four cut points map values to scores, for the comment above them.

    >>> _cuts([30, 90, 180, 365], " days", False)
    '<= 30 days -> 5, <= 90 days -> 4, <= 180 days -> 3, <= 365 days -> 2, more -> 1'
    >>> _cuts([2, 3, 4, 5], "", True)
    'below 2 -> 1, >= 2 -> 2, >= 3 -> 3, >= 4 -> 4, >= 5 -> 5'
    """
    if higher_is_better:
        return ", ".join(
            [f"below {points[0]}{unit} -> 1"] + [f">= {p}{unit} -> {i + 2}" for i, p in enumerate(points)]
        )
    return ", ".join([f"<= {p}{unit} -> {5 - i}" for i, p in enumerate(points)] + ["more -> 1"])


def config_toml(config: Config) -> str:
    """The TOML text of ``config``, with a comment explaining every key."""
    r, t, ls, loc, lim = config.rfm, config.rfm.thresholds, config.lead_score, config.locale, config.limits
    v = _toml_value
    lines = [
        "# segmenta settings for the warehouse beside this file.",
        "# Edit a value and save; segmenta checks every value when it reads the file.",
        "",
        "[rfm]",
        "# How contacts with at least one completed order get R, F and M scores from 1 to 5:",
        '#   "quintile"   five 20 % groups by rank; identical customers always share a score',
        '#   "ntile"      five equal-size groups; ties are split by contact_id',
        '#   "thresholds" the shop\'s own cut points, in [rfm.thresholds] below',
        f"method = {v(r.method)}",
        "",
        "[rfm.thresholds]",
        '# Used when method = "thresholds". Four strictly increasing cut points per score.',
        "# Recency, days since the last completed order: " + _cuts(t.recency_days, " days", False),
        f"recency_days = {v(t.recency_days)}",
        "# Frequency, completed orders: " + _cuts(t.frequency, "", True),
        f"frequency = {v(t.frequency)}",
        f"# Monetary, total spent in {loc.currency}: " + _cuts(t.monetary, "", True),
        f"monetary = {v(t.monetary)}",
        "",
        "[lead_score]",
        "# Points counted over the window_days up to the as-of date.",
        "# Per product_view web event:",
        f"product_view = {v(ls.product_view)}",
        "# Per email opened:",
        f"email_opened = {v(ls.email_opened)}",
        "# Per completed order:",
        f"completed_order = {v(ls.completed_order)}",
        "# Per calendar month with web activity on at least active_month_min_days distinct days:",
        f"active_month = {v(ls.active_month)}",
        f"active_month_min_days = {v(ls.active_month_min_days)}",
        "# Added once when the contact has bought before but not in the last lapsed_days days:",
        f"lapsed_penalty = {v(ls.lapsed_penalty)}",
        f"lapsed_days = {v(ls.lapsed_days)}",
        "# Length of the window, in days up to and including the as-of date:",
        f"window_days = {v(ls.window_days)}",
        "",
        "[locale]",
        "# Country assumed for phone numbers without a prefix (ISO 3166-1 alpha-2):",
        f"default_country = {v(loc.default_country)}",
        "# Currency of amounts (ISO 4217):",
        f"currency = {v(loc.currency)}",
        "",
        "[limits]",
        "# The most memory one query may use (a query that needs more is stopped with a message):",
        f"memory = {v(lim.memory)}",
        "# Threads one query may use:",
        f"threads = {v(lim.threads)}",
        "",
    ]
    return "\n".join(lines)


def _parse_cli_value(text: str, current: object) -> object:
    """A value typed on the command line: TOML syntax when it parses, else the text itself.

    A list setting also takes comma-separated values.

    >>> _parse_cli_value("ntile", "quintile"), _parse_cli_value("7", 5)
    ('ntile', 7)
    >>> _parse_cli_value("10, 20,30,40", [1, 2, 3, 4])
    [10, 20, 30, 40]
    """

    def parse(s: str) -> object:
        try:
            return tomllib.loads(f"v = {s.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            return s.strip()

    if isinstance(current, list) and not text.strip().startswith("["):
        return [parse(part) for part in text.split(",")]
    return parse(text)


def set_value(config: Config, key: str, value: object) -> Config:
    """A copy of ``config`` with the dotted ``key`` set to ``value``, checked like a loaded file.

    A string value is read as TOML (``"5"`` -> 5, ``"[1, 2, 3, 4]"``), a list key also takes
    ``"1,2,3,4"``, anything else is kept as text.

    Raises:
        ConfigError: an unknown key or an impossible value.
    """
    data: dict[str, Any] = config.model_dump()
    parts = key.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"unknown config key {key}")
        if i < len(parts) - 1:
            node = node[part]
    if isinstance(node[parts[-1]], dict):
        raise ConfigError(f"{key} is a section: set one of its keys ({', '.join(node[parts[-1]])})")
    node[parts[-1]] = _parse_cli_value(value, node[parts[-1]]) if isinstance(value, str) else value
    try:
        # the [llm] table belongs to the optional language-model backend, which reads it itself
        return Config.model_validate({k: v for k, v in data.items() if k != "llm"})
    except ValidationError as e:
        raise _config_error(e, "config") from e
