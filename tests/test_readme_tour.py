"""Every command of the README's tour, in the order the README gives them, on a fresh HOME and in
an empty folder, as a new marketer would type them: each exits as the README says (0, or 3 where
its comment says the command asks back), and the files the tour names are there afterwards.

Only what cannot run here unattended is left out, each for a reason said in ``SKIPPED``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenta import cli
from segmenta.errors import SegmentaError

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
README = ROOT / "README.md"

SKIPPED = {
    "segmenta chat": "the chat is a full-screen app; tests/tui drive it with Textual's pilot",
    "--engine auto": "needs an OpenAI-compatible server; tests/assistant/test_llm.py runs a fake one",
    "postgresql://": "needs a Postgres server; tests/warehouse/test_remote.py starts one and imports into it",
    "spark://": "starts Spark (seconds each); tests/warehouse/test_spark.py imports into and asks a local session",
    "sc://": "needs a Spark Connect server; tests/warehouse/test_spark.py starts one in a process of its own",
}


def tour() -> list[tuple[int, str]]:
    """(line number, command) for every ``segmenta`` line of the README's bash blocks after the
    set-up, in order."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## A short tour")
    out: list[tuple[int, str]] = []
    for block in re.finditer(r"```bash\n(.*?)```", text[start:], re.S):
        first = text[: start + block.start(1)].count("\n") + 1
        for k, line in enumerate(block.group(1).splitlines()):
            if line.startswith(("segmenta ", "mkdir ")):  # a folder the next command reads
                out.append((first + k, line))
    return out


def expected_exit(line: str) -> int:
    """What the README says the command ends with: 3 where its comment says it asks back."""
    comment = line.split("#", 1)[1] if "  #" in line else ""
    return 3 if comment.strip().startswith("asks") else 0


def run(line: str, shared: Path) -> tuple[int, str]:
    """Run one README line in-process: its exit code and what it printed (a shell line in bash)."""
    if not line.startswith("segmenta "):
        import subprocess

        done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, check=False)
        return done.returncode, done.stdout + done.stderr
    command = line.split("|", 1)[0]  # "| python -m json.tool": the JSON is checked below
    args = shlex.split(command, comments=True)[1:]
    args = [
        a.replace("../shared", str(shared))
        .replace("tests/data/", f"{ROOT}/tests/data/")
        .replace("docs/maps/", f"{ROOT}/docs/maps/")
        for a in args
    ]
    target = None
    if ">" in args:  # "segmenta … > file": stdout into the file, as the shell would
        target = Path(args[args.index(">") + 1])
        args = args[: args.index(">")]
    result = CliRunner().invoke(cli.app, args)
    if target is not None and result.exit_code == 0:
        target.write_text(result.stdout, encoding="utf-8")
    if isinstance(result.exception, SegmentaError):
        return 1, f"{result.output}\nerror: {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_the_tour_is_read_in_order() -> None:
    lines = [line for _, line in tour()]
    assert lines and lines[0] == "segmenta demo"
    # every saved segment the tour uses is saved before, and not deleted before its last use
    saved_at = next(i for i, line in enumerate(lines) if 'segments save "VIP Madrid"' in line)
    used = [i for i, line in enumerate(lines) if "VIP Madrid" in line]
    deleted = [i for i, line in enumerate(lines) if "segments delete" in line and "VIP Madrid" in line]
    assert min(used) == saved_at
    assert not deleted or min(deleted) > max(used)


@pytest.mark.skipif(
    not (SHARED / "eval" / "sports").is_dir(), reason="the sample shop is not beside the repo"
)
def test_every_command_of_the_readme_runs_in_order_as_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("SEGMENTA_DB", raising=False)
    monkeypatch.delenv("SEGMENTA_ENGINE", raising=False)
    monkeypatch.chdir(work)
    failures = []
    ran = 0
    for number, line in tour():
        if any(mark in line for mark in SKIPPED):
            continue
        code, output = run(line, SHARED)
        ran += 1
        if code != expected_exit(line):
            failures.append(
                f"README.md:{number}: exit {code}, expected {expected_exit(line)}: {line}\n{output}"
            )
        if "| python -m json.tool" in line and code == 0:
            import json

            json.loads(output)
    assert not failures, "\n\n".join(failures)
    assert ran >= 50
    # the files the tour names were written where it says
    for name in ("shop.duckdb", "sends.csv", "revenue.xlsx", "sends.svg", "madrid.csv", "madrid.xlsx"):
        assert (work / name).is_file(), name
    assert (work / "cart.json").is_file() and (work / "lead_scores.csv").is_file()
    assert "[orders]" in (work / "prestashop-map.toml").read_text(encoding="utf-8")
