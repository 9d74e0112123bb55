"""Every failure becomes JSON `{"error": {"code", "message"}}` with a fitting status.

Codes: a TaggerError keeps its own (E400 input, E600 feedback store...); HTTP-level problems
use E + status (E401 token, E404, E413 body too large, E422 invalid request). An unexpected
exception is a 500 with a generic message; its traceback goes to the server log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tagger.errors import FeedbackError, InputError, TaggerError

log = logging.getLogger("tagger.api")


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error body `{"error": {"code", "message"}}` with this status and headers."""
    # A message may quote the request (a field name), which may hold a lone surrogate that
    # UTF-8 cannot encode: spelt out as "\\ud800" instead of failing the answer.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def describe_validation(errors: list[dict[str, Any]]) -> str:
    """pydantic errors as one readable line: `articles[3].text: empty text; limit: ...`."""
    lines = []
    for e in errors[:5]:
        if e.get("type") == "json_invalid":
            reason = (e.get("ctx") or {}).get("error", "malformed")
            lines.append(f"request body is not valid JSON ({reason})")
            continue
        message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{_location(tuple(e.get('loc', ())))}: {message}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "; ".join(lines) + more


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "E422", describe_validation(list(exc.errors())))


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return error_response(
        exc.status_code, f"E{exc.status_code}", str(exc.detail), dict(exc.headers or {})
    )


async def _tagger(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TaggerError)
    if isinstance(exc, InputError):
        status = 422
    elif isinstance(exc, FeedbackError):
        status = 503  # the server's disk or database, not the request, is at fault
    else:
        status = 400
    return error_response(status, exc.code, exc.message)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "E500", "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Make every exception, expected or not, an error body as described above."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(TaggerError, _tagger)
    app.add_exception_handler(Exception, _unexpected)


class BodyLimit:
    """ASGI middleware: request bodies over `max_bytes` get 413 before any route sees them.

    A declared Content-Length over the limit is refused without reading; a streamed body is
    read up to the limit, then handed to the app in one piece (routes buffer it anyway).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse an oversized POST, PUT or PATCH body with 413; other requests pass through."""
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body is over the limit of {self.max_bytes:,} bytes"
        await error_response(413, "E413", message)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
