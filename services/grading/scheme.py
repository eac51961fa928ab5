"""Indicator schemes 指标体系, the grade ladder 等次, scoring and the ratio rules (DOMAIN.md G2, G3, G5).
Pure functions, no I/O: the aggregates and the property tests both call them.

A scheme (one per domain 领域, G2)::

    {"version": "2026.1",
     "indicators": [{"name": "党组织带头人", "items": [{"code": "1.1", "title": "…", "max": 10}, …]}, … all seven],
     "ladder": [{"grade": "先进", "min": 85}, {"grade": "一般", "min": 60}, {"grade": "后进", "min": 0}],
     "weights": {"self": 0.3, "superior": 0.7}}

Sub-items' ``max`` total 100. A sub-item of 群众评价 may carry ``"source": "mass"``: its points come from
the 党员群众评议 result (E8) as ``max × score / 100``; every other sub-item scores
``weights.self × 自评 + weights.superior × 上级评定`` (G3). The canonical form is hashed (sha256 of its
canonical JSON): every grading event names that hash, so a replay uses the scheme of its time.
"""

from __future__ import annotations

import hashlib
import math
from fractions import Fraction
from itertools import pairwise
from typing import Any

from shared.envelope import canonical_json
from shared.errors import Invalid, Refused, invalid

INDICATORS = ("党组织带头人", "工作思路", "工作制度", "活动阵地", "保障机制", "工作业绩", "群众评价")  # G2
MASS_INDICATOR = "群众评价"
INSTITUTION_INDICATOR = "工作制度"  # G10: a sub-item here may be scored from the branch's published institution (B1)
DEFAULT_LADDER = [{"grade": "先进", "min": 85}, {"grade": "一般", "min": 60}, {"grade": "后进", "min": 0}]
FOUR_RUNG_LADDER = [
    {"grade": "好", "min": 90},
    {"grade": "较好", "min": 75},
    {"grade": "一般", "min": 60},
    {"grade": "较差", "min": 0},
]
DEFAULT_WEIGHTS = {"self": 0.3, "superior": 0.7}
TRACKS = ("巩固", "推动", "整顿")  # G6: 巩固先进, 推动一般, 整顿后进
EPS = 1e-6


def invalid_scheme(zh: str, en: str) -> Invalid:
    return invalid("grading-scheme", f"指标体系不合法：{zh}", f"Invalid indicator scheme: {en}")


