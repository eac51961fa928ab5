"""The README's examples run as written. Every shell block marked ``<!-- example: NAME -->`` is run, in
README order, in one bash (a user's terminal, ``set -euo pipefail``, after ``source var/demo-tokens.env``)
against a real stack with the demo directory, from a directory laid out as after `make run` (``./var`` with
`cxzy up`'s nats-server and the tokens file, ``.venv``). Each block must succeed and print what the README
says; the next block starts once every service has caught up."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

from services import SERVICES
from shared.demo import generate, write_demo_env
from shared.nats_io import EmbeddedNats

from .stack import Stack

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"<!-- example: ([\w-]+) -->\n```sh\n(.*?)```", re.DOTALL)

# what each example must print (as the README promises); every marked block has an entry here
EXPECTED: dict[str, list[str]] = {
    "try-it": ['"state":"approved"'],
    "try-it-ledger": ['"total":1', "每月走访困难群众两次", "pledges#1 proposed", "pledges#2 approved", "org=TAX13"],
    "evaluations": ['"rate":0.6', '"state":"completed","score":91.6,"grade":"优秀"'],
    "pledge-policy": ['"policy":"local:13/1301@'],
    "grading": ['"state":"determined","score":91,"grade":"先进"'],
    "grading-report": ['"advanced":1'],
    "awards-campaign": ['"phase":"nominating"'],
    "awards-nominate": ['"eligible":true', '"levels":["local:13/1301/130102/130102001","local:13/1301/130102"'],
    "awards-climb": ['"state":"pending","level":"local:13"}', '"state":"shortlisted"'],
    "branch-life": ["党员讨论、征求群众意见"],
}


def examples() -> list[tuple[str, str]]:
    return EXAMPLE.findall(README)


def test_every_runnable_example_is_checked():
    assert [name for name, _ in examples()] == list(EXPECTED)


class Terminal:
    """One bash, as the user's terminal: variables and functions of a block stay for the next ones."""

    SENTINEL = "__cxzy_example_done__"

    def __init__(self, cwd: Path):
        self.cwd = cwd
        self.proc: asyncio.subprocess.Process | None = None

    async def open(self) -> Terminal:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CXZY_")}
        self.proc = await asyncio.create_subprocess_exec(
            "bash",
            cwd=self.cwd,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        await self.run("set -euo pipefail\nsource var/demo-tokens.env")
        return self

    async def run(self, block: str) -> str:
        """Run ``block``; a failing command ends the shell (set -e), and the test with what it printed."""
        assert self.proc and self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{{\n{block}\n}} </dev/null\necho {self.SENTINEL}\n".encode())
        await self.proc.stdin.drain()
        lines: list[str] = []
        while True:
            try:
                line = (await asyncio.wait_for(self.proc.stdout.readline(), timeout=60)).decode()
            except TimeoutError:
                raise AssertionError(f"the example hangs:\n{block}\n--- output ---\n{''.join(lines)}") from None
            if not line or self.SENTINEL in line:  # the block's last line may lack its newline
                lines.append(line.partition(self.SENTINEL)[0])
                break
            lines.append(line)
        output = "".join(lines)
        assert line, f"the example failed (exit {await self.proc.wait()}):\n{block}\n--- output ---\n{output}"
        return output

    async def close(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


async def test_the_readme_examples_run_as_written(tmp_path):
    assert shutil.which("jq") and shutil.which("curl"), "the README's examples use curl and jq: apt-get install jq"
    stack = Stack(tmp_path, "sqlite", services=SERVICES, directory=generate())
    stack.nats = EmbeddedNats(tmp_path / "var" / "nats", port=stack.nats.port)  # where `cxzy up` runs it
    await stack.start()
    terminal = Terminal(tmp_path)
    try:
        write_demo_env(tmp_path / "var" / "demo-tokens.env", stack.settings, stack.base_url)
        (tmp_path / ".venv").symlink_to(REPO / ".venv")
        await terminal.open()
        assert examples(), "no runnable example in the README"
        for name, block in examples():
            output = await terminal.run(block)
            for expected in EXPECTED[name]:
                assert expected in output, f"{name}: {expected!r} not in\n{output}"
            await stack.settle()  # the next block may read views: a user typing is slower than this
    finally:
        await terminal.close()
        await stack.stop()
