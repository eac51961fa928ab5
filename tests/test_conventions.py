"""docs/ARCHITECTURE.md "Conventions": typed (mypy clean on shared/, services/ and workspace/) and ruff-clean and formatted."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_lint_and_format():
    lint = run("ruff", "check", "shared", "services", "workspace", "examples", "tests")
    assert lint.returncode == 0, lint.stdout
    fmt = run("ruff", "format", "--check", "shared", "services", "workspace", "examples", "tests")
    assert fmt.returncode == 0, fmt.stdout


def test_mypy_clean_on_kernel_and_services():
    result = run("mypy", "shared", "services", "workspace")
    assert result.returncode == 0, result.stdout
