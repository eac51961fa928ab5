"""Every refusal people read is a correct Chinese sentence that says what happened and what to do, with its
English equivalent (issue 16): never only "输入不合法", no hybrids such as "报告进展ed", no sentence reused
where it is wrong ("您不是…的领导上级" to a member closing a round). A static scan keeps new raise sites honest;
a representative refusal of each service is driven over HTTP and its titles judged."""

from __future__ import annotations

import ast
import datetime as dt
import re
import uuid
from pathlib import Path

import pytest

from shared.errors import Forbidden, Invalid, NotFound, Problem, Refused, Unauthorized, validation_problem

from .evaluations.conftest import round_body
from .grading.schemes import make_scheme
from .stack import Stack

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
HYBRID = re.compile(r"[\u4e00-\u9fff」）](?:ed|ing|es)\b")  # a Chinese verb with an English ending
F_STRING_ENDING = re.compile(r"\}(?:ed|ing)\b")  # f"…{action}ed": whatever the action is, it is not English
GENERIC = {"输入不合法", "操作被拒绝", "无权操作", "未找到", "请求有误", "未认证", "对象不存在", "请求无法处理"}
GENERIC |= {c.title_zh for c in (Problem, Invalid, NotFound, Refused, Forbidden, Unauthorized)}  # last resorts
WHAT_TO_DO = ("请", "须", "只有", "应", "无需", "可以", "先", "再", "改为", "不能", "不在", "核对", "检查")
PROBLEM_CLASSES = {"Problem", "Invalid", "NotFound", "Refused", "Forbidden", "Unauthorized"}
SLUG_HELPERS = {"invalid", "broken_rule", "not_found", "refuse", "refuse_state", "forbidden"}


def judge(title_zh: str, title_en: str) -> None:
    """One refusal's titles: a Chinese sentence saying what to do, its English, no hybrid, no generic title."""
    assert CJK.search(title_zh), f"not Chinese: {title_zh!r}"
    assert title_zh not in GENERIC and not any(title_zh == g + "：" for g in GENERIC), title_zh
    assert not HYBRID.search(title_zh) and not HYBRID.search(title_en), (title_zh, title_en)
    assert any(cue in title_zh for cue in WHAT_TO_DO), f"says not what to do: {title_zh!r}"
    assert title_en and title_en != title_zh and re.search(r"[A-Za-z]{3}", title_en), title_en


# — the source ---------------------------------------------------------------------------------------------


def sources() -> list[Path]:
    return sorted(p for d in ("services", "shared") for p in (ROOT / d).rglob("*.py"))


def text_of(node: ast.AST | None) -> str | None:
    """The literal text of a str or an f-string (its constant parts), else None (a variable: judged at its source)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def chinese_titles(tree: ast.AST) -> list[tuple[int, str, str | None]]:
    """(line, callee, its Chinese title text) of every place a problem is made."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in PROBLEM_CLASSES:
            zh = next((k.value for k in node.keywords if k.arg == "title_zh"), None)
            found.append((node.lineno, name, "" if zh is None else text_of(zh)))
        elif name in SLUG_HELPERS and len(node.args) >= 3:
            # one order for every helper: (slug or identity, zh, en)
            found.append((node.lineno, name, text_of(node.args[1])))
    return found


def test_every_problem_raised_in_the_code_has_a_chinese_title():
    missing = []
    for path in sources():
        if path.name == "errors.py" and path.parent.name == "shared":
            continue  # the classes themselves
        for line, callee, zh in chinese_titles(ast.parse(path.read_text(), str(path))):
            if zh is not None and not CJK.search(zh):  # "" = no title_zh at all: the generic default
                missing.append(f"{path.relative_to(ROOT)}:{line} {callee}(…) without a Chinese title")
    assert not missing, "\n".join(missing)


def test_no_message_glues_an_english_ending_to_a_word():
    found = []
    for path in sources():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if HYBRID.search(line) or ('f"' in line and F_STRING_ENDING.search(line)):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_static_checks_can_fail():
    bad = ast.parse('raise Invalid("x", slug="y")\nraise broken_rule("s", "only English", "en")')
    assert [zh for _, _, zh in chinese_titles(bad)] == ["", "only English"]
    assert F_STRING_ENDING.search('f"only {states} pledges can be {action}ed"')
    assert HYBRID.search("报告进展ed")


# — request validation ---------------------------------------------------------------------------------------


