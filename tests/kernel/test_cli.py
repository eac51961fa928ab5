"""The command line as a newcomer meets it: it finds the server `cxzy up` runs for ./var, says in one line
when it cannot connect, and refuses bad directory files and meaningless tokens with a sentence, never a
traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import structlog

from services import spec
from shared.auth import verify_token
from shared.cli import main
from shared.demo import DEMO_ORG
from shared.nats_io import EmbeddedNats, free_port, running_embedded_url
from shared.service import ServiceRuntime
from shared.settings import Settings, get_settings

from ..directory_fixture import DIRECTORY

CXZY = Path(sys.executable).parent / "cxzy"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXZY_")}
    return {**env, "CXZY_LOG_FORMAT": "console", **extra}


def cxzy(cwd: Path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CXZY), *args], cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=timeout
    )


def recorded(var_dir: Path) -> int:
    """Notifications in the directory's write model of ``var_dir`` (0 when it was never created)."""
    if not (var_dir / "directory" / "events.db").exists():
        return 0
    rt = ServiceRuntime(spec("directory"), Settings(_env_file=None, var_dir=var_dir))
    try:
        return rt.app.recorder.max_notification_id() or 0
    finally:
        rt.close()


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# — defect 1: the embedded server of ./var, and one line when there is none ————————————————————————


def test_the_cli_finds_the_server_cxzy_up_runs_for_its_var_dir(tmp_path):
    server = EmbeddedNats(tmp_path / "var" / "nats", port=free_port()).start()  # as `cxzy up` starts it
    try:
        file = tmp_path / "directory.json"
        file.write_text(json.dumps(DIRECTORY, ensure_ascii=False))
        done = cxzy(tmp_path, "directory", "import", str(file))  # no CXZY_NATS_URL: found under ./var/nats
        assert done.returncode == 0, done.stderr
        events = len(DIRECTORY["orgs"]) + len(DIRECTORY["members"])
        assert json.loads(done.stdout.splitlines()[-1])["orgs_created"] == len(DIRECTORY["orgs"])

        done = cxzy(tmp_path, "verify", "directory")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["checked"] == events

        done = cxzy(tmp_path, "tail", "--scope", "local:13/1301/130102", "--from-start", "--limit", "2")
        assert done.returncode == 0, done.stderr
        assert len([line for line in done.stdout.splitlines() if line.startswith("directory#")]) == 2

        done = cxzy(tmp_path, "verify", "pledges")  # nothing published yet: said, not a traceback
        assert done.returncode != 0
        assert "CXZY_PLEDGES" in one_line(done.stderr)

        done = cxzy(tmp_path, "replay", "pledges", "directory")  # a replay needs the services stopped
        assert done.returncode != 0
        assert "Ctrl-C" in one_line(done.stderr)
    finally:
        server.stop()
    # `cxzy up` stopped: replay starts the server of ./var for itself
    done = cxzy(tmp_path, "replay", "pledges", "directory")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {"pledges__directory": events}
    assert running_embedded_url(tmp_path / "var" / "nats") is None  # and stops it again


@pytest.mark.parametrize(
    "command",
    [
        ("tail", "--scope", "local:13", "--from-start"),
        ("verify", "pledges"),
        ("replay", "pledges"),
        ("directory", "import", "DIRECTORY"),
    ],
    ids=lambda c: c[0],
)
def test_a_command_that_cannot_connect_says_so_in_one_line(tmp_path, command):
    url = f"nats://127.0.0.1:{free_port()}"  # nothing listens there
    file = tmp_path / "directory.json"
    file.write_text(json.dumps(DIRECTORY, ensure_ascii=False))
    args = [str(file) if a == "DIRECTORY" else a for a in command]
    started = time.monotonic()
    done = cxzy(tmp_path, *args, timeout=30, CXZY_NATS_URL=url)
    assert time.monotonic() - started < 15
    assert done.returncode != 0
    line = one_line(done.stderr)
    assert url in line and "CXZY_NATS_URL" in line and "无法连接" in line
    assert recorded(tmp_path / "var") == 0  # an import that cannot publish records nothing


