"""Runs the doctests of the pure language helpers (dates, text, numbers, time words)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from segmenta.assistant import explainer, languages, numbers, text, timewords, windows

MODULES = [windows, text, numbers, timewords, languages, explainer]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_the_examples_in_the_docstrings_hold(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
