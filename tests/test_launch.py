"""The process entry point: the collector tuned for a short command, and left as it was for others."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from segmenta import cli, launch


def test_the_entry_point_raises_the_young_threshold_and_freezes_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.get_threshold()))
    try:
        launch.main()
        assert seen == [(launch.YOUNG_THRESHOLD, before[1], before[2])]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_collector_is_frozen_even_when_the_command_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_threshold()

    def fails() -> None:
        raise SystemExit(3)

    monkeypatch.setattr(cli, "main", fails)
    try:
        with pytest.raises(SystemExit):
            launch.main()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_importing_the_library_leaves_the_collector_alone() -> None:
    code = "import gc; t = gc.get_threshold(); import segmenta.cli, segmenta.tools.ask; print(gc.get_threshold() == t)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "True"


def test_python_dash_m_runs_the_command_line_through_the_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "segmenta", "--help"], capture_output=True, text=True, env=os.environ
    )
    assert out.returncode == 0 and "ask" in out.stdout


def test_a_json_answer_never_loads_rich_and_a_rendered_one_does(tiny_warehouse: object) -> None:
    # rendering is loaded at its first use (segmenta.lazy): ``ask --json`` prints JSON only
    probe = (
        "import sys\n"
        "from segmenta import cli\n"
        "sys.argv = ['segmenta', 'ask', 'mujeres', '--db', sys.argv[1], '--as-of', '2026-06-30'] + sys.argv[2:]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('rich loaded' if 'rich.console' in sys.modules else 'no rich', file=sys.stderr)\n"
    )
    said = []
    for extra in (["--json"], []):
        done = subprocess.run(
            [sys.executable, "-c", probe, str(tiny_warehouse), *extra], capture_output=True, text=True
        )
        said.append(done.stderr.strip().splitlines()[-1])
        assert done.stdout.strip()
    assert said == ["no rich", "rich loaded"]
