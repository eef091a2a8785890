"""The library stays headless: its packages load no Textual, no Typer and no Rich console.

Only the two faces (``segmenta.cli`` with ``segmenta.render``, and the TUI) may use them, so the
assistant can be embedded and imported fast. Each check imports every module of a package in a
fresh interpreter and lists what ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FACE_MODULES = ("textual", "typer", "rich.console")

_PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(getattr(package, "__path__", []), package.__name__ + "."):
    importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after_importing(package: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, package], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def faces(modules: set[str], names: tuple[str, ...] = FACE_MODULES) -> list[str]:
    """The modules among ``modules`` that belong to one of ``names`` (the package or its submodules)."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("package", ["segmenta.assistant", "segmenta.warehouse", "segmenta.tools"])
def test_the_library_loads_no_textual_typer_or_rich_console(package: str) -> None:
    loaded = loaded_after_importing(package)
    assert package in loaded
    assert faces(loaded) == []


def test_the_command_line_loads_no_textual_until_chat_runs() -> None:
    loaded = loaded_after_importing("segmenta.cli")
    assert "typer" in loaded
    assert faces(loaded, ("textual",)) == []


def test_the_probe_sees_a_face_module_when_one_is_loaded() -> None:
    assert faces({"rich", "rich.console", "typer.main", "textualize"}) == ["rich.console", "typer.main"]
