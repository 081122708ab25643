"""What every response carries, and how much of a request the dashboard will read.

Plain ASGI rather than a BaseHTTPMiddleware, so it sees every response, error pages too.

- Security headers on every response; Strict-Transport-Security too, unless the dashboard is
  served over plain http on purpose (DASHBOARD_INSECURE_HTTP=1).
- A request body over DASHBOARD_MAX_BODY_BYTES is refused with 413 and a plain page: at once
  when its Content-Length says so, or as soon as that many bytes have come (the app's error
  handler makes the page), so it never becomes a 500 or fills the memory.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dashboard.web import render
from ras_core.settings import DashboardSecurity

# Pages hold personal data: never cached, never framed, and nothing loaded from elsewhere.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"  # a year: browsers come back over https only
DRAIN_AT_MOST = 1 << 20  # bytes of a refused body read and dropped, so the client hears 413


class TooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


class Guard:
    def __init__(self, app: ASGIApp, security: DashboardSecurity) -> None:
        self.app = app
        self.limit = security.max_body_bytes
        self.headers = dict(SECURITY_HEADERS)
        if not security.insecure_http:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(self.headers)
            await send(message)

        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _drain(receive)
            page = render(Request(scope), "error.html", None, 413, problem="too_large")
            await page(scope, receive, send_with_headers)
            return
        await self.app(scope, self._limited(receive), send_with_headers)

    def _limited(self, receive: Receive) -> Receive:
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge()
            return message

        return limited


async def _drain(receive: Receive) -> None:
    """Read what the client is sending (up to DRAIN_AT_MOST), so it is not cut off mid-send."""
    dropped = 0
    while dropped <= DRAIN_AT_MOST:
        message = await receive()
        if message["type"] != "http.request":
            return
        dropped += len(message.get("body", b""))
        if not message.get("more_body", False):
            return
