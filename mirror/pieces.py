"""The shared pieces of the mirror's pages (the latest news, a month's calendar),
current on every page.

A page of the mirror is written once and may then stay as it is for years; its
latest news must not. So each piece is also a script of its own,
pieces/<name>.js, written again by every run that changes it. A page holds the piece
as it stood when the page was written (what a reader without scripts sees) and, right
after it, that script, which puts the current piece in its place. The piece's links
are written relative to the script's file and resolved against the script's address,
so they hold from any host, folder or disk.
"""

import json
import re
from datetime import UTC, datetime

from django.utils import timezone

from mirror.links import relative_path

FOLDER = "pieces"
# Where a piece ends in a page rendered for the mirror (mirror/render.py): the
# script's tag goes there once the page's own file is known.
MARK = re.compile(r"<!--mirror-piece:([a-z0-9:_-]+)-->")
SCRIPT = """\
/* The mirror's {name} as the last run wrote it: it takes the place of the copy the
   page was written with (the element just before this script). */
(function (script, html) {{
  var old = script && script.previousElementSibling;
  var holder = document.createElement("template");
  holder.innerHTML = html;
  var fresh = holder.content.firstElementChild;
  if (!old || !fresh || old.className !== fresh.className) return;
  ["href", "src"].forEach(function (name) {{
    fresh.querySelectorAll("[" + name + "]").forEach(function (element) {{
      var address = new URL(element.getAttribute(name), script.src);
      element.setAttribute(name, address.href);
    }});
  }});
  old.replaceWith(fresh);
}})(document.currentScript, {html});
"""


def mark(name: str) -> str:
    return f"<!--mirror-piece:{name}-->"


def file_of(name: str) -> str:
    """The piece's script in the mirror: "calendar:ru:2026-12" is
    pieces/calendar-ru-2026-12.js."""
    return f"{FOLDER}/{name.replace(':', '-')}.js"


def with_scripts(text: str, page_file: str) -> str:
    """The page's marks made script tags, each relative to the page's file."""
    folder = page_file.rsplit("/", 1)[0] if "/" in page_file else ""

    def tag(match):
        return f'<script src="{relative_path(file_of(match[1]), folder)}"></script>'

    return MARK.sub(tag, text)


def script(name: str, html: str) -> str:
    """The script of the piece `name` whose HTML (links relative to the script's
    file) is `html`."""
    # Escaped for a script: "</script>" or "<!--" in a headline stays text.
    text = json.dumps(html).replace("<", "\\u003c")
    return SCRIPT.format(name=name.split(":", 1)[0], html=text)


def changed_by(stories, languages: list[str]) -> set[str]:
    """The pieces the stories' changes may change: each language's latest news and
    current month, and the months the stories stood or stand in."""
    names = {f"latest:{language}" for language in languages}
    this_month = f"{timezone.localdate():%Y-%m}"
    names |= {f"calendar:{language}:{this_month}" for language in languages}
    for story in stories:
        moment = datetime.fromtimestamp(story.published_at, tz=UTC)
        names.add(f"calendar:{story.language}:{timezone.localtime(moment):%Y-%m}")
    return names
