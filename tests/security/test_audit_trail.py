"""Every change made through the admin is recorded with the person who made it.

Adds and edits leave Django's admin log (LogEntry); the workflow buttons leave the
story's workflow history (ArticleEvent).
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from api.models import Delivery, Partner
from articles.models import Article, ArticleEvent, GoLive
from background.models import FailedTask
from disclaimers.models import DesignatedEntity, Mention
from tests.factories import make_article
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What a browser would submit from the form with the given id, unchanged."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self.select = self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or attrs.get("disabled") is not None:
            return
        kind = (attrs.get("type") or "text").lower()
        name = attrs.get("name")
        if tag == "input" and name and kind not in {"submit", "button", "file"}:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self.add(
                    name, attrs.get("value") or ("on" if kind == "checkbox" else "")
                )
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:  # the newline after <textarea> is not part of it
                value = self.data[self.textarea][-1]
                self.data[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None


def submitted(response, **changes) -> dict:
    """The admin form on `response`, as its Save button would post it, with changes."""
    opts = response.context["opts"]
    parser = FormFields(f"{opts.model_name}_form")
    parser.feed(response.content.decode())
    data = {name: values if len(values) > 1 else values[0]
            for name, values in parser.data.items()}  # fmt: skip
    return {**data, **changes, "_continue": "1"}


def image():
    return SimpleUploadedFile("picture.jpg", photo_bytes(), content_type="image/jpeg")


# For each model the admin edits: the fields of a new one, and a change to make.
EDITS = {
    "articles.article": (
        {"language": "en", "headline": "Dam opens", "body": "<p>Text.</p>"},
        {"headline": "Dam opens at last"},
    ),
    "articles.region": (
        {"name_en": "North", "name_ru": "Север", "slug": "north"},
        {"name_en": "The North"},
    ),
    "authors.author": (
        {"name_en": "Ann Lee", "name_ru": "Энн Ли"},
        {"name_en": "Ann B. Lee"},
    ),
    "photos.photo": (
        {
            "image": image,
            "caption_en": "A dam",
            "credit_form": "free_text",
            "credit_text": "Agency",
        },
        {"caption_en": "The dam"},
    ),
    "photos.photographer": (
        {"name_en": "Pat Roe", "name_ru": "Пэт Роу"},
        {"name_en": "Pat B. Roe"},
    ),
    "disclaimers.disclaimer": (
        {
            "text": "ДАННЫЙ МАТЕРИАЛ",
            "locales": ["ru", "en"],
            "effective_from": "2024-01-01",
            "placement": "after_headline",
            "emphasis": "double_size",
        },
        {"effective_to": "2024-12-31"},
    ),
    "disclaimers.designatedentity": (
        {
            "kind": "foreign_agent",
            "names_ru": "Мемориал",
            "names_en": "Memorial",
            "footnote_ru": "*Иноагент",
            "footnote_en": "*Foreign agent",
            "listed_on": "2023-05-19",
        },
        {"names_en": "Memorial\nMemorial Society"},
    ),
    "articles.tag": ({"name_en": "floods"}, {"name_en": "Floods"}),
    "api.partner": (
        {"name": "Valley Daily", "languages": ["en"]},
        {"contact": "desk@valley.example.org"},
    ),
    "accounts.role": ({"name": "Photo desk"}, {"name": "Photo and video desk"}),
    "accounts.user": (
        {
            "username": "vera",
            "usable_password": "true",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
        {"email": "vera@example.org"},
    ),
}
# Rows the admin never adds (found by the software) but people review and change.
CHANGE_ONLY = {"disclaimers.mention": {"status": "dismissed"}}
# Rows nobody changes in the admin: the publication record (tests/record).
READ_ONLY = {"record.entry", "record.removal"}
# Rows changed only by an admin action, logged as a change (tested below).
ACTION_ONLY = {"background.failedtask": "retry_selected", "api.delivery": "resend"}


def admin_models(user) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in admin.site.get_app_list(request)
        for model in app["models"]
    }


def test_every_model_in_the_admin_is_checked_below(admin_user):
    assert admin_models(admin_user) == (
        set(EDITS) | set(CHANGE_ONLY) | set(ACTION_ONLY) | READ_ONLY
    )


def test_retrying_a_failed_task_is_logged(admin_client, admin_user):
    failed = FailedTask.objects.create(
        task_path="tests.background.tasks.always_fails",
        args=["delivery"],
        attempts=5,
        error="RuntimeError('503')",
    )
    admin_client.post(
        "/admin/background/failedtask/",
        {
            "action": ACTION_ONLY["background.failedtask"],
            "_selected_action": [failed.pk],
        },
    )
    assert logged(admin_user, CHANGE, failed)


def test_resending_a_delivery_is_logged(admin_client, admin_user):
    story = make_article()
    partner = Partner(name="Valley Daily", push_url="https://valley.example.org/")
    partner.issue_key()
    partner.save()
    delivery = Delivery.objects.create(
        partner=partner,
        event=GoLive.objects.create(
            article=story, kind="published", at=story.published_at
        ),
        article=story,
        version=1,
        kind="published",
        body="{}",
        status=Delivery.Status.FAILED,
    )
    admin_client.post(
        "/admin/api/delivery/",
        {"action": ACTION_ONLY["api.delivery"], "_selected_action": [delivery.pk]},
    )
    assert logged(admin_user, CHANGE, delivery)


def logged(user, action_flag, obj) -> bool:
    return LogEntry.objects.filter(
        user=user, action_flag=action_flag, object_id=str(obj.pk)
    ).exists()


@pytest.mark.parametrize("label", EDITS)
def test_adding_and_changing_through_the_admin_is_logged(
    client, admin_user, labels, label
):
    new, change = EDITS[label]
    url = f"/admin/{label.replace('.', '/')}/"
    client.force_login(admin_user)
    fields = {
        name: value() if callable(value) else value for name, value in new.items()
    }
    response = client.post(f"{url}add/", submitted(client.get(f"{url}add/"), **fields))
    assert response.status_code == 302, response.context and response.context["errors"]
    model = client.get(f"{url}add/").context["opts"].model
    obj = model.objects.order_by("pk").last()
    assert logged(admin_user, ADDITION, obj)

    change_url = f"{url}{obj.pk}/change/"
    response = client.post(change_url, submitted(client.get(change_url), **change))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert logged(admin_user, CHANGE, obj)


def test_reviewing_a_mention_is_logged(client, make_staff, labels):
    legal = make_staff("Legal")
    DesignatedEntity.objects.create(
        kind="foreign_agent", names_ru="Мемориал", names_en="Memorial",
        footnote_ru="*", footnote_en="*", listed_on=timezone.localdate(),
    )  # fmt: skip
    article = make_article(body="<p>Memorial says so.</p>")
    mention = Mention.objects.get(article=article)
    client.force_login(legal)
    url = f"/admin/disclaimers/mention/{mention.pk}/change/"
    response = client.post(
        url, submitted(client.get(url), **CHANGE_ONLY["disclaimers.mention"])
    )
    assert response.status_code == 302
    assert logged(legal, CHANGE, mention)
    mention.refresh_from_db()
    assert mention.reviewed_by == legal


def test_a_correspondents_story_is_logged_as_theirs(client, make_staff, labels):
    correspondent = make_staff("Correspondent")
    client.force_login(correspondent)
    url = "/admin/articles/article/add/"
    fields = EDITS["articles.article"][0]
    assert client.post(url, submitted(client.get(url), **fields)).status_code == 302
    assert logged(correspondent, ADDITION, Article.objects.get())


@pytest.fixture
def staff(make_staff):
    return {
        role: make_staff(role) for role in ("Correspondent", "Translator", "Editor")
    }


def press(client, user, article, step, **fields):
    """Press a workflow button on the story's admin page, as `user`."""
    client.force_login(user)
    change = f"/admin/articles/article/{article.pk}/change/"
    form = client.get(change)
    page = form.content.decode()
    separate = f"/admin/articles/article/{article.pk}/workflow/{step}/"
    if f'action="{separate}"' in page:  # a step that does not save the text
        response = client.post(separate, {"step": step, **fields})
    else:  # a button of the story's form: the form is saved with it
        assert f'name="_step" value="{step}"' in page, f"no {step} button for {user}"
        step_fields = {f"_step_{name}": value for name, value in fields.items()}
        response = client.post(change, submitted(form, _step=step, **step_fields))
    assert response.status_code == 302


