"""A throwaway Spark Connect server for the tests: a local Spark (``pyspark`` and a Java runtime) in
a process of its own with the Connect plugin on a free port of 127.0.0.1, stopped when the tests
end. The tests reach it as a cluster, by ``sc://127.0.0.1:PORT``, through Spark Connect's gRPC
protocol only; it shares this machine's files, as a cluster shares a file system."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

SERVER = """
import sys, time
from pyspark.sql import SparkSession
(SparkSession.builder.master("local[2]").appName("segmenta-connect-test")
    .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
    .config("spark.connect.grpc.binding.address", "127.0.0.1")
    .config("spark.connect.grpc.binding.port", sys.argv[1])
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.driver.memory", "2g")
    .getOrCreate()).sparkContext.setLogLevel("ERROR")
print("ready", flush=True)
sys.stdin.read()  # until the tests close the pipe
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def connect_server(timeout: float = 180) -> Iterator[str]:
    """Start the server; yields its ``sc://`` URL; stops it (and its JVM) at the end."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "PYSPARK_SUBMIT_ARGS")}
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"the Spark Connect test server did not start (exit {proc.poll()})")
        while time.monotonic() < deadline:  # the plugin binds its port just after the session starts
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"sc://127.0.0.1:{port}"
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
