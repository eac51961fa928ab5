"""A realistic demo directory: 河北 (13) with prefectures, counties and townships, the tax system
(垂直管理, mode c) and a bank (mode b), a few hundred orgs of every domain, thousands of members
including exempt (P6) and 流动 ones. Deterministic for a given seed."""

from __future__ import annotations

import json
import random
import shlex
from dataclasses import dataclass
from pathlib import Path

from .auth import issue_token
from .settings import Settings

PREFECTURES = {
    "1301": ("石家庄市", {"130102": "长安区", "130104": "桥西区", "130105": "新华区"}),
    "1302": ("唐山市", {"130202": "路南区", "130203": "路北区", "130204": "古冶区"}),
    "1306": ("保定市", {"130602": "竞秀区", "130606": "莲池区", "130607": "满城区"}),
}
TOWNSHIPS = ("街道", "镇", "乡")
BASE_KINDS = [  # (suffix, name, domain, type)
    ("V", "村党支部", "农村", "支部"),
    ("C", "社区党支部", "社区", "支部"),
    ("W", "政务服务中心窗口党支部", "窗口单位", "支部"),
    ("E", "国有企业党总支", "国企", "总支"),
    ("P", "非公企业党支部", "非公", "支部"),
    ("G", "机关党支部", "机关事业", "支部"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌海燕鹏飞宇辉晓雪梅琳丹萍波浩宁红霞春光荣凤云玲"


def person_name(member_id: str) -> str:
    """A made-up but plausible 姓名 for a demo member (stable per id; the directory keeps it, no event does)."""
    rnd = random.Random(member_id)
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


POSTS = ("村务监督", "网格员", "窗口服务", "生产一线", "党务工作", "环境整治", None)


def generate(seed: int = 13, members_per_org: int = 16) -> dict:
    rnd = random.Random(seed)
    orgs: list[dict] = [{"id": "P13", "name": "中共河北省委", "type": "党委", "local_path": "13", "mode": "a"}]
    base: list[dict] = []
    orgs.append(
        {
            "id": "TAX13",
            "name": "国家税务总局河北省税务局党委",
            "type": "党委",
            "domain": "机关事业",
            "local_path": "13",
            "vertical_path": "tax/13",
            "mode": "c",
            "parent": None,
        }
    )
    for pc, (pname, counties) in PREFECTURES.items():
        orgs.append(
            {
                "id": f"P{pc}",
                "name": f"中共{pname}委",
                "type": "党委",
                "local_path": f"13/{pc}",
                "mode": "a",
                "parent": "P13",
            }
        )
        orgs.append(
            {
                "id": f"TAX{pc}",
                "name": f"{pname}税务局党委",
                "type": "党委",
                "domain": "机关事业",
                "local_path": f"13/{pc}",
                "vertical_path": f"tax/13/{pc}",
                "mode": "c",
                "parent": "TAX13",
            }
        )
        for cc, cname in counties.items():
            orgs.append(
                {
                    "id": f"P{cc}",
                    "name": f"中共{pname}{cname}委",
                    "type": "党委",
                    "local_path": f"13/{pc}/{cc}",
                    "mode": "a",
                    "parent": f"P{pc}",
                }
            )
            tax_branch = {
                "id": f"TAX{cc}",
                "name": f"{cname}税务局党支部",
                "type": "支部",
                "domain": "窗口单位",
                "local_path": f"13/{pc}/{cc}",
                "vertical_path": f"tax/13/{pc}/{cc}",
                "mode": "c",
                "parent": f"TAX{pc}",
            }
            bank = {
                "id": f"BANK{cc}",
                "name": f"工商银行{cname}支行党支部",
                "type": "支部",
                "domain": "国企",
                "local_path": f"13/{pc}/{cc}",
                "vertical_path": f"icbc/13/{pc}",
                "mode": "b",
                "parent": f"P{cc}",
            }
            orgs += [tax_branch, bank]
            base += [tax_branch, bank]
            for i, kind in enumerate(TOWNSHIPS, start=1):
                tc = f"{cc}{i:03d}"
                tname = f"{cname}第{i}{kind}"
                orgs.append(
                    {
                        "id": f"T{tc}",
                        "name": f"{tname}党(工)委",
                        "type": "党委",
                        "local_path": f"13/{pc}/{cc}/{tc}",
                        "mode": "a",
                        "parent": f"P{cc}",
                    }
                )
                for suffix, name, domain, otype in BASE_KINDS:
                    org = {
                        "id": f"O{tc}{suffix}",
                        "name": f"{tname}{name}",
                        "type": otype,
                        "domain": domain,
                        "local_path": f"13/{pc}/{cc}/{tc}",
                        "mode": "a",
                        "parent": f"T{tc}",
                    }
                    orgs.append(org)
                    base.append(org)
    members: list[dict] = []
    n = 0
    for org in base:
        for j in range(members_per_org):
            n += 1
            m = {
                "id": f"M{n:06d}",
                "name": person_name(f"M{n:06d}"),
                "org": org["id"],
                "status": "normal",
                "post": rnd.choice(POSTS),
                "leading_cadre": j == 0,
            }
            roll = rnd.random()
            if roll < 0.05:
                m.update(status="exempt", exempt_reason=rnd.choice(["年老体弱", "长期患病", "行动不便"]))
            elif roll < 0.10:
                m.update(status="mobile", location_org=rnd.choice(base)["id"])
            members.append(m)
    return {"orgs": orgs, "members": members}


def first_member(data: dict, org_id: str) -> str:
    """A demo member of ``org_id`` who can pledge at once (normal status, with a post)."""
    return demo_members(data, org_id, 1)[0]


DEMO_ORG = "O130102001V"  # 长安区第1街道村党支部
DEMO_TOWNSHIP = "local:13/1301/130102/130102001"  # its township committee T130102001 (长安区第1街道党(工)委)


def demo_members(data: dict, org_id: str = DEMO_ORG, count: int = 2) -> list[str]:
    """The first ``count`` demo members of ``org_id`` who can pledge at once (normal status, with a post)."""
    ready = (m["id"] for m in data["members"] if m["org"] == org_id and m["status"] == "normal" and m.get("post"))
    return [next(ready) for _ in range(count)]


@dataclass(frozen=True)
class DemoToken:
    var: str  # its name in var/demo-tokens.env
    label: str
    role: str
    sub: str
    scopes: tuple[str, ...] = ()
    org: str | None = None

    def issue(self, settings: Settings) -> str:
        return issue_token(settings, self.sub, self.role, list(self.scopes), self.org)


def demo_tokens(data: dict | None = None) -> list[DemoToken]:
    """Who the README's examples act as: one of each role, on the demo org's chain of command."""
    member, peer = demo_members(data or generate())
    county = "local:13/1301/130102"
    return [
        DemoToken("MEMBER_TOKEN", "党员（村党支部）", "member", member, org=DEMO_ORG),
        DemoToken("PEER_TOKEN", "同支部另一名党员", "member", peer, org=DEMO_ORG),
        DemoToken("SEC_TOKEN", "支部书记", "secretary", f"S-{DEMO_ORG}", org=DEMO_ORG),
        DemoToken("TOWNSHIP_TOKEN", "长安区第1街道党工委（乡镇）", "superior", "township-130102001", (DEMO_TOWNSHIP,)),
        DemoToken("COUNTY_TOKEN", "长安区委（县级，属地）", "superior", "county-130102", (county,)),
        DemoToken("COUNTY_ORGDEPT_TOKEN", "长安区委组织部", "org_admin", "orgdept-130102", (county,)),
        DemoToken("CITY_TOKEN", "石家庄市委", "superior", "city-1301", ("local:13/1301",)),
        DemoToken("TAX_TOKEN", "省税务局党委（垂直）", "superior", "tax-13", ("vertical:tax/13",)),
        DemoToken("PROVINCE_TOKEN", "省委组织部", "org_admin", "orgdept-13", ("local:13",)),
        DemoToken("AUDITOR_TOKEN", "审计", "auditor", "auditor-13", ("local:13",)),
    ]


def demo_env(settings: Settings, api: str, data: dict | None = None) -> list[tuple[str, str, str]]:
    """(name, value, what) of every variable the README's examples use: the base URL, ids, one token per role."""
    tokens = demo_tokens(data)
    return [
        ("API", api, "the HTTP API"),
        ("DEMO_ORG", DEMO_ORG, "长安区第1街道村党支部"),
        ("MEMBER_ID", tokens[0].sub, tokens[0].label),
        ("PEER_ID", tokens[1].sub, tokens[1].label),
        *((t.var, t.issue(settings), t.label) for t in tokens),
    ]


def write_demo_env(path: Path, settings: Settings, api: str, data: dict | None = None) -> list[tuple[str, str, str]]:
    """``source var/demo-tokens.env``: :func:`demo_env` as a file the shell can source."""
    env = demo_env(settings, api, data)
    lines = [f"# written by cxzy up; the tokens expire after {settings.jwt_ttl_s} s, the next start writes new ones"]
    lines += [f"export {name}={shlex.quote(value)}  # {what}" for name, value, what in env]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return env


def write(path: Path, seed: int = 13) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate(seed), ensure_ascii=False, indent=1))
    return path
