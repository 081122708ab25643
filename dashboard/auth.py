"""Signing in and out. The session token lives in an HttpOnly cookie; the database keeps its hash.

The sign-in form carries a random token that must match a cookie set with the form (a
double-submit check), so another site cannot sign a coordinator in to an account of its own.

A try over the sign-in limits (dashboard/throttle.py) gets 429 before any password is checked.
Every other failure gets the same page, whether the user name is nobody's, the password is
wrong, or the account is locked or disabled, so the page does not tell which names exist.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from dashboard.throttle import SignInThrottle
from dashboard.web import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    CsrfRefused,
    Posted,
    accounts,
    clear_cookie,
    render,
    same,
    set_cookie,
    store,
)
from ras_core.store.accounts import Busy

router = APIRouter()
SIGN_IN_PATH = "/sign-in"
# Where a coordinator may be sent after signing in: only pages of this dashboard.
RETURN_TO = re.compile(r"/(cases/[0-9]{1,12}(/audit)?)?")


def return_to(path: str) -> str:
    """The page to go back to after signing in; the queue for anything else (no open redirect)."""
    return path if RETURN_TO.fullmatch(path) else "/"


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else ""


def throttle(request: Request) -> SignInThrottle:
    found: SignInThrottle = request.app.state.sign_in_throttle
    return found


def sign_in_address(path: str) -> str:
    back = return_to(path)
    return SIGN_IN_PATH if back == "/" else f"{SIGN_IN_PATH}?{urlencode({'next': back})}"


def _form(
    request: Request,
    problem: str = "",
    username: str = "",
    status_code: int = 200,
    next_page: str = "/",
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        None,
        status_code=status_code,
        problem=problem,
        username=username,
        sign_in_token=token,
        next_page=return_to(next_page),
        signed_out=request.query_params.get("signed_out") == "1",
    )
    set_cookie(request, response, SIGN_IN_COOKIE, token, SIGN_IN_PATH)
    return response


@router.get(SIGN_IN_PATH)
def sign_in_page(request: Request) -> Response:
    next_page = request.query_params.get("next", "/")
    if accounts(request).session(request.cookies.get(SESSION_COOKIE, "")) is not None:
        return RedirectResponse(return_to(next_page), status_code=303)
    return _form(request, next_page=next_page)


@router.post(SIGN_IN_PATH)
def sign_in(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    sign_in_token: str = Form(""),
    next_page: str = Form("/"),
) -> Response:
    if not same(sign_in_token, request.cookies.get(SIGN_IN_COOKIE, "")):
        raise CsrfRefused()
    username = username.strip()
    if not throttle(request).allow(client_address(request)):
        return _too_many(request, username, next_page)
    work = accounts(request)
    try:
        result = work.sign_in(username, password)
    except Busy:
        return _too_many(request, username, next_page)
    if result.coordinator is None:  # no such account, wrong password, locked or disabled
        return _form(request, "sign_in_failed", username, 401, next_page)
    response = RedirectResponse(return_to(next_page), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, work.open_session(result.coordinator), "/")
    clear_cookie(request, response, SIGN_IN_COOKIE, SIGN_IN_PATH)
    return response


def _too_many(request: Request, username: str, next_page: str) -> Response:
    response = _form(request, "too_many_sign_ins", username, 429, next_page)
    response.headers["Retry-After"] = "60"
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: Posted) -> Response:
    accounts(request).close_session(request.cookies.get(SESSION_COOKIE, ""))
    store(request).audit.add(session.coordinator.username, "sign_out")
    response = RedirectResponse(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE, "/")
    return response
