"""HTTP API and editor web page (FastAPI). Only this package and tagger/cli/serve.py import
FastAPI or uvicorn; the core knows nothing of HTTP."""

from tagger.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]
