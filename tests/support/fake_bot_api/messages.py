"""Bot API methods on a chat's messages: send, edit, delete, chat actions, button answers."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from tests.support.fake_bot_api.params import ApiError, Params
from tests.support.fake_bot_api.state import BotApiState, Chat
from tests.support.telegram_records import (
    JSON,
    BotMessage,
    ChatActionRecord,
    StoredFile,
    reply_keyboard_texts,
)

MAX_TEXT = 4096
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_TOO_LONG = "Bad Request: message is too long"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_BAD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class MessageMethods(BotApiState):
    """sendMessage, sendVoice/Audio/Document, editMessage*, deleteMessage and the like."""

    def _chat_for(self, params: Params, *, sending: bool = True) -> Chat:
        raw = params.text("chat_id")
        if raw is None or raw.strip() == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat = self._chats.get(int(raw))
        except ValueError:
            chat = None  # @username: private chats have none the bot can use
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if sending and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _reply_to(self, chat: Chat, params: Params) -> JSON | None:
        reply = params.json_value("reply_parameters") or {}
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        message_id = message_id or params.integer("reply_to_message_id")
        if not message_id:
            return None
        message_id = int(message_id)
        if message_id in chat.bot_messages and not chat.bot_messages[message_id].deleted:
            return chat.bot_messages[message_id].to_dict()
        if message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
            return copy.deepcopy(chat.user_messages[message_id])
        if reply.get("allow_sending_without_reply") or params.boolean(
            "allow_sending_without_reply"
        ):
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")

    def _add_bot_message(self, chat: Chat, message: BotMessage) -> BotMessage:
        chat.bot_messages[message.message_id] = message
        keyboard = reply_keyboard_texts(message.reply_markup)
        if keyboard is not None:
            chat.reply_keyboard = keyboard
        elif message.reply_markup and message.reply_markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        self._changed()
        return message

    def _send_message(self, params: Params) -> JSON:
        with self._lock:
            chat = self._chat_for(params)
            raw = params.text("text")
            if raw is None or raw.strip() == "":
                raise ApiError(400, "Bad Request: message text is empty")
            text, entities, source, parse_mode = params.formatted(
                "text", "entities", MAX_TEXT, _TOO_LONG
            )
            if not text or not text.strip():
                raise ApiError(400, "Bad Request: message text is empty")
            markup = params.reply_markup()
            reply_to = self._reply_to(chat, params)
            message = BotMessage(
                chat_id=chat.id,
                message_id=chat.take_message_id(),
                kind="text",
                date=int(time.time()),
                sender=self.bot_user,
                chat=chat.chat,
                text=text,
                entities=entities,
                parse_mode=parse_mode,
                source_text=source,
                reply_markup=markup,
                sent_reply_markup=copy.deepcopy(markup),
                reply_to=reply_to,
            )
            return self._add_bot_message(chat, message).to_dict()

    def _send_media(self, params: Params, kind: str) -> JSON:
        with self._lock:
            chat = self._chat_for(params)
            stored = self._media_file(params, kind)
            caption, caption_entities = params.caption()
            markup = params.reply_markup()
            reply_to = self._reply_to(chat, params)
            if kind == "voice" and not _is_voice_audio(stored.data):
                kind = "document"  # other formats do not play as a voice note: sent as a file
            media: JSON = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
            }
            if kind in ("voice", "audio"):
                media["duration"] = params.integer("duration") or 0
                media["mime_type"] = stored.mime_type or _audio_mime(stored.data)
            else:
                media["file_name"] = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
                media["mime_type"] = stored.mime_type or "application/octet-stream"
            if kind == "audio":
                for name in ("performer", "title"):
                    if params.text(name):
                        media[name] = params.text(name)
            message = BotMessage(
                chat_id=chat.id,
                message_id=chat.take_message_id(),
                kind=kind,
                date=int(time.time()),
                sender=self.bot_user,
                chat=chat.chat,
                caption=caption,
                caption_entities=caption_entities,
                reply_markup=markup,
                sent_reply_markup=copy.deepcopy(markup),
                media=media,
                file_bytes=stored.data,
                reply_to=reply_to,
            )
            return self._add_bot_message(chat, message).to_dict()

    def _media_file(self, params: Params, kind: str) -> StoredFile:
        """The file for sendVoice/sendAudio/sendDocument: an upload or a known file_id."""
        value = params.text(kind)
        upload = params.uploads.get(kind)
        if upload is None and value and value.startswith("attach://"):
            upload = params.uploads.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            extension = {"voice": ".oga", "audio": ".mp3"}.get(kind, "")
            if kind == "document" and upload.filename and "." in upload.filename:
                extension = "." + upload.filename.rsplit(".", 1)[-1]
            mime = upload.content_type
            if mime in (None, "application/octet-stream") and kind != "document":
                mime = None
            folder = {"voice": "voice", "audio": "music"}.get(kind, "documents")
            return self._store_file(upload.data, folder, extension, mime, upload.filename)
        if not value:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        stored = self._files.get(value)
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return stored

    def _send_chat_action(self, params: Params) -> bool:
        with self._lock:
            chat = self._chat_for(params)
            action = params.text("action")
            if action not in CHAT_ACTIONS:
                raise ApiError(400, "Bad Request: wrong parameter action in request")
            self._chat_actions.append(ChatActionRecord(chat.id, action))
            self._changed()
            return True

    def _answer_callback_query(self, params: Params) -> bool:
        with self._lock:
            query = self._callback_queries.get(params.text("callback_query_id") or "")
            if query is None or query.answered:
                raise ApiError(400, _BAD_QUERY)
            query.answered = True
            query.answer_text = params.text("text")
            query.show_alert = params.boolean("show_alert")
            query.answer_url = params.text("url")
            self._changed()
            return True

    def _message_to_edit(self, params: Params) -> tuple[Chat, BotMessage]:
        if params.text("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_for(params, sending=False)
        message_id = params.integer("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        if message_id in chat.user_messages:
            raise ApiError(400, "Bad Request: message can't be edited")
        message = chat.bot_messages.get(message_id)
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, message

    def _apply_markup(self, message: BotMessage, markup: JSON | None) -> None:
        if markup != _inline(message.reply_markup):
            message.keyboard_edits += 1
            message.reply_markup = markup

    def _edit_message_text(self, params: Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            raw = params.text("text")
            if raw is None or raw.strip() == "":
                raise ApiError(400, "Bad Request: message text is empty")
            if message.text is None:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            text, entities, source, parse_mode = params.formatted(
                "text", "entities", MAX_TEXT, _TOO_LONG
            )
            markup = params.reply_markup(inline_only=True)
            current = (message.text, message.entities, _inline(message.reply_markup))
            if (text, entities, markup) == current:
                raise ApiError(400, _NOT_MODIFIED)
            message.text_history.append(message.text)
            message.text, message.entities = text, entities
            message.source_text, message.parse_mode = source, parse_mode
            self._apply_markup(message, markup)  # no reply_markup: the keyboard goes
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _edit_message_caption(self, params: Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            if message.kind == "text":
                raise ApiError(400, "Bad Request: there is no caption in the message to edit")
            caption, entities = params.caption()
            markup = params.reply_markup(inline_only=True)
            current = (message.caption, message.caption_entities, _inline(message.reply_markup))
            if (caption, entities, markup) == current:
                raise ApiError(400, _NOT_MODIFIED)
            message.text_history.append(message.caption or "")
            message.caption, message.caption_entities = caption, entities
            self._apply_markup(message, markup)
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _edit_message_reply_markup(self, params: Params) -> JSON:
        with self._lock:
            _, message = self._message_to_edit(params)
            markup = params.reply_markup(inline_only=True)
            if markup == _inline(message.reply_markup):
                raise ApiError(400, _NOT_MODIFIED)
            self._apply_markup(message, markup)
            message.edit_date = int(time.time())
            self._changed()
            return message.to_dict()

    def _delete_message(self, params: Params) -> bool:
        with self._lock:
            chat = self._chat_for(params, sending=False)
            message_id = params.integer("message_id")
            message = chat.bot_messages.get(message_id or 0)
            if message is not None and not message.deleted:
                message.deleted = True
            elif message_id in chat.user_messages and message_id not in chat.deleted_user_messages:
                chat.deleted_user_messages.add(message_id)
            else:
                raise ApiError(400, "Bad Request: message to delete not found")
            self._changed()
            return True


# Lower-case method name -> handler; the server's dispatch table merges these.
MESSAGE_METHODS: dict[str, Callable[[MessageMethods, Params], Any]] = {
    "sendmessage": MessageMethods._send_message,
    "sendvoice": lambda api, params: api._send_media(params, "voice"),
    "sendaudio": lambda api, params: api._send_media(params, "audio"),
    "senddocument": lambda api, params: api._send_media(params, "document"),
    "sendchataction": MessageMethods._send_chat_action,
    "answercallbackquery": MessageMethods._answer_callback_query,
    "editmessagetext": MessageMethods._edit_message_text,
    "editmessagecaption": MessageMethods._edit_message_caption,
    "editmessagereplymarkup": MessageMethods._edit_message_reply_markup,
    "deletemessage": MessageMethods._delete_message,
}


def _inline(markup: JSON | None) -> JSON | None:
    """`markup` if it is an inline keyboard (the only kind a sent message keeps)."""
    return markup if markup and "inline_keyboard" in markup else None


def _is_voice_audio(data: bytes) -> bool:
    """OGG (Opus), MP3 or M4A: the formats Telegram plays as a voice note."""
    return _audio_mime(data) != "application/octet-stream"


def _audio_mime(data: bytes) -> str:
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    return "application/octet-stream"
