"""A request's parameters, read from any encoding into typed values, and the replies' types.

PTB sends forms (strings as they are, everything else JSON-encoded, files as multipart
parts); other clients send a query string or a JSON body. `Params` hides the difference and
validates the values shared by several methods (formatted text, reply markup).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from tests.support.telegram_formatting import EntityParseError, parse_text
from tests.support.telegram_records import JSON

T = TypeVar("T")

MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)


class ApiError(Exception):
    """A Bot API error reply."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


@dataclass
class Result:
    """A handler's result with the optional ``description`` Telegram adds to some replies."""

    value: Any
    description: str | None = None


@dataclass
class Upload:
    """A file sent as a multipart part."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Request parameters: strings from forms or query strings, or JSON values."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list | bool) else str(value)

    def integer(self, name: str) -> int | None:
        return self._numeric(name, int)

    def number(self, name: str) -> float | None:
        return self._numeric(name, float)

    def _numeric(self, name: str, kind: Callable[[Any], T]) -> T | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return kind(value)
        except (TypeError, ValueError):
            # approximate wording
            raise ApiError(400, f'Bad Request: field "{name}" must be a valid Number') from None

    def boolean(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json_value(self, name: str, what: str | None = None) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {what or name} JSON object") from None

    def summary(self) -> JSON:
        """Parameters for the call log, with JSON strings decoded and files summarised."""
        out: JSON = {}
        for name, value in self.values.items():
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            out[name] = value
        for name, upload in self.uploads.items():
            out[name] = f"<file {upload.filename!r}, {len(upload.data)} bytes>"
        return out

    # ------------------------------------------------- values several methods share

    def formatted(
        self, name: str, entities_name: str, limit: int, too_long: str
    ) -> tuple[str | None, list[JSON], str | None, str | None]:
        """Text or caption after parse_mode: plain, entities, source, parse_mode."""
        source = self.text(name)
        if source is None:
            return None, [], None, None
        parse_mode = self.text("parse_mode") or None
        try:
            plain, entities = parse_text(source, parse_mode)
        except EntityParseError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
        if parse_mode is None:
            entities = list(self.json_value(entities_name) or [])
        if len(plain) > limit:
            raise ApiError(400, too_long)
        return plain, entities, source, parse_mode

    def caption(self) -> tuple[str | None, list[JSON]]:
        too_long = "Bad Request: message caption is too long"
        caption, entities, _, _ = self.formatted(
            "caption", "caption_entities", MAX_CAPTION, too_long
        )
        return caption, entities

    def reply_markup(self, *, inline_only: bool = False) -> JSON | None:
        markup = self.json_value("reply_markup", "reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: object expected as reply markup")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                # approximate wording
                raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array')
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            return markup
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup or markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")


async def read_params(request: web.Request) -> Params:
    """The query string plus a JSON, url-encoded or multipart body (POST only)."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON encoded parameters") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON object expected")  # approximate
            values.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                elif isinstance(value, bytes):
                    values[name] = value.decode("utf-8", "replace")
                else:
                    values[name] = value
    return Params(values, uploads)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is required")
    if not any(action in button for action in BUTTON_ACTIONS):
        raise ApiError(
            400,
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