def test_a_live_tail_that_loses_its_server_says_so_and_stops(tmp_path):
    server = EmbeddedNats(tmp_path / "var" / "nats", port=free_port()).start()
    try:
        file = tmp_path / "directory.json"
        file.write_text(json.dumps(DIRECTORY, ensure_ascii=False))
        assert cxzy(tmp_path, "directory", "import", str(file)).returncode == 0
        tail = subprocess.Popen(
            [str(CXZY), "tail", "--scope", "local:13"],
            cwd=tmp_path,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert tail.stdout and tail.stdout.readline().startswith("# tail local:13 (live)")
    finally:
        server.stop()
    _, err = tail.communicate(timeout=15)
    assert tail.returncode != 0
    assert "连接已断开" in one_line(err)


# — defect 2: a bad directory file is reported where it is wrong, and nothing is recorded ———————————————


@pytest.fixture
def cli_var(tmp_path, monkeypatch):
    """``main()`` in this process, with ./var under tmp_path."""
    for name in [k for k in os.environ if k.startswith("CXZY_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CXZY_LOG_FORMAT", "console")
    monkeypatch.setenv("CXZY_NATS_URL", f"nats://127.0.0.1:{free_port()}")  # never anybody's server
    get_settings.cache_clear()
    logging = structlog.get_config()  # main() points the logs at this test's captured stderr
    yield tmp_path / "var"
    structlog.configure(**logging)
    get_settings.cache_clear()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


ORGS_CSV = "id,name,type,domain,local_path,vertical_path,mode,parent\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.json", '{"orgs": [\n  {"id": "P13", "name": "省委",}\n]}', ["bad.json", "2"]),
        ("list.json", '[{"id": "P13"}]', ["list.json", "orgs"]),
        ("noname.csv", "id,type,local_path\nP13,党委,13\n", ["noname.csv", "name"]),
        ("mode.csv", ORGS_CSV + "P13,省委,党委,,13,,a,\nX1,支部,支部,农村,13/1301,,z,P13\n", ["line 3", "mode"]),
        ("parent.csv", ORGS_CSV + "P13,省委,党委,,13,,a,\nX1,支部,支部,农村,13/1301,,a,P99\n", ["line 3", "P99"]),
        ("path.csv", ORGS_CSV + "P13,省委,党委,,13/1301/1/2/3,,a,\n", ["line 2", "local_path"]),
        ("dup.csv", ORGS_CSV + "P13,省委,党委,,13,,a,\nP13,省委,党委,,13,,a,\n", ["line 3", "id", "line 2"]),
        ("vertical.csv", ORGS_CSV + "T1,税务,支部,窗口单位,13,,c,\n", ["line 2", "vertical_path"]),
        ("members.csv", "id,org,status\nM1,P404,normal\n", ["line 2", "org", "P404"]),
        ("exempt.json", '{"orgs": [], "members": [{"id": "M1", "org": "P13", "status": "exempt"}]}', ["exempt"]),
    ],
    ids=lambda v: v if isinstance(v, str) and v.endswith(("json", "csv")) else "",
)
def test_a_bad_directory_file_is_reported_where_it_is_wrong(cli_var, capsys, name, content, expected):
    file = cli_var.parent / name
    file.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "directory", "import", str(file))
    assert code != 0
    line = one_line(err)
    for fragment in expected:
        assert fragment in line, line
    assert "目录" in line  # a Chinese sentence first, then the English one
    assert recorded(cli_var) == 0


# — defect 3: tokens that mean something ————————————————————————————————————————————————————————————


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--role", "secretary"], "--org"),
        (["--role", "member", "--sub", "M1"], "--org"),
        (["--role", "member", "--org", "VIL1"], "--sub"),
        (["--role", "superior"], "--scope"),
        (["--role", "org_admin"], "--scope"),
        (["--role", "auditor"], "--scope"),
        (["--role", "chairman", "--scope", "local:13"], "chairman"),
        (["--role", "superior", "--scope", "local13"], "local13"),
        (["--role", "secretary", "--org", "NOPE"], "NOPE"),
        (["--role", "member", "--org", "VIL1", "--sub", "M6"], "M6"),  # M6 is a member of COM1
    ],
)
def test_token_issue_refuses_a_token_that_means_nothing(cli_var, capsys, argv, expected):
    directory = ServiceRuntime(spec("directory"), Settings(_env_file=None, var_dir=cli_var))
    directory.app.import_records(DIRECTORY["orgs"], DIRECTORY["members"])
    directory.close()
    code, out, err = run_cli(capsys, "token", "issue", *argv)
    assert code != 0 and not out
    assert expected in one_line(err)


