"""The OpenAPI document made exact, and responses kept free of the server's file paths."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from fastapi import FastAPI

FEEDBACK_TAG_LISTS = ("accepted", "rejected", "added")
_ABSOLUTE = re.compile(r"^(?:/|~|[A-Za-z]:[\\/]|\\\\)")


def exact_openapi(app: FastAPI, tags: Sequence[str]) -> None:
    """Make the app's OpenAPI document say what the server checks, so that clients (and tests)
    generating requests from it make valid ones: feedback tags are the model's own."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            fields = schema["components"]["schemas"]["FeedbackRequest"]["properties"]
            for name in FEEDBACK_TAG_LISTS:
                fields[name]["items"]["enum"] = list(tags)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def without_paths(value: Any) -> Any:
    """`value` (decoded JSON) with every absolute file path shortened to its last part: a
    manifest names the training machine's folders, which are nobody's business over HTTP."""
    if isinstance(value, dict):
        return {key: without_paths(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_paths(item) for item in value]
    if isinstance(value, str) and _ABSOLUTE.match(value):
        path = PureWindowsPath(value) if "\\" in value else PurePosixPath(value)
        return path.name or "."
    return value