def num(value: Any, what: str, what_zh: str) -> int | float:
    """A finite number, integral ones as int (so 10 and 10.0 hash the same)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid_scheme(f"{what_zh}须为数字", f"{what} must be a number")
    return int(value) if float(value).is_integer() else round(float(value), 4)


def canonical_ladder(raw: Any) -> list[dict]:
    """2–6 distinct rungs, best first, thresholds strictly falling to 0 (G2)."""
    if not isinstance(raw, list) or not 2 <= len(raw) <= 6:
        raise invalid_scheme("等次须为 2–6 级，由高到低", "a ladder has 2–6 rungs, best first")
    rungs: list[dict[str, Any]] = []
    mins: list[float] = []
    for rung in raw:
        grade = str((rung or {}).get("grade", "")).strip() if isinstance(rung, dict) else ""
        if not grade or len(grade) > 20:
            raise invalid_scheme("每一等次须有名称", "every rung names its grade (≤ 20 characters)")
        rungs.append({"grade": grade, "min": num(rung.get("min"), f"min of {grade}", f"等次「{grade}」的分数线")})
        mins.append(rungs[-1]["min"])
    if len({r["grade"] for r in rungs}) != len(rungs):
        raise invalid_scheme("等次名称不能重复", "grades of a ladder are distinct")
    if any(a <= b for a, b in pairwise(mins)) or mins[-1] != 0 or mins[0] > 100:
        raise invalid_scheme("分数线须由高到低，最低一级为 0", "thresholds fall strictly from ≤ 100 to 0")
    return rungs


def canonical_scheme(raw: Any) -> dict:
    """Validate a scheme and return its canonical form (G2); Invalid says what is wrong."""
    if not isinstance(raw, dict):
        raise invalid_scheme("指标体系须为对象", "a scheme is an object")
    version = str(raw.get("version", "")).strip()
    if not version or len(version) > 40:
        raise invalid_scheme("须注明版本", "a scheme names its version")
    by_name = {}
    for ind in raw.get("indicators") or []:
        name = ind.get("name") if isinstance(ind, dict) else None
        if name not in INDICATORS or name in by_name:
            raise invalid_scheme(
                "须为七项指标且各一次", f"indicators are the seven of G2, once each: {', '.join(INDICATORS)}"
            )
        by_name[name] = ind
    if set(by_name) != set(INDICATORS):
        missing = [i for i in INDICATORS if i not in by_name]
        raise invalid_scheme(f"缺少指标：{'、'.join(missing)}", f"missing indicators: {', '.join(missing)}")
    indicators, codes, total = [], set(), 0.0
    for name in INDICATORS:
        items = by_name[name].get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 30:
            raise invalid_scheme(f"{name} 须细化为 1–30 个子项", f"{name} is refined into 1–30 sub-items")
        clean = []
        for item in items:
            code = str(item.get("code", "")).strip() if isinstance(item, dict) else ""
            if not code or len(code) > 20 or code in codes:
                raise invalid_scheme("子项编号须唯一", "every sub-item has a unique code (≤ 20 characters)")
            codes.add(code)
            source = item.get("source", "self_superior")
            if source not in ("self_superior", "mass", "institution") or (source == "mass" and name != MASS_INDICATOR):
                raise invalid_scheme(
                    "只有群众评价子项可取自党员群众评议", "only 群众评价 sub-items may take source 'mass' (E8)"
                )
            if source == "institution" and name != INSTITUTION_INDICATOR:
                raise invalid_scheme(
                    "只有工作制度子项可取自党支部创先争优制度",
                    "only 工作制度 sub-items may take source 'institution' (G10)",
                )
            top = num(item.get("max"), f"max of {code}", f"子项 {code} 的分值")
            if top <= 0:
                raise invalid_scheme(f"子项 {code} 分值须为正", f"max of {code} must be positive")
            total += top
            clean.append(
                {"code": code, "title": str(item.get("title", "")).strip()[:200], "max": top, "source": source}
            )
        indicators.append({"name": name, "items": clean})
    if abs(total - 100) > EPS:
        raise invalid_scheme(f"子项分值合计 {total:g}，应为 100", f"sub-items total {total:g} points, not 100")
    weights = raw.get("weights") or DEFAULT_WEIGHTS
    w_self, w_sup = (
        num(weights.get("self"), "weights.self", "自评权重"),
        num(weights.get("superior"), "weights.superior", "上级评定权重"),
    )
    if w_self < 0 or w_sup < 0 or abs(w_self + w_sup - 1) > EPS:
        raise invalid_scheme("自评与上级评定权重之和须为 1", "weights self + superior are ≥ 0 and total 1")
    return {
        "version": version,
        "indicators": indicators,
        "ladder": canonical_ladder(raw.get("ladder") or DEFAULT_LADDER),
        "weights": {"self": w_self, "superior": w_sup},
    }


def scheme_hash(scheme: dict) -> str:
    return hashlib.sha256(canonical_json(scheme)).hexdigest()


def items_of(scheme: dict) -> list[dict]:
    return [item for ind in scheme["indicators"] for item in ind["items"]]


def assessed_items(scheme: dict) -> dict[str, int | float]:
    """Sub-items scored by 自评 and 上级评定 (not those taken from E8 or from a published institution): code → max."""
    return {i["code"]: i["max"] for i in items_of(scheme) if i["source"] == "self_superior"}


def uses_mass(scheme: dict) -> bool:
    return any(i["source"] == "mass" for i in items_of(scheme))


def uses_institution(scheme: dict) -> bool:
    return any(i["source"] == "institution" for i in items_of(scheme))


def check_points(scheme: dict, points: dict) -> dict[str, int | float]:
    """Points for exactly the assessed sub-items, each within 0..max."""
    wanted = assessed_items(scheme)
    if not isinstance(points, dict) or set(points) != set(wanted):
        missing, unknown = sorted(set(wanted) - set(points or {})), sorted(set(points or {}) - set(wanted))
        raise Invalid(
            f"score every assessed sub-item once; missing {missing}, unknown {unknown}",
            slug="grading-points",
            title_zh=f"评分须覆盖指标体系的全部子项且不含其他子项：缺少 {'、'.join(missing) or '无'}，"
            f"多出 {'、'.join(unknown) or '无'}",
            title_en=f"Score exactly the scheme's sub-items: missing {', '.join(missing) or 'none'}, "
            f"unknown {', '.join(unknown) or 'none'}",
        )
    clean = {}
    for code, top in wanted.items():
        value = num(points[code], f"points of {code}", f"子项 {code} 的得分")
        if not 0 <= value <= top:
            raise Invalid(
                f"points of {code} must be within 0–{top}",
                slug="grading-points",
                title_zh=f"子项 {code} 得分须在 0–{top} 之间",
                title_en=f"Points of {code} must be within 0–{top}",
            )
        clean[code] = value
    return clean


def combine(
    scheme: dict, self_points: dict, superior_points: dict, mass_score: float | None, institution: bool = False
) -> dict:
    """G3: the total out of 100 and its parts. ``mass_score`` (0–100) is the E8 result, if any; ``institution``
    whether the branch has published a 创先争优 institution (B1), which scores the institution sub-items (G10)."""
    w = scheme["weights"]
    self_part = sup_part = mass_part = inst_part = 0.0
    for item in items_of(scheme):
        if item["source"] == "mass":
            mass_part += item["max"] * (mass_score or 0.0) / 100
        elif item["source"] == "institution":
            inst_part += item["max"] if institution else 0.0
        else:
            self_part += w["self"] * self_points[item["code"]]
            sup_part += w["superior"] * superior_points[item["code"]]
    total = min(100.0, max(0.0, self_part + sup_part + mass_part + inst_part))
    parts = {
        "self": round(self_part, 2),
        "superior": round(sup_part, 2),
        "mass": round(mass_part, 2),
        "score": round(total, 2),
    }
    if uses_institution(scheme):
        parts["institution"] = round(inst_part, 2)
    return parts


def grade_for(ladder: list[dict], score: float) -> tuple[str, int]:
    """The best rung whose threshold the score reaches: (grade, rank), rank 0 = best."""
    for rank, rung in enumerate(ladder):
        if score >= rung["min"]:
            return rung["grade"], rank
    return ladder[-1]["grade"], len(ladder) - 1


def rank_of(ladder: list[dict], grade: str) -> int:
    for rank, rung in enumerate(ladder):
        if rung["grade"] == grade:
            return rank
    raise Invalid(
        f"grade {grade!r} is not on the ladder {[r['grade'] for r in ladder]}",
        slug="grading-grade",
        title_zh=f"等次「{grade}」不在本指标体系中，请从 {'、'.join(r['grade'] for r in ladder)} 中选择",
        title_en=f"Grade {grade!r} is not on the ladder; choose one of {', '.join(r['grade'] for r in ladder)}",
    )


def track_for(rank: int, rungs: int) -> str:
    """G6: 巩固 the top rung, 整顿 the bottom one, 推动 those between."""
    return TRACKS[0] if rank == 0 else TRACKS[2] if rank == rungs - 1 else TRACKS[1]


# G5 ratio rules ------------------------------------------------------------------------------------
def canonical_ratio(raw: Any) -> dict:
    """``{"max_top": share or null, "min_bottom": share or null}``, shares within 0–1."""
    raw = raw or {}
    out = {}
    for key in ("max_top", "min_bottom"):
        value = raw.get(key)
        if value is not None:
            value = num(value, key, f"比例 {key} ")
            if not 0 <= value <= 1:
                raise Invalid(
                    f"{key} is a share within 0–1",
                    slug="grading-ratio",
                    title_zh=f"比例 {key} 须在 0 到 1 之间，如 0.3 表示 30%",
                    title_en=f"{key} is a share within 0–1, e.g. 0.3 for 30%",
                )
        out[key] = value
    if out["max_top"] is not None and out["min_bottom"] is not None and out["max_top"] + out["min_bottom"] > 1:
        raise Invalid(
            "max_top + min_bottom exceed 1",
            slug="grading-ratio",
            title_zh="先进比例上限（max_top）与后进比例下限（min_bottom）之和不能超过 1，请调低其中之一",
            title_en="max_top + min_bottom exceed 1; lower one of them",
        )
    return out


def top_limit(ratio: dict, orgs: int) -> int | None:
    """At most floor(max_top × N) orgs on the top rung."""
    return None if ratio["max_top"] is None else math.floor(Fraction(str(ratio["max_top"])) * orgs)


def bottom_needed(ratio: dict, orgs: int) -> int:
    """At least ceil(min_bottom × N) orgs on the bottom rung."""
    return 0 if ratio["min_bottom"] is None else math.ceil(Fraction(str(ratio["min_bottom"])) * orgs)


def ratio_breach(ratio: dict, orgs: int, top: int, bottom: int, determined: int, rank: int, rungs: int) -> dict | None:
    """G5, checked at each determination against the N orgs the cycle covers (fixed at 安排部署).

    - cap: after this one, orgs on the top rung ≤ floor(max_top × N);
    - minimum: after this one, bottom-rung orgs + orgs still undetermined ≥ ceil(min_bottom × N), so the
      minimum share of 后进 can still be met.
    Returns the numbers of the broken rule, or None.
    """
    is_top, is_bottom = rank == 0, rank == rungs - 1
    top_after, bottom_after = top + is_top, bottom + is_bottom
    remaining = max(0, orgs - determined - 1)
    limit = top_limit(ratio, orgs)
    if is_top and limit is not None and top_after > limit:
        return {
            "rule": "G5-max-top",
            "orgs_in_scope": orgs,
            "max_top": ratio["max_top"],
            "top_limit": limit,
            "top_after": top_after,
        }
    needed = bottom_needed(ratio, orgs)
    if not is_bottom and bottom_after + remaining < needed:
        return {
            "rule": "G5-min-bottom",
            "orgs_in_scope": orgs,
            "min_bottom": ratio["min_bottom"],
            "bottom_needed": needed,
            "bottom_after": bottom_after,
            "undetermined_after": remaining,
        }
    return None


def refuse_ratio(breach: dict) -> Refused:
    if breach["rule"] == "G5-max-top":
        zh = (
            f"先进比例超限 (G5)：范围内 {breach['orgs_in_scope']} 个组织，上限 {breach['max_top']:.0%} 即 "
            f"{breach['top_limit']} 个，本次定级后将有 {breach['top_after']} 个；请改定其他等次，或由部署机关记录例外批准"
        )
        en = (
            f"share of the top rung capped (G5): {breach['top_after']} > {breach['top_limit']} "
            f"of {breach['orgs_in_scope']} orgs"
        )
    else:
        zh = (
            f"后进比例不足 (G5)：范围内 {breach['orgs_in_scope']} 个组织至少需 {breach['bottom_needed']} 个后进，"
            f"本次定级后仅剩 {breach['bottom_after']} 个后进、{breach['undetermined_after']} 个未定级；"
            "请改定其他等次，或由部署机关记录例外批准"
        )
        en = (
            f"minimum share of the bottom rung could no longer be met (G5): need {breach['bottom_needed']}, "
            f"{breach['bottom_after']} + {breach['undetermined_after']} undetermined"
        )
    return Refused(
        en + "; the issuing authority may record an override with a reason",
        slug="grading-ratio",
        title_zh=zh,
        title_en=f"Ratio rule broken (G5): {en}; choose another grade, or the issuing authority records an override",
        **breach,
    )
