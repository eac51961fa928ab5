"""评比表彰 the awards service (DOMAIN.md A1–A7)."""
