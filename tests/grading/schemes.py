"""Indicator schemes for the grading tests: the seven indicators of G2, 100 points, one 群众评价
sub-item filled from the 党员群众评议 result (E8)."""

from services.grading.scheme import DEFAULT_LADDER

ITEMS = {  # indicator → [(code, max)]
    "党组织带头人": [("1.1", 10), ("1.2", 5)],
    "工作思路": [("2.1", 10)],
    "工作制度": [("3.1", 10), ("3.2", 5)],  # 3.2: 创先争优制度 established and published (G10)
    "活动阵地": [("4.1", 10)],
    "保障机制": [("5.1", 10)],
    "工作业绩": [("6.1", 20)],
    "群众评价": [("7.1", 15, "mass"), ("7.2", 5)],
}
ASSESSED = {code: top for items in ITEMS.values() for code, top, *_ in items if not _}


def make_scheme(version: str = "2025.1", ladder: list[dict] | None = None, mass: bool = True) -> dict:
    indicators = []
    for name, items in ITEMS.items():
        clean = []
        for code, top, *source in items:
            item = {"code": code, "title": f"{name}子项{code}", "max": top}
            if source and mass:
                item["source"] = "mass"
            clean.append(item)
        indicators.append({"name": name, "items": clean})
    return {
        "version": version,
        "indicators": indicators,
        "ladder": ladder or DEFAULT_LADDER,
        "weights": {"self": 0.3, "superior": 0.7},
    }


def points(share: float) -> dict[str, float]:
    """Every assessed sub-item at ``share`` of its max."""
    return {code: round(top * share, 2) for code, top in ASSESSED.items()}
