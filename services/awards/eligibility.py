"""Eligibility from the record (DOMAIN.md A4, with G9 and P8 as its sources). Pure rules over the facts
that :class:`services.awards.facts.Facts` gathers; every reason is given in Chinese and English.

For a campaign of year Y:

- org titles (先进基层党组织 …): the org's latest 定级确定 is of year Y or Y−1 and is the top rung of its
  ladder (``advanced``: 先进 / 好); and the org's latest rectification is not an unaccepted 整顿后进 (G6, G8).
- member titles (优秀共产党员 …): the member's latest 民主评议 result (E7) is of year Y or Y−1, scores at least 60
  and is not graded 不合格; and none of the member's pledges evaluated in Y−1 or Y (P7, P8) scored under 60 or
  was graded as failing.

An ineligible nominee may still be nominated when the campaign's opening authority has recorded an
override with its reason; the nomination then carries both the reasons and the override.
"""

from __future__ import annotations

PASS_SCORE = 60.0
FAILING_GRADES = frozenset({"不合格", "不满意", "较差", "后进"})


def org_reasons(facts: dict, year: int) -> list[str]:
    reasons = []
    grade = facts.get("grade")
    if grade is None:
        reasons.append("尚无定级确定记录 / no grade (定级确定) on record")
    elif grade["year"] < year - 1:
        reasons.append(f"最近定级为 {grade['year']} 年，已过时 / the latest grade is from {grade['year']}, too old")
    elif not grade["advanced"]:
        reasons.append(
            f"{grade['year']} 年定级为「{grade['grade']}」，不是最高等次 / "
            f"graded {grade['grade']} in {grade['year']}, not the top rung"
        )
    rect = facts.get("rectification")
    if rect and rect["track"] == "整顿" and rect["accepted"] != 1:
        reasons.append(f"{rect['year']} 年整顿后进尚未通过考核验收 / under 整顿 since {rect['year']}, not yet accepted")
    return reasons


def failing(score: float, grade: str) -> bool:
    return score < PASS_SCORE or grade in FAILING_GRADES


def member_reasons(facts: dict, year: int) -> list[str]:
    reasons = []
    dem = facts.get("democratic")
    if dem is None or dem["year"] < year - 1:
        reasons.append(f"{year - 1}–{year} 年无民主评议结果 / no 民主评议 result for {year - 1}–{year}")
    elif failing(float(dem["score"]), dem["grade"]):
        reasons.append(
            f"{dem['year']} 年民主评议为「{dem['grade']}」（{dem['score']:g} 分） / "
            f"民主评议 {dem['year']}: {dem['grade']} ({dem['score']:g})"
        )
    for p in facts.get("pledge_evaluations") or []:
        if failing(float(p["score"]), p["grade"]):
            reasons.append(
                f"承诺 {p['pledge_id']} 评议为「{p['grade']}」（{p['score']:g} 分） / "
                f"pledge {p['pledge_id']} evaluated {p['grade']} ({p['score']:g})"
            )
    return reasons


def assess(nominee_type: str, facts: dict, year: int, override: dict | None) -> dict:
    """The eligibility recorded on a nomination: the verdict, its reasons, the facts used, any override."""
    reasons = org_reasons(facts, year) if nominee_type == "org" else member_reasons(facts, year)
    return {"eligible": not reasons, "reasons": reasons, "facts": facts, "override": override if reasons else None}
