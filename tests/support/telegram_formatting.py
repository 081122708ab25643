"""Telegram's text formatting (parse_mode HTML, MarkdownV2, Markdown), as the Bot API parses it.

`parse_text` turns the text a bot sends into what the person sees (plain text plus message
entities, offsets in UTF-16 code units) and refuses what Telegram refuses, with the wording of
tdlib's telegram-bot-api (``can't parse entities: ...``). Close to, not a copy of, tdlib: the
entity list is simplified (no custom emoji ids, no nested ``pre``/``code`` languages).
"""

from __future__ import annotations

import re
from typing import Any

JSON = dict[str, Any]

MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"

_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot);|#(\d+);|#x([0-9a-fA-F]+);)")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


class EntityParseError(ValueError):
    """The text does not parse in its parse_mode; str(error) is tdlib's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[JSON]]:
    """Plain text and entities for `text` sent with `parse_mode` (None: text as is)."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise EntityParseError(f"Unsupported parse_mode {parse_mode!r}")


class _Out:
    """Plain-text output with UTF-16 positions and collected entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[JSON] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.pos - start, **extra}
            )

    def result(self) -> tuple[str, list[JSON]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _html_unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return _HTML_NAMED[match.group(1)]
        code = int(match.group(2)) if match.group(2) else int(match.group(3), 16)
        return chr(code) if 0 < code < 0x110000 else match.group(0)

    return _HTML_ENTITY.sub(replace, text)


def parse_html(src: str) -> tuple[str, list[JSON]]:
    """parse_mode=HTML, following tdlib's parse_html."""
    out = _Out()
    stack: list[tuple[str, int, dict[str, str]]] = []
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        if char == "&":
            match = _HTML_ENTITY.match(src, i)
            if match:
                out.add(_html_unescape(match.group(0)))
                i = match.end()
                continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin = i
        offset = _byte_offset(src, begin)
        i += 1
        if i < n and src[i] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
            j = i + 1
            while j < n and not src[j].isspace() and src[j] != ">":
                j += 1
            end_name = src[i + 1 : j].lower()
            while j < n and src[j].isspace():
                j += 1
            if j >= n or src[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            tag, start, attrs = stack[-1]
            if end_name and end_name != tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            i = j + 1
            _html_entity(out, tag, start, attrs)
            continue
        j = i
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        tag = src[i:j].lower()
        if tag not in _HTML_TYPES:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        attrs, i = _html_attributes(src, j, tag, offset)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        stack.append((tag, out.pos, attrs))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _html_attributes(src: str, i: int, tag: str, offset: int) -> tuple[dict[str, str], int]:
    """Attributes of a start tag from `i` (just after the name); returns them and the end."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if src[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and not src[i].isspace() and src[i] not in "=>":
            i += 1
        name = src[start:i].lower()
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if src[i] != "=":
            if name == "expandable":
                attrs[name] = ""
                continue
            raise EntityParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {offset}"
            )
        i += 1
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if src[i] in "'\"":
            end = src.find(src[i], i + 1)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            value = src[i + 1 : end]
            i = end + 1
        else:
            start = i
            while i < n and not src[i].isspace() and src[i] != ">":
                i += 1
            value = src[start:i]
        attrs[name] = _html_unescape(value)


def _html_entity(out: _Out, tag: str, start: int, attrs: dict[str, str]) -> None:
    kind = _HTML_TYPES[tag]
    if kind == "text_link":
        if attrs.get("href"):
            out.entity(kind, start, url=attrs["href"])
    elif kind == "blockquote" and "expandable" in attrs:
        out.entity("expandable_blockquote", start)
    elif kind == "custom_emoji":
        out.entity(kind, start, custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        out.entity(kind, start)


_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def parse_markdown_v2(src: str) -> tuple[str, list[JSON]]:
    """parse_mode=MarkdownV2, following tdlib's parse_markdown_v2 (blockquote marks dropped)."""
    out = _Out()
    stack: list[tuple[str, int, int]] = []  # kind, output position, byte offset of the mark
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        nxt = src[i + 1] if i + 1 < n else ""
        if char == "\\" and nxt and 0 < ord(nxt) <= 126:
            out.add(nxt)
            i += 2
            continue
        top = stack[-1][0] if stack else None
        if top in ("code", "pre") and char != "`":
            out.add(char)
            i += 1
            continue
        if char not in MDV2_RESERVED:
            out.add(char)
            i += 1
            continue
        if char == ">" and (i == 0 or src[i - 1] == "\n"):
            i += 1  # a blockquote line: the mark is not text
            continue
        if top is not None and _mdv2_closes(top, src, i):
            kind, start, _ = stack.pop()
            extra: dict[str, Any] = {}
            if kind == "text_link":
                url, i = _mdv2_url(src, i + 1)
                if url:
                    extra["url"] = url
                    out.entity(kind, start, **extra)
                continue
            i += {"pre": 3, "underline": 2, "spoiler": 2}.get(kind, 1)
            out.entity(kind, start)
            continue
        offset = _byte_offset(src, i)
        if char == "_" and nxt == "_":
            stack.append(("underline", out.pos, offset))
            i += 2
        elif char == "|" and nxt == "|":
            stack.append(("spoiler", out.pos, offset))
            i += 2
        elif char == "`" and src.startswith("```", i):
            i += 3
            newline = src.find("\n", i)
            if newline >= 0 and " " not in src[i:newline]:
                i = newline + 1  # the language line
            stack.append(("pre", out.pos, offset))
        elif char in "_*~[`":
            kinds = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}
            stack.append((kinds.get(char, "code"), out.pos, offset))
            i += 1
        else:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
    if stack:
        kind, _, offset = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {offset}"
        )
    return out.result()


