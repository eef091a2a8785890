"""segmenta: a terminal assistant for e-commerce marketers over a DuckDB warehouse."""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from segmenta import render as render
else:  # rendering loads rich: at its first use, so a one-shot ``ask --json`` never does (``lazy``)
    from segmenta.lazy import lazy_module

    render = lazy_module("segmenta.render")
