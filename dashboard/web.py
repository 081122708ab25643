"""What every page shares: the templates, the signed-in coordinator and the CSRF check."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ras_core.casework import Casework
from ras_core.domain.money import format_money
from ras_core.settings import DashboardSecurity
from ras_core.store import Store
from ras_core.store.accounts import Accounts, Session

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dashboard_session"
SIGN_IN_COOKIE = "dashboard_sign_in"  # double-submit token for the sign-in form
CSRF_FIELD = "csrf_token"
UK = ZoneInfo("Europe/London")


class SignInNeeded(Exception):
    """No valid session: the coordinator is sent to the sign-in page."""


class CsrfRefused(Exception):
    """A form came back without the token this session (or sign-in page) gave it."""


def when(value: datetime | None) -> str:
    """A time as people in the UK read it: "23 Nov 2026, 14:05" (UK time, summer or winter)."""
    return value.astimezone(UK).strftime("%-d %b %Y, %H:%M") if value is not None else ""


templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
templates.env.filters["money"] = format_money
templates.env.filters["when"] = when


def casework(request: Request) -> Casework:
    work: Casework = request.app.state.casework
    return work


def store(request: Request) -> Store:
    found: Store = request.app.state.store
    return found


def accounts(request: Request) -> Accounts:
    return store(request).accounts


def security(request: Request) -> DashboardSecurity:
    found: DashboardSecurity = request.app.state.security
    return found


def same(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and bool(expected) and secrets.compare_digest(sent, expected)


def signed_in(request: Request) -> Session:
    session = accounts(request).session(request.cookies.get(SESSION_COOKIE, ""))
    if session is None:
        raise SignInNeeded()
    return session


async def posted(request: Request) -> Session:
    """A signed-in coordinator's form, carrying the session's CSRF token."""
    session = await run_in_threadpool(signed_in, request)
    form = await request.form()
    if not same(form.get(CSRF_FIELD), session.csrf_token):
        raise CsrfRefused()
    return session


SignedIn = Annotated[Session, Depends(signed_in)]
Posted = Annotated[Session, Depends(posted)]


def render(
    request: Request,
    name: str,
    session: Session | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return templates.TemplateResponse(
        request, name, {"session": session, **context}, status_code=status_code
    )


def set_cookie(request: Request, response: Response, name: str, value: str, path: str) -> None:
    """HttpOnly, SameSite=Strict, and Secure unless served over plain http on purpose."""
    response.set_cookie(
        name,
        value,
        path=path,
        httponly=True,
        samesite="strict",
        secure=not security(request).insecure_http,
    )


def clear_cookie(request: Request, response: Response, name: str, path: str) -> None:
    """Delete a cookie with the flags it was set with (a browser may keep it otherwise)."""
    response.delete_cookie(
        name,
        path=path,
        httponly=True,
        samesite="strict",
        secure=not security(request).insecure_http,
    )
