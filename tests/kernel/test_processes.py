"""Processes started by ``cxzy up`` die with it, and an embedded nats-server never silently talks to a stranger."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.nats_io import CommandFailed, EmbeddedNats

SPAWNER = """
import sys, time
from pathlib import Path
from shared.processes import serve
from shared.settings import Settings
settings = Settings(var_dir=Path(sys.argv[1]), nats_url=sys.argv[2], dev_mode=True)
worker = serve("pledges", settings, Path(sys.argv[1]) / "worker.log", "--role", "worker")
print(worker.pid, flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_a_worker_dies_when_the_process_that_started_it_is_killed(tmp_path):
    nats = EmbeddedNats(tmp_path / "nats").start()
    try:
        parent = subprocess.Popen(
            [sys.executable, "-c", SPAWNER, str(tmp_path), nats.url], stdout=subprocess.PIPE, text=True
        )
        worker = int(parent.stdout.readline())
        log = tmp_path / "worker.log"
        for _ in range(300):  # started for real (not refused at start): its duties are running
            if log.exists() and '"started"' in log.read_text():
                break
            time.sleep(0.05)
        assert alive(worker), log.read_text() if log.exists() else "no log"
        os.kill(parent.pid, signal.SIGKILL)  # no chance to stop its children
        parent.wait()
        for _ in range(200):
            if not alive(worker):
                break
            time.sleep(0.1)
        assert not alive(worker), "the worker outlived the process that started it"
    finally:
        nats.stop()


def test_an_embedded_server_refuses_a_port_another_server_holds(tmp_path):
    first = EmbeddedNats(tmp_path / "one").start()
    try:
        with pytest.raises(CommandFailed, match="already in use"):
            EmbeddedNats(tmp_path / "two", port=first.port).start()
    finally:
        first.stop()
