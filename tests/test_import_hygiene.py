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


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The segmenta modules a file imports, at any depth (function bodies too), except under
    ``if TYPE_CHECKING:``, which never runs."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out & modules


def import_cycles(root: Path) -> list[list[str]]:
    """The groups of segmenta modules that import each other round (strongly connected, size > 1)."""
    paths = {}
    for p in (root / "segmenta").rglob("*.py"):
        parts = list(p.relative_to(root).with_suffix("").parts)
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    graph = {m: _imports(p, set(paths)) - {m} for m, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_module_of_segmenta_imports_itself_back() -> None:
    assert import_cycles(ROOT) == []


def test_the_cycle_check_finds_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "segmenta"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from segmenta.b import g\n")
    (pkg / "b.py").write_text("from segmenta import a\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from segmenta import a\n"
    )
    assert import_cycles(tmp_path) == [["segmenta.a", "segmenta.b"]]


READING_STAGES = [
    ["normalise"],
    ["words"],
    ["pieces"],
    ["base"],
    ["scores", "postal", "people", "behaviour", "repeats", "quantities"],
    ["linking"],
]


def test_reading_stages_import_one_way() -> None:
    """normalise <- words <- pieces <- base <- recognisers <- linking <- parser: a stage never imports
    a later one, nor a recogniser another recogniser."""
    names = [n for stage in READING_STAGES for n in stage]
    modules = {f"segmenta.assistant.reading.{n}" for n in names} | {"segmenta.assistant.parser"}
    for k, stage in enumerate(READING_STAGES):
        for name in stage:
            path = ROOT / "segmenta" / "assistant" / "reading" / f"{name}.py"
            later = {f"segmenta.assistant.reading.{n}" for st in READING_STAGES[k:] for n in st if n != name}
            later.add("segmenta.assistant.parser")
            assert not (_imports(path, modules) & later), name


def test_no_module_of_the_reading_path_is_over_500_lines() -> None:
    paths = [
        ROOT / "segmenta" / "assistant" / "parser.py",
        *(ROOT / "segmenta" / "assistant" / "reading").glob("*.py"),
    ]
    long = {p.name: n for p in paths if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
