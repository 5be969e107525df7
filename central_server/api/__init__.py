"""The HTTP API (FastAPI): routers per area and the app factory."""
