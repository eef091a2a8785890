"""The TOML config beside the warehouse: defaults, round-trip, and one clear error per bad value."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenta.errors import ConfigError
from segmenta.warehouse.config import (
    Config,
    config_toml,
    ensure_config,
    load_config,
    save_config,
    set_value,
)
from segmenta.warehouse.store import config_path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "shop.duckdb"


def write(db: Path, text: str) -> Path:
    path = config_path(db)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_gives_the_data_model_defaults(db: Path) -> None:
    config = load_config(db)
    assert config.rfm.method == "quintile"
    assert config.rfm.thresholds.recency_days == [30, 90, 180, 365]
    assert config.rfm.thresholds.frequency == [2, 3, 4, 5]
    assert config.rfm.thresholds.monetary == [100, 250, 500, 1000]
    ls = config.lead_score
    assert (ls.product_view, ls.email_opened, ls.completed_order, ls.active_month) == (5, 3, 25, 5)
    assert (ls.active_month_min_days, ls.lapsed_penalty, ls.lapsed_days, ls.window_days) == (3, -50, 180, 365)
    assert (config.locale.default_country, config.locale.currency) == ("ES", "EUR")
    assert not config_path(db).exists()


def test_ensure_config_writes_the_defaults_beside_the_warehouse(db: Path) -> None:
    assert ensure_config(db) == Config()
    assert config_path(db) == db.with_name("shop.toml")
    text = config_path(db).read_text(encoding="utf-8")
    assert 'method = "quintile"' in text
    assert "# Recency, days since the last completed order: <= 30 days -> 5" in text


def test_a_saved_config_reads_back_equal(db: Path) -> None:
    config = set_value(Config(), "rfm.method", "thresholds")
    config = set_value(config, "rfm.thresholds.monetary", "50, 99.99, 200, 1e4")
    config = set_value(config, "lead_score.lapsed_penalty", "-20")
    config = set_value(config, "locale.currency", "MXN")
    save_config(db, config)
    assert load_config(db) == config
    assert load_config(db).rfm.thresholds.monetary == [50, 99.99, 200, 10000]


def test_every_key_of_the_written_file_has_a_comment_above_it() -> None:
    lines = config_toml(Config()).splitlines()
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            above = lines[i - 1]
            assert above.startswith("#") or "=" in above, line


@settings(max_examples=40, deadline=None)
@given(
    country=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    points=st.lists(
        st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=4, max_size=4, unique=True
    ),
    penalty=st.integers(min_value=-(10**6), max_value=10**6),
)
def test_any_valid_config_survives_the_toml_round_trip(
    country: str, points: list[float], penalty: int
) -> None:
    config = set_value(Config(), "locale.default_country", country)
    config = set_value(config, "rfm.thresholds.monetary", sorted(points))
    config = set_value(config, "lead_score.product_view", penalty)
    assert Config.model_validate(tomllib.loads(config_toml(config))) == config


def test_set_value_parses_numbers_and_lists_typed_on_the_command_line() -> None:
    config = set_value(Config(), "lead_score.window_days", "90")
    assert config.lead_score.window_days == 90
    config = set_value(config, "rfm.thresholds.recency_days", "[7, 30, 60, 120]")
    assert config.rfm.thresholds.recency_days == [7, 30, 60, 120]
    assert set_value(config, "rfm.method", "ntile").rfm.method == "ntile"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[rfm]\nmethod = "median"\n', 'rfm.method = "median" is not valid: Input should be'),
        (
            "[rfm.thresholds]\nrecency_days = [30, 20, 180, 365]\n",
            "rfm.thresholds.recency_days = [30, 20, 180, 365] is not valid: "
            "cut points must be strictly increasing",
        ),
        (
            "[rfm.thresholds]\nfrequency = [2, 3, 4]\n",
            "rfm.thresholds.frequency = [2, 3, 4] is not valid: needs exactly 4 cut points, got 3",
        ),
        (
            "[rfm.thresholds]\nmonetary = [-1, 2, 3, 4]\n",
            "rfm.thresholds.monetary = [-1, 2, 3, 4] is not valid: amounts must be finite and not negative",
        ),
        (
            "[rfm.thresholds]\nfrequency = [0, 3, 4, 5]\n",
            "rfm.thresholds.frequency = [0, 3, 4, 5] is not valid: order counts must be at least 1",
        ),
        ('[lead_score]\nproduct_view = "five"\n', 'lead_score.product_view = "five" is not valid:'),
        ("[lead_score]\nwindow_days = 0\n", "lead_score.window_days = 0 is not valid:"),
        ('[locale]\ncurrency = "euro"\n', 'locale.currency = "euro" is not valid:'),
        ("[rfm]\nmethods = 1\n", "unknown key rfm.methods"),
    ],
)
def test_an_impossible_value_names_the_file_the_key_and_the_value(db: Path, toml: str, expected: str) -> None:
    path = write(db, toml)
    with pytest.raises(ConfigError) as err:
        load_config(db)
    assert str(err.value).startswith(f"{path}: ")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_a_file_that_is_not_toml_names_the_file_and_the_line(db: Path) -> None:
    path = write(db, "[rfm]\nmethod = quintile\n")
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 2") as err:
        load_config(db)
    assert str(err.value).startswith(f"{path}: ")


def test_set_value_refuses_an_unknown_key_and_an_impossible_value() -> None:
    with pytest.raises(ConfigError, match="unknown config key rfm.colour"):
        set_value(Config(), "rfm.colour", "red")
    with pytest.raises(ConfigError, match="rfm is a section"):
        set_value(Config(), "rfm", "ntile")
    with pytest.raises(ConfigError, match=r'rfm.method = "best" is not valid'):
        set_value(Config(), "rfm.method", "best")
    with pytest.raises(ConfigError, match="strictly increasing"):
        set_value(Config(), "rfm.thresholds.frequency", "1,1,2,3")
