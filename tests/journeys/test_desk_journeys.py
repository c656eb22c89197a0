"""The desk in Chromium: workflow buttons that save, translations that wait for their
original, the language check, previews, returns, label versions and proposed changes."""

import re
import statistics
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from articles.calendar import local_midnight
from articles.models import Article, ArticleEvent, ProposedChange
from disclaimers.models import Disclaimer
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_photo
from tests.journeys.conftest import PASSWORD, axe_violations, docs_screenshot, log_in

pytestmark = pytest.mark.django_db(transaction=True)

Status = Article.Status
MESSAGES = ".messagelist"


@pytest.fixture
def desk(newsroom, django_user_model, memorial, mailoutbox):
    """The newsroom with addresses to mail, and a Legal officer."""
    for username in ("correspondent", "translator", "editor"):
        user = newsroom[username]
        user.email = f"{username}@example.org"
        user.save()
    legal = django_user_model.objects.create_user(
        username="legal", password=PASSWORD, is_staff=True, email="legal@example.org"
    )
    legal.groups.add(Group.objects.get(name="Legal"))
    return {**newsroom, "legal": legal, "mail": mailoutbox}


def story_of(desk, **fields) -> Article:
    """A Russian story filed by the correspondent under their byline."""
    fields.setdefault("language", "ru")
    fields.setdefault("created_by", desk["correspondent"])
    return make_article(authors=[desk["author"]], **fields)


def open_story(page, live_server, article) -> None:
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".workflow")).to_be_visible()


def as_reader(page, live_server, url: str):
    page.context.clear_cookies()
    return page.goto(live_server.url + url)


# Workflow buttons save the form first ----------------------------------------------


