"""Signing in and out. The session token lives in an HttpOnly cookie; the database keeps its hash.

The sign-in form carries a random token that must match a cookie set with the form (a
double-submit check), so another site cannot sign a coordinator in to an account of its own.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from dashboard.web import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    CsrfRefused,
    Posted,
    accounts,
    render,
    same,
    set_cookie,
    store,
)

router = APIRouter()
SIGN_IN_PATH = "/sign-in"
# Where a coordinator may be sent after signing in: only pages of this dashboard.
RETURN_TO = re.compile(r"/(cases/[0-9]{1,12}(/audit)?)?")


def return_to(path: str) -> str:
    """The page to go back to after signing in; the queue for anything else (no open redirect)."""
    return path if RETURN_TO.fullmatch(path) else "/"


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
    work = accounts(request)
    result = work.sign_in(username.strip(), password)
    if result.coordinator is None:
        problem = "locked" if result.locked else "wrong_password"
        return _form(request, problem, username.strip(), 401, next_page)
    response = RedirectResponse(return_to(next_page), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, work.open_session(result.coordinator), "/")
    response.delete_cookie(SIGN_IN_COOKIE, path=SIGN_IN_PATH)
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: Posted) -> Response:
    accounts(request).close_session(request.cookies.get(SESSION_COOKIE, ""))
    store(request).audit.add(session.coordinator.username, "sign_out")
    response = RedirectResponse(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