def recorded(article, action, user) -> bool:
    return ArticleEvent.objects.filter(
        article=article, action=action, actor=user
    ).exists()


def test_every_workflow_button_is_recorded_with_who_pressed_it(client, staff, labels):
    correspondent, translator, editor = staff.values()
    story = make_article(status=Article.Status.DRAFT, created_by=correspondent)

    press(client, correspondent, story, "submit")
    assert recorded(story, "submit", correspondent)
    press(client, editor, story, "return", comment="Add a source.")
    assert recorded(story, "return", editor)
    press(client, correspondent, story, "submit")
    press(client, editor, story, "publish")
    assert recorded(story, "publish", editor)
    press(client, translator, story, "translate")
    translation = Article.objects.get(translation_of=story)
    assert recorded(translation, "translate", translator)
    press(client, editor, story, "withdraw", comment="Legal request.")
    assert recorded(story, "withdraw", editor)
    at = timezone.localtime() + timedelta(days=1)
    press(client, editor, story, "schedule", at=at.strftime("%Y-%m-%dT%H:%M"))
    assert recorded(story, "schedule", editor)


def test_restoring_a_revision_is_recorded(client, staff, labels):
    editor = staff["Editor"]
    story = make_article(headline="First words")
    story.headline = "Second words"
    story.save()
    first = story.history.order_by("history_id").first()
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{story.pk}/revisions/",
        {"restore": first.history_id},
    )
    assert response.status_code == 302
    assert recorded(story, "restore", editor)
    story.refresh_from_db()
    assert story.headline == "First words"
