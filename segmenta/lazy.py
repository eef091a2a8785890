"""Modules loaded at their first use, not at import: what a one-shot answer does not touch costs it
nothing (issue 13's cold start). ``segmenta ask … --json`` prints JSON and never renders, so the
package itself holds ``render`` (and with it rich, about 25 ms) this way (``segmenta/__init__.py``):
every ``from segmenta import render`` gets that module, loaded at its first use.

``lazy_module(name)`` puts the module in ``sys.modules`` behind the standard library's
``importlib.util.LazyLoader``: every later ``import`` of it gets the same object, and the first
attribute read runs the module. Type checkers see the ordinary import (``if TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """``name``'s module, run at the first attribute read (at once when it is loaded already)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