def test_editor_edit_then_publish_puts_the_edit_live(page, live_server, desk):
    story = story_of(desk, headline="Мост закрыли на ремонт", status=Status.SUBMITTED)
    log_in(page, live_server, "editor")
    open_story(page, live_server, story)
    page.fill("#id_headline", "Мост через Терек закрыли на ремонт")
    page.click("button[value=publish]")
    expect(page.locator(MESSAGES)).to_have_text("Saved, then: approved and published.")

    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert story.approved_by == desk["editor"]
    assert story.history.filter(headline="Мост через Терек закрыли на ремонт")
    as_reader(page, live_server, story.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Мост через Терек закрыли на ремонт")


def test_author_edit_then_submit_keeps_the_edit_and_leaving_unsaved_asks_first(
    page, live_server, desk
):
    story = story_of(desk, lead="Вводка черновика.", status=Status.DRAFT)
    log_in(page, live_server, "correspondent")
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    open_story(page, live_server, story)
    page.click(".field-body .ProseMirror >> visible=true")  # looked, changed nothing
    page.click("#site-name a")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert dialogs == []

    open_story(page, live_server, story)
    page.click("#id_lead")
    page.keyboard.press("End")
    page.keyboard.type(" Дополнено.")

    def stay(dialog):
        dialog.dismiss()  # "Stay on the page"

    page.once("dialog", stay)
    page.click("#site-name a")  # leaving for the admin's first page, unsaved
    expect(page.locator("#id_lead")).to_have_value("Вводка черновика. Дополнено.")
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/{story.pk}/change/")

    page.click("button[value=submit]")  # saving is not leaving unsaved work
    expect(page.locator(MESSAGES)).to_have_text("Saved, then: submitted.")
    assert dialogs == ["beforeunload"]
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED
    assert story.lead == "Вводка черновика. Дополнено."
    assert [mail.to for mail in desk["mail"]] == [["editor@example.org"]]  # told


# Translations never go out before their original ------------------------------------

TRANSLATED = "Repairs begin at the northern reservoir dam"


def public_surfaces(live_server, page, day) -> dict[str, str]:
    """Every public place an English story could appear in, with its text."""
    urls = [
        "/en/",
        "/en/news/",
        f"/en/archive/{day:%Y/%m/%d}/",
        f"/en/archive/{day:%Y/%m}/",
        "/en/search/?q=reservoir",
        "/en/feeds/rss/",
        "/en/feeds/atom/",
        "/api/ninjs/?language=en",
        "/news-sitemap.xml",
        "/sitemap.xml",
        f"/sitemap-articles-en-{day:%Y-%m}.xml",
    ]
    index = page.request.get(f"{live_server.url}/sitemap.xml")
    urls += [
        re.sub(r"^https?://[^/]+", "", loc.text)
        for loc in ElementTree.fromstring(index.body()).iter()
        if loc.tag.endswith("loc")
    ]
    found = {}
    for url in dict.fromkeys(urls):
        response = page.request.get(live_server.url + url)
        found[url] = response.text() if response.ok else str(response.status)
    return found


def test_translation_of_a_scheduled_original_waits_for_it_everywhere(
    page, live_server, desk
):
    at = timezone.now() + timedelta(days=2)
    original = story_of(
        desk,
        headline="На плотине северного водохранилища начался ремонт",
        published_at=at,
    )
    control = make_article(
        language="en",
        headline="Reservoir levels rise after the rains",
        created_by=desk["translator"],
    )
    log_in(page, live_server, "translator")
    open_story(page, live_server, original)
    expect(page.locator(".workflow h2")).to_contain_text("scheduled for")
    page.click("button[value=translate]")
    expect(page.locator(MESSAGES)).to_have_text("Done: translation started.")
    page.fill("#id_headline", TRANSLATED)
    page.fill("#id_lead", "Work on the dam will take a month.")
    # Focused, not clicked: the editor sets its caret a moment after a click,
    # which would undo the keys pressed next.
    page.locator(".field-body .ProseMirror >> visible=true").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("The reservoir will stay open to visitors.")
    page.click("button[value=submit]")
    expect(page.locator(MESSAGES)).to_have_text("Saved, then: submitted.")
    translation = Article.objects.get(translation_of=original)

    log_in(page, live_server, "editor")
    open_story(page, live_server, translation)
    page.click("button[value=publish]")  # "now": the original is not out yet
    expect(page.locator(MESSAGES)).to_have_text("Saved, then: approved and scheduled.")
    expect(page.locator(".workflow h2")).to_contain_text("scheduled for")
    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED
    assert translation.published_at == original.published_at

    response = as_reader(page, live_server, translation.get_absolute_url())
    assert response.status == 404
    surfaces = public_surfaces(live_server, page, timezone.localdate(at))
    shown = {url: text for url, text in surfaces.items() if TRANSLATED in text}
    assert shown == {}
    assert not [url for url, text in surfaces.items() if translation.slug in text]
    listing = ["/en/", "/en/news/", "/en/search/?q=reservoir", "/en/feeds/rss/"]
    for url in [*listing, "/api/ninjs/?language=en"]:
        assert control.headline in surfaces[url], url  # the surface does list news


# The language check ------------------------------------------------------------------


def write_in_russian(page) -> None:
    """A Russian paragraph, tag and source on an English story."""
    # Focused, not clicked: the editor sets its caret a moment after a click,
    # which would undo the keys pressed next.
    page.locator(".field-body .ProseMirror >> visible=true").focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Жители села собрались у здания администрации.")
    page.fill("#id_tags", "courts, суды")
    page.fill("#id_source", "Источник: собственный корреспондент")


def expect_each_field_named(page) -> None:
    expect(page.locator(".errornote")).to_be_visible()
    # Its number depends on where the caret was (the editor places it itself).
    expect(page.locator(".field-body .errorlist")).to_contain_text(
        re.compile(r"paragraph \d is in Russian: “Жители села собрались")
    )
    expect(page.locator(".field-tags .errorlist")).to_have_text(
        "the tag “суды” is in Russian"
    )
    expect(page.locator(".field-source .errorlist")).to_have_text("it is in Russian")
    # The text stays in the form, to be put right.
    expect(page.locator("#id_source")).to_have_value(
        "Источник: собственный корреспондент"
    )
    expect(page.locator(".field-body .ProseMirror >> visible=true")).to_contain_text(
        "Жители села собрались у здания администрации."
    )


def test_english_story_with_russian_paragraph_tag_or_source_is_refused(
    page, live_server, desk
):
    story = make_article(
        language="en",
        headline="Villagers ask for a new school",
        status=Status.DRAFT,
        created_by=desk["translator"],
    )
    log_in(page, live_server, "translator")
    open_story(page, live_server, story)
    write_in_russian(page)
    page.click("button[value=submit]")
    expect_each_field_named(page)

    log_in(page, live_server, "editor")
    open_story(page, live_server, story)
    write_in_russian(page)
    page.click("button[value=publish]")
    expect_each_field_named(page)

    story.refresh_from_db()
    assert (story.status, story.source, list(story.tags.all())) == (
        Status.DRAFT,
        "",
        [],
    )
    assert "Жители" not in story.body


# Preview -------------------------------------------------------------------------------


def test_preview_shows_a_draft_with_its_label_credit_and_footnote(
    page, live_server, desk
):
    photo = make_photo(
        caption_ru="Здание областного суда",
        caption_en="The regional court building",
        credit_text="Highland Herald",
    )
    story = story_of(
        desk,
        headline="Суд над «Мемориалом» отложен",
        lead="Заседание перенесли на две недели.",
        body="<p>Дело «Мемориала» рассмотрят позже.</p>",
        lead_photo=photo,
        status=Status.DRAFT,
    )
    translation = make_article(
        language="en",
        headline="The trial of Memorial is postponed",
        lead="The hearing was moved by two weeks.",
        body="<p>The case of Memorial will be heard later.</p>",
        lead_photo=photo,
        translation_of=story,
        status=Status.DRAFT,
        created_by=desk["translator"],
    )
    log_in(page, live_server, "correspondent")
    open_story(page, live_server, story)
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview", exact=True).click()
    preview = opened.value
    preview.wait_for_url(f"**/ru/news/preview/{story.pk}/")
    expect(preview.locator(".preview-banner")).to_contain_text(
        "Предпросмотр: не опубликовано"
    )
    expect(preview.locator("h1")).to_contain_text("Суд над «Мемориалом»* отложен")
    expect(preview.locator(".legal-label")).to_have_text([LABEL_2022])
    under_headline = preview.evaluate(
        "() => document.querySelector('h1').getBoundingClientRect().bottom"
        " <= document.querySelector('.legal-label').getBoundingClientRect().top"
    )
    assert under_headline
    expect(preview.locator(".photo__credit")).to_have_text("Фото: Highland Herald")
    expect(preview.locator(".footnote")).to_have_text(
        [desk_footnote("ru")], use_inner_text=True
    )
    found = {"ru": axe_violations(preview)}
    preview.close()

    log_in(page, live_server, "translator")
    page.goto(live_server.url + f"/en/news/preview/{translation.pk}/")
    expect(page.locator(".preview-banner")).to_contain_text("Preview: not published")
    expect(page.locator(".legal-label")).to_have_text([LABEL_2022])
    expect(page.locator(".photo__credit")).to_have_text("Photo: Highland Herald")
    expect(page.locator(".footnote")).to_have_text([desk_footnote("en")])
    found["en"] = axe_violations(page)
    assert found == {"ru": [], "en": []}
    docs_screenshot(page, "preview", full_page=True)

    page.context.clear_cookies()  # readers never see it
    assert page.goto(f"{live_server.url}{translation.get_absolute_url()}").status == 404


def desk_footnote(language: str) -> str:
    from disclaimers.models import DesignatedEntity

    return getattr(DesignatedEntity.objects.get(), f"footnote_{language}")


# Returned with a comment ------------------------------------------------------------


def test_returned_story_shows_the_comment_to_its_author_who_is_mailed(
    page, live_server, desk
):
    story = story_of(desk, headline="Фермеры просят субсидий", status=Status.SUBMITTED)
    log_in(page, live_server, "editor")
    open_story(page, live_server, story)
    page.fill("input[name=_step_comment]", "Назовите второго свидетеля.")
    page.click("button[value=return]")
    expect(page.locator(MESSAGES)).to_have_text("Saved, then: returned to the author.")
    [mail] = desk["mail"]
    assert mail.to == ["correspondent@example.org"]
    assert "Назовите второго свидетеля." in mail.body
    assert f"/admin/articles/article/{story.pk}/change/" in mail.body

    log_in(page, live_server, "correspondent")
    open_story(page, live_server, story)
    returned = page.locator(".workflow__returned")
    expect(returned).to_contain_text("Returned to you by editor")
    expect(returned.locator("blockquote")).to_have_text("Назовите второго свидетеля.")
    expect(page.locator("button[value=submit]")).to_be_visible()


# Legal labels ------------------------------------------------------------------------

NEW_LABEL = (
    "ДАННЫЙ МАТЕРИАЛ СОЗДАН И (ИЛИ) РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ ООО «ТЕСТ» "
    "ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА ООО «ТЕСТ»"
)


def test_new_label_version_replaces_the_old_from_its_first_day(
    page, live_server, desk, labels
):
    stories = [
        story_of(desk, headline="Выставка открылась в музее"),
        make_article(language="en", headline="An exhibition opens at the museum"),
    ]
    for story in stories:  # read, and cached, before the new version
        as_reader(page, live_server, story.get_absolute_url())
        expect(page.locator(".legal-label")).to_have_text([LABEL_2022])

    log_in(page, live_server, "legal")
    page.goto(f"{live_server.url}/admin/disclaimers/disclaimer/add/")
    page.fill("#id_text", NEW_LABEL)
    for language in ("ru", "en"):  # both languages, ticked unless told otherwise
        expect(page.locator(f"input[name=locales][value={language}]")).to_be_checked()
    page.fill("#id_effective_from", timezone.localdate().isoformat())
    page.click("input[name=_save]")
    expect(page.locator(MESSAGES)).to_contain_text("was added successfully")

    for story in stories:
        as_reader(page, live_server, story.get_absolute_url())
        expect(page.locator(".legal-label")).to_have_text([NEW_LABEL])
    old = labels[1]
    old.refresh_from_db()
    assert old.superseded_by == Disclaimer.objects.get(text=NEW_LABEL)
    assert old.effective_to == timezone.localdate() - timedelta(days=1)


def test_a_label_version_that_stood_cannot_be_deleted(
    page, live_server, desk, labels, django_user_model
):
    old, current = labels
    django_user_model.objects.create_superuser(username="admin", password=PASSWORD)
    for username in ("legal", "admin"):
        log_in(page, live_server, username)
        for version in (old, current):
            url = f"/admin/disclaimers/disclaimer/{version.pk}/"
            assert page.goto(f"{live_server.url}{url}delete/").status == 403
            page.goto(f"{live_server.url}{url}change/")
            expect(page.locator("#disclaimer_form")).to_be_visible()
            expect(page.locator(".deletelink")).to_have_count(0)
        page.goto(f"{live_server.url}/admin/disclaimers/disclaimer/")
        expect(page.locator("#result_list")).to_be_visible()
        options = page.locator("select[name=action] option[value=delete_selected]")
        expect(options).to_have_count(0)
    assert Disclaimer.objects.count() == 2


# Proposed changes to published stories ------------------------------------------------


def test_proposed_change_goes_live_only_after_the_editor_approves(
    page, live_server, desk
):
    story = story_of(
        desk,
        headline="В горах выпал первый снег",
        lead="Перевал закрыт до утра.",
        body="<p>Снег выпал ночью.</p>",
    )
    log_in(page, live_server, "correspondent")
    open_story(page, live_server, story)
    page.fill("#id_lead", "Перевал закрыт до полудня.")
    page.click("input[name=_continue]")
    expect(page.locator(MESSAGES)).to_contain_text("Your change is proposed")
    assert [mail.to for mail in desk["mail"]] == [["editor@example.org"]]

    as_reader(page, live_server, story.get_absolute_url())
    expect(page.locator(".article__lead, main")).to_contain_text(
        ["Перевал закрыт до утра."]
    )
    expect(page.locator("main")).not_to_contain_text("до полудня")

    log_in(page, live_server, "editor")
    open_story(page, live_server, story)
    proposal = page.locator(".workflow__proposal")
    expect(proposal).to_contain_text("A change proposed by correspondent")
    # The lead, side by side: the live text and the proposed one, changes marked.
    expect(proposal.locator("h3")).to_have_text(["Lead"])
    diff = proposal.locator("table.diff")
    expect(diff).to_contain_text("Перевал закрыт до утра.")
    expect(diff).to_contain_text("Перевал закрыт до полудня.")
    expect(diff.locator(".diff_chg")).to_have_count(2)  # one each side
    docs_screenshot(page, "update-approval")
    page.get_by_role("button", name="Approve the proposed change").click()
    expect(page.locator(MESSAGES)).to_have_text("Done: proposed change approved.")
    expect(page.locator(".workflow__proposal")).to_have_count(0)

    as_reader(page, live_server, story.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Перевал закрыт до полудня.")
    change = ProposedChange.objects.get()
    assert (change.status, change.decided_by) == (
        ProposedChange.Status.APPROVED,
        desk["editor"],
    )
    assert story.events.filter(action=ArticleEvent.Action.APPROVE_CHANGE).exists()


# The editors' queue ------------------------------------------------------------------


# Stories published each of the last 30 days (today last), and hours each waited.
PER_DAY = [1, 2, 0, 1, 2, 3, 2, 0, 1, 3, 2, 2, 0, 0, 1]
PER_DAY += [2, 4, 3, 1, 0, 2, 3, 2, 1, 0, 0, 2, 3, 3, 1]
WAITED = [2, 5, 1, 8, 3, 4, 26, 2]


def approved_after(desk, story, hours: int) -> None:
    """The story's submission and approval, as the workflow would have recorded."""
    for action, before in (("submit", hours), ("publish", 0)):
        event = story.events.create(action=action, actor=desk["editor"])
        ArticleEvent.objects.filter(pk=event.pk).update(
            at=story.published_at - timedelta(hours=before)
        )


def test_editors_queue_shows_waiting_stories_and_the_last_thirty_days(
    page, live_server, desk
):
    now = timezone.now()
    today = timezone.localdate()
    number = 0
    for days_ago, count in enumerate(reversed(PER_DAY)):
        for hour in range(count):
            # Inside its day (Moscow) whatever the hour of the run: today's between
            # midnight and now, earlier days' around noon.
            midnight = local_midnight(today - timedelta(days=days_ago))
            published_at = (
                midnight + (now - midnight) * (hour + 1) / (count + 1)
                if days_ago == 0
                else midnight + timedelta(hours=12, minutes=-40 * hour)
            )
            story = story_of(desk, published_at=published_at)
            approved_after(desk, story, WAITED[number % len(WAITED)])
            number += 1
    waiting = [
        story_of(desk, headline="Школа открылась после ремонта"),
        make_article(
            language="en",
            headline="A school reopens after repairs",
            created_by=desk["translator"],
        ),
    ]
    for story, hours in zip(waiting, (3, 1), strict=True):
        story.status = Status.SUBMITTED
        story.save()
        event = story.events.create(action="submit", actor=story.created_by)
        ArticleEvent.objects.filter(pk=event.pk).update(at=now - timedelta(hours=hours))
    story_of(
        desk,
        headline="Фестиваль начнётся в субботу",
        published_at=now + timedelta(days=3),
    )

    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/queue/")
    picture = page.locator(".publishing-picture")
    expect(picture.locator("svg rect")).to_have_count(30)
    waits = [WAITED[n % len(WAITED)] for n in range(number)]
    expect(picture.locator("figcaption")).to_contain_text(
        f"{sum(PER_DAY)} stories published; at most 4 a day; median time from "
        f"submission to approval: {statistics.median(waits):.1f} h"
    )
    content = page.locator("#content")
    for story in waiting:
        expect(content).to_contain_text(story.headline)
    expect(content).to_contain_text("waiting 3 hours")
    expect(content).to_contain_text("Фестиваль начнётся в субботу")
    docs_screenshot(page, "queue")
