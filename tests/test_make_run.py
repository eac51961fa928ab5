"""`make run` as a newcomer runs it: the embedded stack starts with demo data, a pledge is proposed over
HTTP, Ctrl-C stops everything cleanly, and the next start resumes from the same state."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil

from shared.auth import issue_token
from shared.demo import DEMO_ORG, first_member
from shared.nats_io import free_port
from shared.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def start(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "-s", "run"],
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            health = httpx.get(f"{base}/healthz", timeout=1).json()
            if health["ready"]:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"not healthy in time:\n{log.read_text()}")


def workers_of(var: Path) -> list[psutil.Process]:
    """The worker processes `make run` started for this var directory."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "--role" in (proc.info["cmdline"] or []) and proc.environ().get("CXZY_VAR_DIR") == str(var):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def ctrl_c(proc: subprocess.Popen, log: Path) -> None:
    """Ctrl-C in a terminal signals the whole foreground group: make and cxzy."""
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(60)
    text = log.read_text()
    assert text.rstrip().endswith("cxzy stopped"), text[-3000:]
    assert "Traceback" not in text, text[-3000:]


def test_make_run_serves_demo_data_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "CXZY_VAR_DIR": str(tmp_path / "var"),
        "CXZY_HTTP_PORT": str(port),
        "CXZY_EMBEDDED_NATS_PORT": str(free_port()),
        "CXZY_STORE": "sqlite",
        "CXZY_SERVICES": os.environ.get("CXZY_TEST_RUN_SERVICES", "pledges,evaluations,grading,awards"),
    }
    base, log = f"http://127.0.0.1:{port}", tmp_path / "run.log"
    settings = Settings(_env_file=None)

    proc = start(env, log)
    try:
        wait_healthy(base, proc, log)
        demo = json.loads((tmp_path / "var" / "demo-directory.json").read_text())
        assert len(demo["orgs"]) >= 200 and len(demo["members"]) >= 2000
        modes = {o["mode"] for o in demo["orgs"]}
        assert modes == {"a", "b", "c"}
        member = first_member(demo, DEMO_ORG)
        token = issue_token(settings, member, "member", [], DEMO_ORG)
        r = httpx.post(
            f"{base}/api/pledges/pledges",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "org_id": DEMO_ORG,
                "pledger_kind": "individual",
                "member_ids": [member],
                "kind": "annual",
                "items": [{"text": "带头参加志愿服务", "tags": ["带头服务群众"]}],
            },
        )
        assert r.status_code == 201, r.text
        pledge_id = r.json()["pledge_id"]
        assert (tmp_path / "var" / "demo-tokens.env").read_text().count("_TOKEN=") >= 8
        # the ledger is kept by the pledges worker process (the production split on one machine)
        assert len(workers_of(tmp_path / "var")) == len(env["CXZY_SERVICES"].split(",")) + 1
        wait_healthy(base, proc, log)
        ledger = httpx.get(
            f"{base}/api/pledges/orgs/{DEMO_ORG}/ledger",
            headers={"Authorization": f"Bearer {issue_token(settings, 'S', 'secretary', [], DEMO_ORG)}"},
        ).json()
        assert pledge_id in [row["pledge_id"] for row in ledger["items"]]
    finally:
        ctrl_c(proc, log)
    assert workers_of(tmp_path / "var") == []  # Ctrl-C left no worker behind

    proc = start(env, log)  # the next start resumes: same pledge, demo not loaded twice
    try:
        wait_healthy(base, proc, log)
        secretary = issue_token(settings, "S", "secretary", [], DEMO_ORG)
        r = httpx.get(f"{base}/api/pledges/pledges/{pledge_id}", headers={"Authorization": f"Bearer {secretary}"})
        assert r.status_code == 200 and r.json()["state"] == "proposed"
    finally:
        ctrl_c(proc, log)
    assert log.read_text().count("demo directory loaded") == 1
