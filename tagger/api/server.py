"""Running the app on uvicorn (the only place outside the app that knows the server)."""

from __future__ import annotations

from typing import Any

import uvicorn


def run_server(app: Any, host: str, port: int, log_level: str) -> None:
    """Serve `app` on host:port until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower())
