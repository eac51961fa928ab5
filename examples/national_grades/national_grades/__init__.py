"""全国定级表 — a downstream consumer of cxzy's 定级确定 events (see ../README.md)."""
