"""The dashboard as a FastAPI app: `create_app(store_or_url)`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from dashboard import auth, cases, pdf, privacy
from dashboard.guard import Guard
from dashboard.throttle import SignInThrottle
from dashboard.web import HERE, SESSION_COOKIE, CsrfRefused, SignInNeeded, render, store
from ras_core import settings
from ras_core.casework import Casework
from ras_core.settings import DashboardSecurity
from ras_core.store import Store, open_store
from ras_core.store.accounts import NotFound, Session, made_up_hash

PROBLEMS = {404: "not_found", 413: "too_large"}  # an HTTP error's words on the error page


def create_app(store_or_url: Store | str, *, security: DashboardSecurity | None = None) -> FastAPI:
    """The app over this database. A URL is migrated first; a Store is used as it is.

    `security` (cookies, HSTS, sign-in limits, body size) comes from the settings when None.
    """
    store = open_store(store_or_url) if isinstance(store_or_url, str) else store_or_url
    security = security or settings.current().dashboard_security
    made_up_hash()  # now, so that the first sign-in with a name nobody has takes no longer
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.casework = Casework(store)
    app.state.security = security
    app.state.sign_in_throttle = SignInThrottle(
        security.sign_ins_per_address, security.sign_ins_overall
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (auth, cases, pdf, privacy):
        app.include_router(module.router)
    _handle_errors(app)
    app.add_middleware(Guard, security=security)
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
        problem = PROBLEMS.get(code, "not_allowed")
        return render(request, "error.html", _session(request), code, problem=problem)
