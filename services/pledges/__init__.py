"""承诺践诺 — members' and orgs' pledges (DOMAIN.md P1–P12)."""
