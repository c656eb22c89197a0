import functools
import json
import shutil
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest

# The legal fixtures (label versions, a register entry).
from tests.disclaimers.conftest import labels, memorial  # noqa: F401

BASE_URL = "https://mirror.example.org/newsroom/"
SEARCH_SCRIPT = Path(__file__).parents[2] / "mirror/static/mirror/search.js"
NODE_SEARCH = Path(__file__).parent / "search_in_node.js"


@pytest.fixture(autouse=True)
def mirror_settings(settings):
    settings.MIRROR_BASE_URL = BASE_URL
    settings.MIRROR_DIR = ""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def static_server(folder: Path):
    """A plain static file server (what nginx or an object store does) on a free
    port; yields its address."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "action"):
                self.links.append(value)
            elif name == "srcset":
                self.links += [
                    candidate.split()[0] for candidate in value.split(",") if candidate
                ]


def links_of(text: str) -> list[str]:
    parser = Links()
    parser.feed(text)
    return parser.links


@dataclass
class Crawl:
    pages: dict[str, str]  # every HTML page reached: address -> text
    files: set[str]  # every address fetched
    broken: list[tuple[str, str]]  # (page, link) that did not answer 200
    outside: set[str]  # links that leave the mirror's folder


def crawl(start: str) -> Crawl:
    """Everything reachable from `start` by href, src, srcset and form action,
    fetched as a reader's browser would (a static host ignores query strings)."""
    scope = start.rsplit("/", 1)[0] + "/"
    result = Crawl({}, set(), [], set())
    waiting, linked_from = [start], {start: start}
    while waiting:
        url = waiting.pop()
        result.files.add(url)
        try:
            with urlopen(url) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except HTTPError:
            result.broken.append((linked_from[url], url))
            continue
        if kind != "text/html":
            continue
        result.pages[url] = text = body.decode()
        for link in links_of(text):
            target = urldefrag(urljoin(url, link))[0].split("?")[0]
            if not target.startswith(scope):
                result.outside.add(link)
            elif target not in linked_from:
                linked_from[target] = url
                waiting.append(target)
    return result


def files_under(folder: Path, suffix: str = "") -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob(f"*{suffix}")
        if path.is_file() and not path.name.startswith(".")
    }


def node_search(folder: Path, query: str) -> list[list]:
    """The mirror's search script run by node on the index in `folder` (a
    language's search folder): [[id, address, headline, date], ...]."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the mirror's search script needs it")
    output = subprocess.run(
        [node, str(NODE_SEARCH), str(SEARCH_SCRIPT), str(folder), query],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(output)


def story_path(url: str) -> str:
    """The file of a page at `url` (/ru/news/1/slug/) in the mirror."""
    return urlsplit(url).path.strip("/") + "/index.html"
