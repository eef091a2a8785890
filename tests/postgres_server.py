"""A real, throwaway Postgres cluster for the tests: ``initdb`` in a temporary folder, the server on a
Unix socket there (no TCP port), stopped and removed at the end of the session.

The server's programs come from the distribution's packages (``.ci/run`` installs them when
missing). Without them the tests that need a server are skipped on a developer's machine, and fail
in CI (``CI`` set), so a CI run can never pass by not running them.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: the distribution's newest, else the ones on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _as_owner(cmd: list[str]) -> list[str]:
    """Postgres refuses to run as root: as root, the cluster is the ``postgres`` user's."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_cluster(settings: str = "") -> Iterator[str]:
    """A running server; yields the URL of its ``postgres`` database (superuser, trust on the socket).

    ``settings``: more ``-c name=value`` options for the server (the benchmarks size its memory).
    """
    bindir = server_bin()
    if bindir is None:
        raise RuntimeError("no Postgres server programs (initdb) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="segmenta-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    log = folder / "server.log"
    try:
        subprocess.run(
            _as_owner(
                [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off {settings}"
        subprocess.run(
            _as_owner(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@/postgres?host={folder}"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str, name: str) -> str:
    """A new, empty database on the server (the one there of that name dropped first); returns its
    URL, the server's options (its socket) kept."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    head, _, options = server_url.partition("?")
    return head.rsplit("/", 1)[0] + f"/{name}" + (f"?{options}" if options else "")
