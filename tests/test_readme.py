"""The README's configuration table is the code's: every setting is documented, none invented."""

import re
from pathlib import Path

from shared.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_in_the_readme_and_no_other():
    documented = set(re.findall(r"^\| `(CXZY_[A-Z_]+)`", README, re.MULTILINE))
    assert documented == {f"CXZY_{name.upper()}" for name in Settings.model_fields}


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
