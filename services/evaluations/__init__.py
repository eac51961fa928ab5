"""评议 — evaluation rounds and the window units' 三亮三比三评 (DOMAIN.md E1–E8, P7)."""
