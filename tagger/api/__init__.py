"""HTTP API and editor web page (FastAPI). Only this package and tagger/cli/serve.py import
FastAPI or uvicorn; the core knows nothing of HTTP.

`ApiSettings` and `create_app` are imported on first use, so that `tagger.api.server` (binding
the port) loads without FastAPI, scikit-learn or spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tagger.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tagger.api import app

        return getattr(app, name)
    raise AttributeError(f"module 'tagger.api' has no attribute {name!r}")