def test_request_validation_says_which_field_and_what_it_needs():
    problem = validation_problem(
        [
            {
                "loc": ("body", "items"),
                "msg": "List should have at least 1 item",
                "type": "too_short",
                "ctx": {"min_length": 1},
            },
            {"loc": ("body", "org_id"), "msg": "Field required", "type": "missing"},
            {"loc": ("body", "foo"), "msg": "Extra inputs are not permitted", "type": "extra_forbidden"},
            {"loc": ("query", "year"), "msg": "Input should be a valid integer", "type": "int_parsing"},
        ]
    )
    assert problem.status == 422 and problem.slug == "invalid-input"
    for part in ("字段 items 至少需要 1 项", "字段 org_id 缺失", "不允许的字段 foo"):
        assert part in problem.title_zh
    assert "field items needs at least 1" in problem.title_en and "org_id is missing" in problem.title_en
    assert [e["loc"] for e in problem.body()["errors"]][-1] == ["query", "year"]
    assert "查询参数 year 须为整数" in problem.body()["errors"][-1]["zh"]
    judge(problem.title_zh, problem.title_en)
    literal = validation_problem(
        [
            {
                "loc": ("body", "kind"),
                "msg": "…",
                "type": "literal_error",
                "ctx": {"expected": "'annual', 'adhoc' or 'longterm'"},
            }
        ]
    )
    assert (
        "字段 kind 须为以下之一：'annual'、'adhoc'、'longterm'" in literal.title_zh and " or " not in literal.title_zh
    )
    broken = validation_problem([{"loc": ("body", 7), "msg": "JSON decode error", "type": "json_invalid"}])
    assert "请求体不是合法的 JSON" in broken.title_zh
    absent = validation_problem([{"loc": ("body",), "msg": "Field required", "type": "missing"}])
    assert "请求体缺失" in absent.title_zh


# — refusals over HTTP ----------------------------------------------------------------------------------------


@pytest.fixture
async def everything(tmp_path):
    s = await Stack(tmp_path, "sqlite", services=("pledges", "evaluations", "grading", "awards")).start()
    yield s
    await s.stop()


ITEMS = [{"text": "每月走访困难群众两次", "tags": ["带头服务群众"]}]


