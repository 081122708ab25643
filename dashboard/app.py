"""The dashboard as a FastAPI app: `create_app(engine_or_url)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from dashboard import auth, cases, pdf
from dashboard.web import HERE, SESSION_COOKIE, CsrfRefused, SignInNeeded, render, store
from ras_core import settings
from ras_core.casework import Casework
from ras_core.store import Store, open_store
from ras_core.store.accounts import NotFound, Session

# Pages hold personal data: never cached, never framed, and nothing loaded from elsewhere.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def create_app(store_or_url: Store | str, *, secure_cookies: bool | None = None) -> FastAPI:
    """The app over this database. A URL is migrated first; a Store is used as it is."""
    store = open_store(store_or_url) if isinstance(store_or_url, str) else store_or_url
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.casework = Casework(store)
    if secure_cookies is None:
        secure_cookies = settings.current().secure_cookies
    app.state.secure_cookies = secure_cookies
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (auth, cases, pdf):
        app.include_router(module.router)
    _handle_errors(app)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


def _session(request: Request) -> Session | None:
    return store(request).accounts.session(request.cookies.get(SESSION_COOKIE, ""))


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    def _sign_in(request: Request, _: Exception) -> Response:
        back = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(auth.sign_in_address(back), status_code=303)

    @app.exception_handler(CsrfRefused)
    def _csrf(request: Request, _: Exception) -> Response:
        return render(request, "error.html", _session(request), 403, problem="csrf")

    @app.exception_handler(NotFound)
    def _not_found(request: Request, _: Exception) -> Response:
        return render(request, "error.html", _session(request), 404, problem="not_found")

    @app.exception_handler(RequestValidationError)
    def _bad_address(request: Request, _: Exception) -> Response:
        return render(request, "error.html", _session(request), 404, problem="not_found")

    @app.exception_handler(HTTPException)
    def _http(request: Request, error: Exception) -> Response:
        code = error.status_code if isinstance(error, HTTPException) else 500
        problem = "not_found" if code == 404 else "not_allowed"
        return render(request, "error.html", _session(request), code, problem=problem)
