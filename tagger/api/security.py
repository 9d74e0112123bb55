"""Security headers on every response: no MIME sniffing, no framing, no referrer, and a
Content-Security-Policy that lets each kind of page load only what it needs from this server."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The editor page: its own script, style sheet and API, nothing inline, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI and ReDoc start from inline scripts (FastAPI's pages); still nothing from elsewhere.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# JSON answers: nothing to load at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")

COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
NAMES = {name for name, _ in COMMON} | {b"content-security-policy"}


def policy(path: str) -> str:
    """The Content-Security-Policy for a request path."""
    if path in DOCS_PATHS:
        return DOCS_CSP
    if path == "/" or path.startswith("/static/"):
        return PAGE_CSP
    return API_CSP


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*COMMON, (b"content-security-policy", policy(scope["path"]).encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if h[0].lower() not in NAMES]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