def test_token_issue_checks_the_org_against_the_directory_of_var(cli_var, capsys):
    code, out, err = run_cli(capsys, "token", "issue", "--role", "secretary", "--org", "VIL1")
    assert code == 0 and out.strip()
    assert "未加载" in one_line(err)  # no directory under ./var: said clearly, the org is not checked
    directory = ServiceRuntime(spec("directory"), Settings(_env_file=None, var_dir=cli_var))
    directory.app.import_records(DIRECTORY["orgs"], DIRECTORY["members"])
    directory.close()
    code, out, err = run_cli(capsys, "token", "issue", "--role", "member", "--org", "VIL1", "--sub", "M1")
    assert code == 0 and not err
    who = verify_token(Settings(_env_file=None), out.strip())
    assert (who.role, who.org, who.sub) == ("member", "VIL1", "M1")


# — defect 4: the demo tokens the README's examples need, in a file the shell can source ————————————————


def test_the_demo_tokens_cover_the_readme_and_can_be_sourced(tmp_path):
    from shared.demo import demo_tokens, write_demo_env

    settings = Settings(_env_file=None)
    tokens = {t.var: t.issue(settings) for t in demo_tokens()}
    expected = {
        "MEMBER_TOKEN": ("member", [], DEMO_ORG),
        "SEC_TOKEN": ("secretary", [], DEMO_ORG),
        "TOWNSHIP_TOKEN": ("superior", ["local:13/1301/130102/130102001"], None),
        "COUNTY_TOKEN": ("superior", ["local:13/1301/130102"], None),
        "COUNTY_ORGDEPT_TOKEN": ("org_admin", ["local:13/1301/130102"], None),
        "CITY_TOKEN": ("superior", ["local:13/1301"], None),
        "TAX_TOKEN": ("superior", ["vertical:tax/13"], None),
        "PROVINCE_TOKEN": ("org_admin", ["local:13"], None),
        "AUDITOR_TOKEN": ("auditor", ["local:13"], None),
    }
    for var, (role, scopes, org) in expected.items():
        who = verify_token(settings, tokens[var])
        assert (who.role, [str(s) for s in who.scopes], who.org) == (role, scopes, org), var
    env = tmp_path / "demo-tokens.env"
    write_demo_env(env, settings, "http://127.0.0.1:8123")
    shown = subprocess.run(
        ["bash", "-c", f"set -u; source {env}; echo $API $DEMO_ORG $MEMBER_ID; echo $TAX_TOKEN"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown[:2] == ["http://127.0.0.1:8123", DEMO_ORG]
    assert shown[2] == verify_token(settings, tokens["MEMBER_TOKEN"]).sub
    assert verify_token(settings, shown[3]).scopes == verify_token(settings, tokens["TAX_TOKEN"]).scopes


def test_deploy_nats_cluster_writes_one_config_per_host_and_refuses_an_even_count(tmp_path):
    out = tmp_path / "cluster"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "deploy",
            "nats-cluster",
            "--hosts",
            "n1.gov,n2.gov,n3.gov",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    configs = sorted(p.name for p in out.iterdir())
    assert configs == ["n1.conf", "n2.conf", "n3.conf"]
    n2 = (out / "n2.conf").read_text()
    assert "server_name: n2" in n2 and "sync_interval: always" in n2
    assert all(f"nats-route://n{i}.gov:6222" in n2 for i in (1, 2, 3))
    assert "CXZY_NATS_URL=nats://n1.gov:4222,nats://n2.gov:4222,nats://n3.gov:4222" in run.stdout
    even = subprocess.run(
        [sys.executable, "-m", "shared.cli", "deploy", "nats-cluster", "--hosts", "a,b", "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
    )
    assert even.returncode == 1 and "奇数" in even.stderr and len(even.stderr.strip().splitlines()) == 1
