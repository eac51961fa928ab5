"""cxzy kernel: what every service shares (docs/ARCHITECTURE.md) — envelope, scopes, directory, relay,
projection runner, settings, logging, auth, errors, app factory, CLI."""
