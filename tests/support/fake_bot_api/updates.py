"""Bot API methods on the bot itself: getMe, getUpdates long polls, getFile, its commands."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
from collections.abc import Callable
from typing import Any

from tests.support.fake_bot_api.params import ApiError, Params
from tests.support.fake_bot_api.state import BotApiState, Poll
from tests.support.telegram_records import JSON

MAX_DOWNLOAD = 20 * 1024 * 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


class UpdateMethods(BotApiState):
    """getMe, getUpdates, getFile and setMyCommands/getMyCommands/deleteMyCommands."""

    def _get_me(self, params: Params) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> list[JSON]:
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = min(max(params.number("timeout") or 0.0, 0.0), 50.0)
        allowed = params.json_value("allowed_updates")
        with self._lock:
            if self._webhook is not None:
                raise ApiError(409, _WEBHOOK_ACTIVE)
            if allowed is not None:
                self._allowed_updates = [str(kind) for kind in allowed] or None
            if self._poll is not None:
                self._poll.terminated = _TERMINATED
            poll = self._poll = Poll()
            self._changed()
            if offset is not None and offset < 0:
                del self._updates[: max(len(self._updates) + offset, 0)]
            elif offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                with self._lock:
                    if poll.terminated:
                        raise ApiError(409, poll.terminated)
                    if self._updates or self._stopping:
                        return copy.deepcopy(self._updates[:limit])
                    event = self._async_event
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                assert event is not None
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self._lock:
                if self._poll is poll:
                    self._poll = None
                    self._changed()

    def _get_file(self, params: Params) -> JSON:
        with self._lock:
            file_id = params.text("file_id") or ""
            stored = self._files.get(file_id)
            if not file_id.strip():
                raise ApiError(400, "Bad Request: file_id is empty")  # approximate
            if stored is None:
                raise ApiError(400, "Bad Request: invalid file_id")
            if len(stored.data) > MAX_DOWNLOAD:
                raise ApiError(400, "Bad Request: file is too big")
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
                "file_path": stored.file_path,
            }

    def _set_my_commands(self, params: Params) -> bool:
        commands = params.json_value("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be an Array of at most 100 BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command"))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")  # approximate
        key = _params_commands_key(params)
        with self._lock:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
            self._changed()
        return True

    def _get_my_commands(self, params: Params) -> list[JSON]:
        key = _params_commands_key(params)
        with self._lock:
            return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: Params) -> bool:
        key = _params_commands_key(params)
        with self._lock:
            self._commands.pop(key, None)
            self._changed()
        return True


# Lower-case method name -> handler; the server's dispatch table merges these.
UPDATE_METHODS: dict[str, Callable[[UpdateMethods, Params], Any]] = {
    "getme": UpdateMethods._get_me,
    "getupdates": UpdateMethods._get_updates,
    "getfile": UpdateMethods._get_file,
    "setmycommands": UpdateMethods._set_my_commands,
    "getmycommands": UpdateMethods._get_my_commands,
    "deletemycommands": UpdateMethods._delete_my_commands,
    "close": lambda api, params: True,
    "logout": lambda api, params: True,
}


def commands_key(scope: Any, language_code: str) -> tuple[str, str]:
    """Where a scope's and language's commands are kept (no scope: the default scope)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code


def _params_commands_key(params: Params) -> tuple[str, str]:
    return commands_key(params.json_value("scope"), params.text("language_code") or "")
