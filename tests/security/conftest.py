"""Hostile content and the checks that find executable markup in what the site renders."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Correction
from photos.models import Photo, Photographer
from tests.factories import make_article, make_author, make_photo, make_region

PASSWORD = "correct-horse-battery-9"

# What an attacker with a newsroom account would type into a text field. Each sets
# window.__xss if it ever runs.
SCRIPT = "<script>window.__xss=1</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror="window.__xss=1">'
SVG = "<svg onload=window.__xss=1>"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE_BREAK} {SVG} '><script>window.__xss=1</script>"
HOSTILE_BODY = (
    f"<p>Body {SCRIPT}<img src=x onerror=window.__xss=1>{SVG}</svg>"
    '<a href="javascript:window.__xss=1">link</a> '
    '<a href=" JaVaScRiPt:window.__xss=1">spaced</a> '
    '<a href="data:text/html,&lt;script&gt;window.__xss=1&lt;/script&gt;">data</a>'
    '<iframe src="javascript:window.__xss=1"></iframe>'
    '<b onmouseover="window.__xss=1">bold</b>'
    "<style>body{background:url(javascript:window.__xss=1)}</style></p>"
)

# Elements that load other documents or change where the page's code comes from.
# (An <svg> runs code only through a handler or a <script>, both caught anyway; the
# admin draws its icons with inline <svg>.)
FORBIDDEN_ELEMENTS = {
    "applet",
    "base",
    "embed",
    "frame",
    "frameset",
    "iframe",
    "object",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset"}
# <script> types a browser never runs: data blocks, and the admin's import map.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}


class ExecutableMarkup(HTMLParser):
    """Collects what could run in a browser: handlers, inline scripts, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value:
                # Browsers ignore leading spaces and control characters in a URL.
                scheme = value.lstrip("".join(map(chr, range(33)))).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag in FORBIDDEN_ELEMENTS:
            self.found.append(f"<{tag}>")
        script_type = (values.get("type") or "").lower()
        if (
            tag == "script"
            and not values.get("src")
            and script_type not in DATA_SCRIPT_TYPES
        ):
            self.found.append("inline <script>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")


def executable_markup(html: str) -> list[str]:
    """Every piece of `html` a browser could execute; [] for safe markup."""
    parser = ExecutableMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


@pytest.fixture
def hostile_story(db, labels):
    """A published English story with the payload in every field a writer fills."""
    photographer = Photographer.objects.create(
        name_en=f"Pat {ATTRIBUTE_BREAK}", name_ru=f"Пат {SCRIPT}"
    )
    # Small photos: one rendition width each keeps the many renders quick.
    photo = make_photo(
        size=(300, 200),
        caption_en=f"Caption {PAYLOAD}",
        caption_ru=f"Подпись {PAYLOAD}",
        alt_en=f"Alt {ATTRIBUTE_BREAK}",
        alt_ru=f"Альт {ATTRIBUTE_BREAK}",
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
        photographer=photographer,
    )
    body_photo = make_photo(
        size=(300, 200),
        caption_en=f"Body caption {PAYLOAD}",
        credit_form=Photo.Credit.FREE_TEXT,
        credit_text=f"Credit {SVG}",
    )
    author = make_author(name_en=f"Ann {PAYLOAD}", name_ru=f"Анна {PAYLOAD}")
    region = make_region(
        slug="hostile-region",
        name_en=f"Region {ATTRIBUTE_BREAK}",
        name_ru=f"Регион {SVG}",
    )
    article = make_article(
        headline=f"Headline {PAYLOAD}",
        lead=f"Lead {PAYLOAD}",
        body=HOSTILE_BODY + f"<p>[photo:{body_photo.pk}]</p>",
        source=f"Source {ATTRIBUTE_BREAK}",
        region=region,
        lead_photo=photo,
        authors=[author],
        tags=[f"tag {SCRIPT}", f"tag {ATTRIBUTE_BREAK}"],
        published_at=timezone.now() - timedelta(hours=1),
    )
    Correction.objects.create(
        article=article, kind=Correction.Kind.CORRECTION, text=f"Fixed {PAYLOAD}"
    )
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def editor(django_user_model):
    """An editor who signs in with a password (for the browser)."""
    user = django_user_model.objects.create_user(
        username="editor", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
