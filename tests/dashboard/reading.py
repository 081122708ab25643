"""Reading what the dashboard sends back: a page's visible text, and the lines of a PDF."""

from __future__ import annotations

import base64
import html
import re
import zlib


def page_text(page: str) -> str:
    """The words of an HTML page, tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def pdf_runs(pdf: bytes) -> list[tuple[int, str]]:
    """Each run of text ReportLab drew, with its font size: [(18, "It costs £4,000 a year.")]."""
    runs: list[tuple[int, str]] = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        data = stream.strip()
        if data.endswith(b"~>"):
            data = data[:-2]
        content = zlib.decompress(base64.a85decode(data)).decode("latin-1")
        for block in re.findall(r"BT (.*?) ET", content, flags=re.S):
            size = re.search(r"/F\d+ (\d+(?:\.\d+)?) Tf", block)
            for text in re.findall(r"\(((?:\\.|[^\\)])*)\) Tj", block):
                runs.append((round(float(size.group(1))) if size else 0, _unescape(text)))
    return runs


def _unescape(text: str) -> str:
    text = re.sub(r"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]).decode("cp1252"), text)
    return re.sub(r"\\(.)", r"\1", text)
