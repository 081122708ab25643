"""Webhooks: setWebhook/deleteWebhook/getWebhookInfo, delivery with retries, test POSTs."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientTimeout

from tests.support.fake_bot_api.params import ApiError, Params, Result
from tests.support.fake_bot_api.state import BotApiState
from tests.support.telegram_records import JSON, WebhookConfig, WebhookDelivery

_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_PORTS = (80, 88, 443, 8443)
_HTTPS_REQUIRED = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"


class WebhookMethods(BotApiState):
    """The webhook methods, and the worker that POSTs queued updates to the webhook."""

    def post_update(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None = None,
        *,
        content_type: str = "application/json",
        timeout: float = 5.0,
    ) -> int:
        """POST an update to `url` as Telegram would (secret header only if given); the status."""
        loop = self._loop
        if loop is None or threading.current_thread() is self._thread:
            raise RuntimeError("post_update needs a running FakeBotAPI, from another thread")
        coro = self._post(url, update, secret_token, content_type, timeout)
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        status, error = future.result(timeout + 5)
        if status is None:
            raise ConnectionError(f"POST {url} failed: {error}")
        return status

    async def post_update_async(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None = None,
        *,
        content_type: str = "application/json",
        timeout: float = 5.0,
    ) -> int:
        """`post_update` without blocking the calling event loop."""
        return await asyncio.to_thread(
            self.post_update, url, update, secret_token, content_type=content_type, timeout=timeout
        )

    async def _post(
        self,
        url: str,
        update: JSON | bytes,
        secret_token: str | None,
        content_type: str = "application/json",
        timeout: float = 10.0,
    ) -> tuple[int | None, str | None]:
        """POST to a webhook; the status, or None and a reason like Telegram's last_error."""
        assert self._session is not None
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"Content-Type": content_type}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        try:
            async with self._session.post(
                url, data=body, headers=headers, timeout=ClientTimeout(total=timeout)
            ) as response:
                await response.read()
                return response.status, None
        except asyncio.TimeoutError:
            return None, "Read timeout expired"
        except ClientError as error:
            return None, f"Connection failed: {error}"

    async def _webhook_worker(self) -> None:
        """Deliver queued updates to the webhook in order, retrying failures like Telegram."""
        while not self._stopping:
            with self._lock:
                hook = self._webhook
                if hook is None:
                    return
                update = self._updates[0] if self._updates else None
                event = self._async_event
            if update is None:
                assert event is not None
                await event.wait()
                continue
            status, error = await self._post(hook.url, update, hook.secret_token)
            delivered = status is not None and 200 <= status < 300
            with self._lock:
                self._deliveries.append(
                    WebhookDelivery(update["update_id"], hook.url, status, hook.secret_token, error)
                )
                if delivered and self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                elif not delivered:
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error or (
                        f"Wrong response from the webhook: {status} {_phrase(status)}"
                    )
                self._changed()
            if not delivered:
                await asyncio.sleep(self.webhook_retry_delay)

    def _set_webhook(self, params: Params) -> Result:
        url = params.text("url") or ""
        if url == "":
            return self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(400, _HTTPS_REQUIRED)
        if self.strict_webhook_urls:
            if parts.scheme != "https":
                raise ApiError(400, _HTTPS_REQUIRED)
            if (parts.port or 443) not in _WEBHOOK_PORTS:
                raise ApiError(
                    400,
                    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 "
                    "or 8443",
                )
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.json_value("allowed_updates")
        with self._lock:
            if allowed is not None:
                self._allowed_updates = [str(kind) for kind in allowed] or None
            if params.boolean("drop_pending_updates"):
                self._updates.clear()
            if self._poll is not None:
                self._poll.terminated = "Conflict: terminated by setWebhook request"
            self._webhook = WebhookConfig(
                url=url,
                secret_token=secret,
                max_connections=params.integer("max_connections") or 40,
                ip_address=params.text("ip_address"),
                has_custom_certificate="certificate" in params.uploads,
            )
            self._changed()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())
        return Result(True, "Webhook was set")

    def _delete_webhook(self, params: Params) -> Result:
        with self._lock:
            was_set = self._webhook is not None
            self._webhook = None
            if params.boolean("drop_pending_updates"):
                self._updates.clear()
            self._changed()
        return Result(True, "Webhook was deleted" if was_set else "Webhook is already deleted")

    def _get_webhook_info(self, params: Params) -> JSON:
        with self._lock:
            hook = self._webhook
            info: JSON = {
                "url": hook.url if hook else "",
                "has_custom_certificate": bool(hook and hook.has_custom_certificate),
                "pending_update_count": len(self._updates),
            }
            if hook is not None:
                info["max_connections"] = hook.max_connections
                if hook.ip_address:
                    info["ip_address"] = hook.ip_address
                if hook.last_error_date is not None:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
                if self._allowed_updates:
                    info["allowed_updates"] = list(self._allowed_updates)
            return info


# Lower-case method name -> handler; the server's dispatch table merges these.
WEBHOOK_METHODS: dict[str, Callable[[WebhookMethods, Params], Any]] = {
    "setwebhook": WebhookMethods._set_webhook,
    "deletewebhook": WebhookMethods._delete_webhook,
    "getwebhookinfo": WebhookMethods._get_webhook_info,
}


def _phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return ""
