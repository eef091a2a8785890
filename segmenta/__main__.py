"""``python -m segmenta``: the same command line as the ``segmenta`` script."""

from __future__ import annotations

from segmenta.launch import main

if __name__ == "__main__":
    main()