def _mdv2_closes(kind: str, src: str, i: int) -> bool:
    char = src[i]
    nxt = src[i + 1] if i + 1 < len(src) else ""
    return {
        "bold": char == "*",
        "italic": char == "_" and nxt != "_",
        "underline": src.startswith("__", i),
        "strikethrough": char == "~",
        "spoiler": src.startswith("||", i),
        "text_link": char == "]",
        "code": char == "`",
        "pre": src.startswith("```", i),
    }[kind]


def _mdv2_url(src: str, i: int) -> tuple[str, int]:
    """The ``(url)`` after a link's ``]`` at `i`; returns the url ('' if none) and the end."""
    if i >= len(src) or src[i] != "(":
        return "", i
    url: list[str] = []
    j = i + 1
    while j < len(src) and src[j] != ")":
        if src[j] == "\\" and j + 1 < len(src):
            j += 1
        url.append(src[j])
        j += 1
    if j >= len(src):
        raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(src, i)}")
    return "".join(url), j + 1


def parse_markdown(src: str) -> tuple[str, list[JSON]]:
    """Legacy parse_mode=Markdown, following tdlib's parse_markdown."""
    out = _Out()
    kinds = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}
    i, n = 0, len(src)
    while i < n:
        char = src[i]
        if char == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        if char not in kinds:
            out.add(char)
            i += 1
            continue
        begin = i
        is_pre = src.startswith("```", i)
        end_mark = "```" if is_pre else ("]" if char == "[" else char)
        i += 3 if is_pre else 1
        if is_pre:
            newline = src.find("\n", i)
            if newline >= 0 and " " not in src[i:newline] and src.find("```", i) > newline:
                i = newline + 1
        start = out.pos
        while i < n and not src.startswith(end_mark, i):
            out.add(src[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(src, begin)}"
            )
        i += len(end_mark)
        if char == "[":
            url, i = _mdv2_url(src, i)
            if url:
                out.entity("text_link", start, url=url)
        else:
            out.entity("pre" if is_pre else kinds[char], start)
    return out.result()


def text_entities(text: str) -> list[JSON]:
    """The bot_command entities Telegram adds to a text a person sends."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in re.finditer(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\S)", text)
    ]
