"""晋位升级 / 分类定级 — the annual grading of base party organisations (DOMAIN.md G1–G10, H2–H4)."""
