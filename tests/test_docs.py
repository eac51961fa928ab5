"""The project stands on its own: its docs are in docs/, every rule the code cites is defined in
docs/DOMAIN.md, every section the code cites exists in docs/ARCHITECTURE.md, and every local link in
the README and the docs resolves."""

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
OUTSIDE = "../" + "shared"  # spelt in two parts so that this file does not cite it
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", ".hypothesis"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".toml", ".conf", ".cfg", ".txt", ".json", ".yml", ".yaml", ".sh", ""}

RULE = r"[PEGAHB][0-9]{1,2}"
# a rule id standing alone: not part of an identifier, a quoted string, a path or a CSV line ("P13" is an org id)
CITED = re.compile(rf"(?<![\w\"'/.:,\\-]){RULE}(?![\w\"'/\\])")
IN_PARENS = re.compile(r"\(([^()\n]*)\)")
AFTER_DOMAIN = re.compile(r"DOMAIN(?:\.md)?\b([^\n]{0,100})")
DEFINED = re.compile(rf"^- \*\*({RULE})\.\*\*", re.MULTILINE)
DESIGN_SECTION = re.compile(r'ARCHITECTURE\.md[ ,:]{1,3}"([^"\n]+)"((?:,\s*"[^"\n]+")*)')
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")

EXPECTED_RULES = (
    [f"H{i}" for i in range(1, 6)]
    + [f"P{i}" for i in (*range(1, 10), 12)]
    + [f"E{i}" for i in range(1, 9)]
    + [f"G{i}" for i in range(1, 11)]
    + [f"A{i}" for i in range(1, 8)]
    + [f"B{i}" for i in range(1, 7)]
)


def project_files() -> list[Path]:
    """Tracked and new (not ignored) files; without git, every file outside the usual build and data dirs."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split("\n")
        paths = [REPO / name for name in listed if name]
    except (OSError, subprocess.SubprocessError):
        paths = [p for p in REPO.rglob("*") if not SKIPPED_DIRS & set(p.relative_to(REPO).parts)]
    return [p for p in paths if p.is_file() and p.suffix in TEXT_SUFFIXES and ".egg-info" not in str(p)]


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def outside_docs(path: Path) -> bool:
    return path.relative_to(REPO).parts[0] != "docs"


def test_nothing_outside_docs_refers_to_the_workspace_beside_the_repo():
    offenders = [str(p.relative_to(REPO)) for p in project_files() if outside_docs(p) and OUTSIDE in read(p)]
    assert not offenders, f"these files refer to {OUTSIDE}, which a clone does not have; link docs/ instead"


def test_domain_defines_every_rule_number_once():
    defined = DEFINED.findall((DOCS / "DOMAIN.md").read_text(encoding="utf-8"))
    assert sorted(defined) == sorted(EXPECTED_RULES)


def cited_rules() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for path in project_files():
        if not outside_docs(path):
            continue
        text = read(path)
        for pattern in (IN_PARENS, AFTER_DOMAIN):
            for match in pattern.finditer(text):
                for rule in CITED.findall(match.group(1)):
                    cited.setdefault(rule, set()).add(str(path.relative_to(REPO)))
    return cited


def test_every_rule_the_code_cites_is_defined_in_docs_domain():
    defined = set(DEFINED.findall((DOCS / "DOMAIN.md").read_text(encoding="utf-8")))
    cited = cited_rules()
    assert {"G5", "H3", "P7"} <= set(cited), "the citation scan finds nothing: the pattern is broken"
    unknown = {rule: sorted(files) for rule, files in cited.items() if rule not in defined}
    assert not unknown, f"rules cited but not defined in docs/DOMAIN.md: {unknown}"


def test_every_section_the_code_cites_exists_in_docs_architecture():
    headings = set(re.findall(r"^#+ (.+?)\s*$", (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8"), re.MULTILINE))
    missing: dict[str, set[str]] = {}
    for path in project_files():
        if not outside_docs(path):
            continue
        for match in DESIGN_SECTION.finditer(read(path)):
            for section in [match.group(1), *re.findall(r'"([^"\n]+)"', match.group(2))]:
                if section not in headings:
                    missing.setdefault(section, set()).add(str(path.relative_to(REPO)))
    assert not missing, f"sections the code cites that are not headings of docs/ARCHITECTURE.md: {missing}"


def local_links(markdown: Path) -> list[tuple[str, Path]]:
    out = []
    for target in LINK.findall(read(markdown)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL or an anchor on the same page
        out.append((target, (markdown.parent / target.split("#", 1)[0]).resolve()))
    return out


def test_every_local_link_in_readmes_and_docs_resolves():
    pages = [p for p in project_files() if p.suffix == ".md" and (p.name == "README.md" or not outside_docs(p))]
    assert REPO / "README.md" in pages and DOCS / "DOMAIN.md" in pages
    broken = [
        f"{page.relative_to(REPO)}: {target}"
        for page in pages
        for target, resolved in local_links(page)
        if not resolved.exists() or not resolved.is_relative_to(REPO)
    ]
    assert not broken, f"links to files that are not in the repo: {broken}"
