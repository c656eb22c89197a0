"""Pages rendered as an anonymous reader gets them: a GET through the site's own
middleware and views, at the site's address (SITE_URL), with no cookie.

The page cache is told the page is for a copy (page_cache.copying): it renders
afresh, says what the page shows (the dependencies the mirror keeps to know what a
later change touches), and leaves the shared pieces' holes (latest news, a month's
calendar), which are rendered here once per run and filled into every page, each
marked for the script that keeps it current (mirror/pieces.py).
"""

import hashlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.handlers.base import BaseHandler
from django.test import RequestFactory

from mirror import pieces
from newsroom import page_cache

logger = logging.getLogger(__name__)


class RenderError(Exception):
    pass


@dataclass
class Rendered:
    status: int
    content_type: str
    text: str
    dependencies: page_cache.Dependencies | None = None
    holes: dict[str, str] = field(default_factory=dict)  # name -> SHA-256 filled in


@dataclass
class Fragment:
    text: str
    sha256: str


class Renderer:
    def __init__(self, origin: str):
        parts = urlsplit(origin)
        self.host, self.secure = parts.netloc, parts.scheme == "https"
        self.factory = RequestFactory()
        self.handler = BaseHandler()
        self.handler.load_middleware()
        self.fragments: dict[str, Fragment] = {}

    def render(self, url: str) -> Rendered:
        path, _mark, query = url.partition("?")
        request = self.factory.get(
            path, QUERY_STRING=query, HTTP_HOST=self.host, secure=self.secure
        )
        with page_cache.copying():
            response = self.handler.get_response(request)
        if response.status_code >= 500:
            raise RenderError(f"{url} answered {response.status_code}")
        if response.status_code == 200 and not getattr(response, "copyable", True):
            raise RenderError(f"{url} is not a public page (a cookie, or private)")
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(response.charset)
        rendered = Rendered(
            response.status_code,
            response.get("Content-Type", ""),
            text,
            getattr(response, "page_dependencies", None),
        )
        if rendered.status == 200 and rendered.dependencies:
            rendered.text = self.fill_holes(rendered)
        return rendered

    def fill_holes(self, rendered: Rendered) -> str:
        parts = page_cache.HOLE.split(rendered.text)
        for index in range(1, len(parts), 2):
            fragment = self.fragment(parts[index])
            rendered.holes[parts[index]] = fragment.sha256
            parts[index] = fragment.text + pieces.mark(parts[index])
        return "".join(parts)

    def fragment(self, name: str) -> Fragment:
        """A shared piece, rendered once per run: every page gets the same."""
        if name not in self.fragments:
            text = page_cache.fragment(name, keep=False).content.decode()
            self.fragments[name] = Fragment(
                text, hashlib.sha256(text.encode()).hexdigest()
            )
        return self.fragments[name]
