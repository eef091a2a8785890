"""The ``segmenta`` process: the garbage collector tuned for a short command, then the command line.

A one-shot ``segmenta ask`` allocates a few hundred thousand objects that live until it exits (the
modules, the catalog, the glossary). With Python's default thresholds the collector ran 267 times
in one such process and traversed them again and again (80-90 ms of 0.9 s), and once more at exit
(another 100 ms). Here a young generation of 20,000 objects makes it run a few times; freezing what
is left at exit skips the last traversal. Finalisers still run (files close, connections close):
only the search for reference cycles among objects that die with the process is skipped.

The library itself leaves the collector alone: only this entry point (the ``segmenta`` script and
``python -m segmenta``) tunes it.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000
"""Allocations (less deallocations) before the youngest generation is collected (Python's: 700)."""


def main() -> None:
    """Run the command line (the ``segmenta`` script and ``python -m segmenta``)."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
    from segmenta.cli import main as command_line

    try:
        command_line()
    finally:
        gc.freeze()
