"""The pure helpers of the chat screen: their doctests, and the choices a clarification button makes."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from segmenta.tui import commands, screens, session, strings, workflow_screen
from segmenta.tui import format as fmt
from segmenta.tui.widgets import prompt

MODULES = [fmt, strings, session, screens, prompt, commands, workflow_screen]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_the_examples_in_the_docstrings_hold(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_an_option_replaces_the_words_not_understood_whatever_their_case() -> None:
    assert fmt.resolve_option("Clientes de MADRX", ["madrx"], "city: Madrid") == "Clientes de Madrid"


def test_every_text_and_key_is_in_both_languages() -> None:
    assert all(set(v) == {"es", "en"} for v in strings.TEXTS.values())
    assert all(set(action) == {"es", "en"} for _, action in strings.KEYS)
    assert set(strings.SAVED_SEGMENT_REQUEST) == {"es", "en"}


def test_every_workflow_kind_has_a_spanish_name_and_its_own_words_draft_it() -> None:
    from segmenta.tools.workflows import detect_kind, known_kinds

    for kind in known_kinds():
        assert workflow_screen.kind_title(kind, "es") != workflow_screen.kind_title(kind, "en")
        assert detect_kind(workflow_screen.draft_text(kind, None)) == kind


def test_a_spanish_workflow_tree_names_its_node_types_in_spanish() -> None:
    from segmenta.tools.workflows import WorkflowNode
    from segmenta.tui.workflow_screen import node_detail, node_label

    cond = WorkflowNode(id="n3", type="condition", label="¿Suscrito al email?")
    assert node_label(cond, "", "es").plain.startswith("condición ¿Suscrito")
    assert node_label(cond, "", "en").plain.startswith("condition ¿Suscrito")
    trig = WorkflowNode(id="n2", type="trigger", label="Se une a la audiencia")
    assert node_detail(trig, "es").plain.startswith("disparador: Se une")
    audience = WorkflowNode(id="n1", type="audience", label="Audiencia: clientes hibernando")
    assert node_label(audience, "", "es").plain.startswith("Audiencia: clientes")  # the label says it
