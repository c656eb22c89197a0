"""axe-core on the admin pages the newsroom works in, in both of the admin's languages."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Article
from disclaimers.models import DesignatedEntity
from tests.factories import make_article, make_photo
from tests.journeys.conftest import PASSWORD, axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The admin speaks the browser's language.
LOCALES = ["en-GB", "ru-RU"]


@pytest.fixture(params=LOCALES)
def browser_context_args(request, browser_context_args):
    return {**browser_context_args, "locale": request.param}


@pytest.fixture
def desk(newsroom, django_user_model):
    """A draft of the correspondent's, a submitted story with a register mention, a
    photo, a label version and a register entry; and a Legal officer."""
    legal = django_user_model.objects.create_user(
        username="legal", password=PASSWORD, is_staff=True
    )
    legal.groups.add(Group.objects.get(name="Legal"))
    entity = DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Мемориал",
        names_en="Memorial",
        footnote_ru="*Внесён в реестр иностранных агентов",
        footnote_en="*Included in the register of foreign agents",
        listed_on=date(2023, 5, 19),
    )
    photo = make_photo(uploaded_by=newsroom["correspondent"])
    author = newsroom["author"]
    draft = make_article(
        language="ru",
        headline="Черновик корреспондента",
        status=Article.Status.DRAFT,
        created_by=newsroom["correspondent"],
        lead_photo=photo,
        authors=[author],
    )
    submitted = make_article(
        language="ru",
        headline="Суд над «Мемориалом» отложен",
        body="<p>Дело «Мемориала» рассмотрят позже.</p>",
        status=Article.Status.SUBMITTED,
        created_by=newsroom["correspondent"],
        authors=[author],
    )
    assert submitted.mentions.exists()
    return {
        "draft": draft,
        "submitted": submitted,
        "photo": photo,
        "entity": entity,
        "label": newsroom_label(),
    }


def newsroom_label():
    from disclaimers.models import Disclaimer

    return Disclaimer.objects.order_by("-effective_from").first()


def pages_of(desk) -> dict[str, list[str]]:
    """Who looks at which admin pages."""
    story = "/admin/articles/article/"
    return {
        "correspondent": [
            "/admin/",
            "/admin/notifications/",
            f"{story}add/",
            f"{story}{desk['draft'].pk}/change/",
            "/admin/photos/photo/add/",
            f"/admin/photos/photo/{desk['photo'].pk}/change/",
        ],
        "editor": [
            "/admin/",
            f"{story}queue/",
            f"{story}add/",
            f"{story}{desk['submitted'].pk}/change/",
        ],
        "legal": [
            "/admin/disclaimers/disclaimer/add/",
            f"/admin/disclaimers/disclaimer/{desk['label'].pk}/change/",
            "/admin/disclaimers/designatedentity/add/",
            f"/admin/disclaimers/designatedentity/{desk['entity'].pk}/change/",
        ],
    }


def test_admin_pages_have_no_serious_accessibility_violations(page, live_server, desk):
    found = {}
    for role, urls in pages_of(desk).items():
        log_in(page, live_server, role)
        for url in urls:
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            found[f"{role} {url}"] = axe_violations(page)
    report = "\n".join(
        f"{name}: {violation['impact']} {violation['id']} {violation['nodes']}"
        for name, violations in found.items()
        for violation in violations
    )
    assert found == {name: [] for name in found}, report


def test_story_form_controls_are_named_after_their_labels_and_show_focus(
    page, live_server, desk
):
    log_in(page, live_server, "editor")
    page.goto(
        f"{live_server.url}/admin/articles/article/{desk['submitted'].pk}/change/"
    )
    # The form axe checks is the one with the editor's workflow buttons on it.
    expect(page.locator("button[value=publish]")).to_have_count(1)

    def label(for_id: str) -> str:
        return page.locator(f"label[for={for_id}]").text_content().strip()

    editor = page.locator(".field-body [contenteditable]")
    expect(editor).to_have_accessible_name(label("id_body"))
    region = page.locator(".field-region .select2-selection")
    expect(region).to_have_accessible_name(label("id_region"))
    byline = page.locator("#bylines-0 .select2-selection")
    expect(byline).to_have_accessible_name(
        re.compile(r"^\S+ (Faris Medjid|Фарис Меджид)")
    )
    header = page.locator("#bylines-group th.column-position").text_content().strip()
    position = page.locator("#id_bylines-0-position")
    expect(position).to_have_accessible_name(re.compile(rf"^{re.escape(header)}\s*$"))
    expect(page.locator("#id_mentions-0-status")).not_to_have_accessible_name("")

    frame = page.locator(".field-body .prose-editor")
    assert frame.evaluate("e => getComputedStyle(e).outlineStyle") == "none"
    editor.click()
    ring = frame.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert ring == ["solid", "2px"], ring

    log_in(page, live_server, "correspondent")
    page.goto(f"{live_server.url}/admin/articles/article/{desk['draft'].pk}/change/")
    expect(page.locator("button[value=submit]")).to_have_count(1)
