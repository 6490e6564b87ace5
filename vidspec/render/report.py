"""``vidspec report``'s page: a ``Gallery`` as one self-contained HTML file. Pure.

The page (``vidspec/templates/report/``: page.html, gallery.css, gallery.js, inlined here)
needs nothing beside itself: no CDN, no external file but the videos, so it works from
``file://`` and as a CI artifact. What is data stays data:

- the videos are inlined as JSON in ``<script type="application/json">``, with ``<``, ``>``,
  ``&``, U+2028 and U+2029 written as ``\\uXXXX``, so no value can close the script element;
  the page's script builds every element with ``textContent``, never markup from data;
- a name, text, id or path has its control and bidi characters made visible
  (``core.escape``), as everywhere vidspec shows what a server or a file said;
- a Content-Security-Policy allows only this page's own script and style (by their sha256),
  media from ``file:``, ``https:`` and the page's own origin, and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

from vidspec.core.escape import document_safe, escape_text
from vidspec.render.gallery import Gallery, gallery_json

GENERATOR = "vidspec report"
_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@cache
def _asset(name: str) -> str:
    """A file of the page, shipped with vidspec (package data)."""
    return (resources.files("vidspec") / "templates" / "report" / name).read_text("utf-8")


def render_report(gallery: Gallery) -> str:
    """The page's HTML: ``page.html`` with its style, script and data inlined."""
    css, js = _asset("gallery.css"), _asset("gallery.js")
    return Template(_asset("page.html")).substitute(
        csp=_attribute(content_security_policy(js, css)),
        generator=GENERATOR,
        title=html.escape(f"vidspec report: {escape_text(gallery.project)}"),
        css=css,
        js=js,
        data=script_json(page_data(gallery)),
    )


def _attribute(text: str) -> str:
    """``text`` inside a double-quoted attribute (the CSP's quotes stay readable)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def is_report(text: str) -> bool:
    """Whether ``text`` is a page this renderer wrote (so writing a new one loses nothing)."""
    return f'<meta name="generator" content="{GENERATOR}">' in text[:4096]


def content_security_policy(js: str, css: str) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src '{_sha256(js)}'",
            f"style-src '{_sha256(css)}'",
            "media-src 'self' file: https:",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def script_json(document: Any) -> str:
    """JSON that cannot end the ``<script>`` element it stands in, nor break a JS parser."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML)


def page_data(gallery: Gallery) -> dict[str, Any]:
    """``gallery_json`` with what the page shows made safe to show, and each saved file's
    URL relative to the page (``href``)."""
    document = gallery_json(gallery)
    document["project"] = escape_text(document["project"])
    for video in document["videos"]:
        for key in ("name", "id"):
            if video[key] is not None:
                video[key] = escape_text(video[key])
        if video["text"] is not None:
            video["text"] = document_safe(video["text"])
        file = video["file"]
        if file is not None:
            file["href"] = gallery.project_href + quote(file["path"])
            file["path"] = escape_text(file["path"])
    return document
