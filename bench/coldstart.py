"""Cold start: ``segmenta ask … --json`` on the demo as a whole new process (issue 13's item 4).

    python bench/coldstart.py [--runs 5]

Prints, in the same run (medians of ``--runs`` processes), the wall time of: ``segmenta --help``
(the floor: Python and the CLI's imports); a one-shot ``ask`` with an empty disk cache (every
process builds the glossary index and decodes simplemma's dictionaries); and the same ``ask`` with
the cache a first process left (``segmenta/diskcache.py``). Target (issue 13): under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUEST = "mujeres de más de 30 de Madrid que compraron zapatillas"


def wall(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "segmenta", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="segmenta-cold-"))
    cache = home / "cache"
    env = {**os.environ, "HOME": str(home), "SEGMENTA_CACHE_DIR": str(cache)}
    # as an installed segmenta runs: Python keeps the modules' bytecode (a sandbox may have it off)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wall(["ask", REQUEST, "--json"], env)  # builds the demo warehouse (and its catalog) once
    ask = ["ask", REQUEST, "--json"]
    helps, empty, warm = [], [], []
    for _ in range(a.runs):  # interleaved, so the machine's state weighs on each the same
        helps.append(wall(["--help"], env))
        shutil.rmtree(cache, ignore_errors=True)
        empty.append(wall(ask, env))
        warm.append(wall(ask, env))
    h, e, w = (statistics.median(x) for x in (helps, empty, warm))
    print(f"segmenta --help (imports)     {h:6.2f} s")
    print(f"ask, empty cache              {e:6.2f} s")
    print(f"ask, cache kept               {w:6.2f} s   empty / kept = {e / w:.2f}x")
    print(f"target: under 0.5 s -> {'met' if w < 0.5 else 'not met'}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
