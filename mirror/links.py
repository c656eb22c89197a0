"""Links in the mirror: each page's links made relative to its own file, so the
mirror works from any static host, a subfolder, an IPFS gateway or the disk.

In HTML, every href, src, srcset and form action that leads into the site becomes
a relative path to the mirror's file (…/index.html spelled out: opened from disk, a
folder shows no index). Elsewhere (og:url, JSON-LD, feeds, sitemaps, robots.txt)
the site's absolute addresses become the mirror's, under MIRROR_BASE_URL.

A link the mirror cannot hold is dealt with on purpose: the publication record
(…/v/, /record/) and a photo's Content Credentials are verified against the site
itself, so they stay links to the site; the live search form leads to the mirror's own search page; anything else the
mirror does not hold (the month before the archive's first, the other language in a
one-language mirror) keeps its text and loses its href.
"""

import html
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit

from mirror.site import Site

ATTRIBUTE = re.compile(r'(\s(?:href|src|action|poster)=")([^"]*)(")')
SRCSET = re.compile(r'(\ssrcset=")([^"]*)(")')
# Left to the site itself: the publication record, its documents, the Content
# Credentials a photo's files carry (read from the files the site serves), the admin.
ON_THE_SITE = re.compile(
    r"^/(?:[a-z]{2}/news/[0-9]+/[^/]+/v/|[a-z]{2}/photos/|record/|admin/|api/)"
)
SEARCH = re.compile(r"^/([a-z]{2})/search/$")
KEEP = ("#", "mailto:", "tel:", "data:", "javascript:")
# The media the mirror holds: photos' renditions, never their originals.
RENDITIONS = "renditions/"


def safe_name(name: str) -> bool:
    """A file name that stays inside its folder."""
    return ".." not in name.split("/") and not name.startswith("/")


@dataclass
class Found:
    """What a page links to besides pages: files to copy into the mirror."""

    static: set[str] = field(default_factory=set)  # names in the static storage
    media: set[str] = field(default_factory=set)  # names in the media storage


class Links:
    def __init__(
        self,
        site: Site,
        origin: str,
        base_url: str,
        static_url: str,
        media_urls: list[str],
    ):
        self.site = site
        self.origin = origin.rstrip("/")  # where pages are rendered: SITE_URL
        self.base_url = base_url  # MIRROR_BASE_URL, ends with "/"
        self.static_prefix = urlsplit(urljoin(self.origin + "/", static_url))
        # Photos may be served by another host (S3): their addresses too.
        self.media_prefixes = [
            urljoin(self.origin + "/", url) for url in media_urls if url
        ]
        self.absolute = re.compile(re.escape(self.origin) + r"(/[^\s\"'<>&\\]*)?")
        self.resolved: dict = {}

    def file_of(self, url: str, found: Found) -> str | bool | None:
        """The mirror's file for an absolute `url` of the site; None when the mirror
        does not hold it; False when it is not the site's at all."""
        for prefix in self.media_prefixes:
            if url.startswith(prefix):
                name = unquote(urlsplit(url[len(prefix) :]).path)
                if not (safe_name(name) and name.startswith(RENDITIONS)):
                    return None  # an original (private), or out of the folder
                found.media.add(name)
                return "media/" + name
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return False
        path = unquote(parts.path)
        static = self.static_prefix.path
        if path.startswith(static):
            name = path[len(static) :]
            if not safe_name(name):
                return None
            found.static.add(name)
            return "static/" + name
        if ON_THE_SITE.match(path):
            return None
        return self.site.file_for(path, dict(parse_qsl(parts.query)))

    def relative(
        self, url: str, page_url: str, page_file: str, found: Found
    ) -> str | None:
        """`url` as written on the page at `page_url`, made relative to `page_file`;
        None to drop the link."""
        if not url or url.startswith(KEEP):
            return url
        # Most links are the site's paths, the same on many pages: resolved once.
        root_relative = url.startswith("/") and not url.startswith("//")
        memo = url if root_relative else (url, page_url)
        if memo not in self.resolved:
            self.resolved[memo] = self.resolve(url, page_url)
        target, suffix, as_written, assets = self.resolved[memo]
        found.static |= assets.static
        found.media |= assets.media
        if target is None:
            return as_written
        folder = posixpath.dirname(page_file)
        return quote(relative_path(target, folder)) + suffix

    def resolve(self, url: str, page_url: str) -> tuple:
        """(the mirror's file or None, what follows its path (query, fragment),
        the link to write when there is no file (None: none), the files it needs)."""
        assets = Found()
        absolute = urljoin(self.origin + page_url, url)
        parts = urlsplit(absolute)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        search = SEARCH.match(unquote(parts.path))
        if (
            f"{parts.scheme}://{parts.netloc}" == self.origin
            and search
            and search.group(1) in self.site.languages
        ):
            # The live search needs the server: the mirror's searches in the browser.
            query = f"?{parts.query}" if parts.query else ""
            return (
                f"{search.group(1)}/search/index.html",
                query + fragment,
                None,
                assets,
            )
        target = self.file_of(absolute, assets)
        if target is False:
            return None, "", url, assets  # another site's: as it is
        if target is None:
            if ON_THE_SITE.match(unquote(parts.path)):
                return None, "", absolute, assets  # on purpose: the site's own
            return None, "", None, assets
        return target, fragment, None, assets

    def html(self, text: str, page_url: str, page_file: str, found: Found) -> str:
        def attribute(match):
            url = self.relative(html.unescape(match[2]), page_url, page_file, found)
            if url is None:
                return ""  # the attribute goes: a link with nowhere to go
            return match[1] + html.escape(url) + match[3]

        def srcset(match):
            candidates = []
            for candidate in html.unescape(match[2]).split(","):
                url, _space, descriptor = candidate.strip().partition(" ")
                url = self.relative(url, page_url, page_file, found)
                if url:
                    candidates.append(f"{url} {descriptor}".strip())
            return match[1] + html.escape(", ".join(candidates)) + match[3]

        text = ATTRIBUTE.sub(attribute, text)
        text = SRCSET.sub(srcset, text)
        return self.absolutes(text, found)

    def absolutes(self, text: str, found: Found) -> str:
        """The site's absolute addresses left in a text (og:url, JSON-LD, feeds,
        sitemaps) made the mirror's, where it holds them."""

        def replace(match):
            target = self.file_of(match[0], found)
            return self.base_url + quote(target) if target else match[0]

        return self.absolute.sub(replace, text)

    def internal_paths(self, text: str) -> set[str]:
        """The site's paths a piece of HTML links to (root-relative hrefs)."""
        return {
            unquote(urlsplit(html.unescape(match[2])).path)
            for match in ATTRIBUTE.finditer(text)
            if match[2].startswith("/")
        }


def relative_path(target: str, folder: str) -> str:
    """posixpath.relpath for the mirror's own clean relative paths, many times as
    fast (a page has a hundred links)."""
    into = target.split("/")
    start = folder.split("/") if folder else []
    shared = 0
    while shared < min(len(into) - 1, len(start)) and into[shared] == start[shared]:
        shared += 1
    return "/".join([".."] * (len(start) - shared) + into[shared:])