async def test_refusals_of_every_service_are_chinese_sentences_that_say_what_to_do(everything):
    s = everything
    http = s.http
    sec, m1, m3 = s.secretary("VIL1"), s.member("M1", "VIL1"), s.member("M3", "VIL1")
    county_dept = s.token("org_admin", "dept-130102", ["local:13/1301/130102"])
    county = s.token("superior", "sup-130102", ["local:13/1301/130102"])
    pledge = {"org_id": "VIL1", "pledger_kind": "individual", "member_ids": ["M1"], "kind": "annual", "items": ITEMS}
    pid = (await http.post("/api/pledges/pledges", json=pledge, headers=m1)).json()["pledge_id"]
    rid = (
        await http.post("/api/evaluations/rounds", json=round_body("member", "M2", "democratic"), headers=sec)
    ).json()["round_id"]
    assert (
        await http.post(f"/api/evaluations/rounds/{rid}/ratings", json={"mode": "peer", "score": 80}, headers=m3)
    ).is_success
    today = dt.date.today()
    campaign = {
        "opener_org_id": "P1301",
        "scope": "local:13/1301",
        "name": "七一表彰",
        "kind": "qiyi",
        "year": today.year,
        "titles": [{"name": "先进基层党组织", "quota": 1}],
        "nomination_until": (today - dt.timedelta(days=1)).isoformat(),
        "publicity_from": (today + dt.timedelta(days=10)).isoformat(),
        "publicity_until": (today + dt.timedelta(days=20)).isoformat(),
        "grant_on": (today + dt.timedelta(days=30)).isoformat(),
    }
    city_dept = s.token("org_admin", "dept-1301", ["local:13/1301"])
    deploy = {
        "year": 2026,
        "scope": "local:13/1301/130102/130102001",
        "issuer_org_id": "P130102",
        "schemes": {"农村": make_scheme()},
    }
    unknown = uuid.uuid4()
    # (request, status, the Chinese title says, and never says)
    cases = [
        (("POST", "/api/pledges/pledges", {**pledge, "items": []}, m1), 422, "字段 items 至少需要 1 项", ""),
        (("POST", "/api/pledges/pledges", {**pledge, "foo": 1}, m1), 422, "不允许的字段 foo", ""),
        (
            ("POST", "/api/pledges/pledges", {k: v for k, v in pledge.items() if k != "org_id"}, m1),
            422,
            "org_id 缺失",
            "",
        ),
        (("POST", "/api/pledges/pledges", {**pledge, "kind": "adhoc", "due": "2099-01-01"}, m1), 422, "即时承诺", ""),
        (("POST", "/api/pledges/pledges", {**pledge, "due": "2099-01-01"}, m1), 422, "年度承诺", ""),
        (("POST", "/api/pledges/pledges", {**pledge, "member_ids": ["M3"]}, m3), 409, "设岗", ""),
        (("POST", f"/api/pledges/pledges/{pid}/progress", {"text": "走访 3 户"}, m1), 409, "报告践诺进展", ""),
        (("POST", f"/api/pledges/pledges/{pid}/approve", None, m1), 403, "党组织书记", "承诺人"),
        (("POST", f"/api/pledges/pledges/{pid}/approve", None, s.secretary("COM1")), 403, "VIL1", ""),
        (("GET", f"/api/pledges/pledges/{unknown}", None, sec), 404, "承诺不存在", ""),
        (("GET", "/api/pledges/ledger?scope=tax13", None, county), 422, "范围", ""),
        (("POST", f"/api/evaluations/rounds/{rid}/close", None, m1), 403, "结束评议", "领导上级"),
        (("POST", f"/api/evaluations/rounds/{rid}/close", None, sec), 409, "参与", ""),
        (("POST", f"/api/evaluations/rounds/{rid}/ratings", {"mode": "peer", "score": 70}, m3), 409, "重复", ""),
        (("POST", f"/api/evaluations/rounds/{rid}/ratings", {"mode": "mass", "score": 70}, m3), 403, "二维码", ""),
        (("POST", f"/api/evaluations/rounds/{rid}/ratings", {"mode": "self", "score": 70}, m3), 403, "自评", ""),
        (("GET", f"/api/evaluations/rounds/{unknown}", None, sec), 404, "评议不存在", ""),
        (
            ("POST", "/api/evaluations/rounds", round_body("member", "M2", "democratic", modes={"peer": 3}), sec),
            422,
            "权重",
            "",
        ),
        (("POST", "/api/evaluations/rounds", round_body("member", "M6", "democratic"), county), 403, "COM1", ""),
        (("GET", f"/api/evaluations/rounds/{rid}/link", None, sec), 422, "群众评议", ""),
        (("POST", "/api/grading/cycles", deploy, county_dept), 422, "县级", ""),
        (("POST", "/api/grading/cycles", {**deploy, "scope": "local:13/1301/130102"}, county), 403, "组织部门", ""),
        (
            (
                "POST",
                "/api/grading/cycles",
                {**deploy, "scope": "local:13/1301/130102", "schemes": {"农业": make_scheme()}},
                county_dept,
            ),
            422,
            "领域",
            "",
        ),
        (("POST", "/api/awards/campaigns", campaign, city_dept), 422, "推荐申报", ""),
        (
            (
                "POST",
                f"/api/awards/campaigns/{unknown}/nominations",
                {"title": "先进基层党组织", "nominee_type": "org", "nominee_id": "VIL1", "deeds": "x"},
                sec,
            ),
            404,
            "表彰活动不存在",
            "",
        ),
        (
            (
                "POST",
                f"/api/awards/exemplars/{unknown}/studies",
                {"learner_type": "member", "learner_id": "M6", "form": "观看宣讲"},
                m1,
            ),
            403,
            "学习",
            "承诺人",
        ),
        (("POST", "/api/awards/campaigns", campaign, None), 401, "令牌", ""),
        (("GET", f"/api/pledges/pledges/{pid}", None, {"Authorization": "Bearer not-a-token"}), 401, "令牌", ""),
    ]
    titles: dict[str, str] = {}
    for (method, path, body, who), status, says, never in cases:
        r = await http.request(method, path, json=body, headers=who or {})
        assert r.status_code == status, (path, body, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        zh, en = problem["title_zh"], problem["title_en"]
        judge(zh, en)
        assert says in zh, (says, zh)
        assert not never or never not in zh, (never, zh)
        assert titles.setdefault(zh, problem["type"]) == problem["type"], f"one sentence for two problems: {zh}"
