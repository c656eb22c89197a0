"""Every admin view of every registered model, for every role, against the role table.

The views are derived from admin.site._registry (a newly registered model, history
or autocomplete field cannot be missed: the table below must name it); what each
role may do is written out explicitly in EXPECTED. A refused POST must change
nothing; each request runs in a savepoint that is rolled back, so one set of
fixtures per role serves every request.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from accounts.admin_rules import NewsroomAdmin, VisibleChoicesMixin
from accounts.models import Role
from api.models import Delivery, Partner
from articles.models import Article, ArticleEvent, GoLive, Tag, TaggedArticle
from background.models import FailedTask
from disclaimers.models import Mention
from photos.models import Photographer
from record import chain
from record.models import Removal
from tests.factories import (
    article_form_data,
    make_article,
    make_author,
    make_photo,
    make_region,
)

pytestmark = pytest.mark.django_db

SECRET = "Unpublished governor scoop"

ANONYMOUS, SUPERUSER = "anonymous", "superuser"
# Every step a button posts on its own (articles.workflow.take).
WORKFLOW_STEPS = (
    "publish",
    "schedule",
    "return",
    "submit",
    "recall",
    "withdraw",
    "translate",
    "approve_change",
    "reject_change",
    "mark_current",
)
C, T, E, L, S = "Correspondent", "Translator", "Editor", "Legal", SUPERUSER
ROLES = [ANONYMOUS, C, T, E, L, S]
READERS_OF_STORIES = {C, T, E, L, S}
PHOTO_DESK = {C, T, E, S}


def crud(
    *,
    view,
    add=(),
    change=(),
    delete=frozenset({S}),
    change_visible=None,
    **custom,
):
    """What each role may do with one model's admin views (on the fixture object)."""
    view, add, change = set(view), set(add), set(change)
    seen = set(change_visible) if change_visible is not None else view
    return {
        "list GET": view,
        "list POST": set(delete),  # the bulk delete of the fixture object
        "add GET": add,
        "add POST": add,
        "change GET": seen,
        "change POST": change,
        "delete GET": set(delete),
        "delete POST": set(delete),
        "history GET": seen,
        **{name: set(roles) for name, roles in custom.items()},
    }


# The role table, as accounts/roles.py and the admin rules make it. The fixture
# story and its mention belong to another correspondent and await approval.
EXPECTED = {
    # A newsroom role (the fixture's) is not deleted: the code knows it by name.
    "accounts.role": crud(view={S}, add={S}, change={S}, delete=set()),
    "accounts.user": crud(
        view={S}, add={S}, change={S}, **{"password GET": {S}, "password POST": {S}}
    ),
    "disclaimers.disclaimer": crud(
        view={E, L, S},
        add={L, S},
        change={L, S},
        delete=set(),  # a version that stood is ended, never deleted
        **{"history form GET": {E, L, S}, "history form POST": {L, S}},
    ),
    "disclaimers.designatedentity": crud(
        view={E, L, S},
        add={L, S},
        change={L, S},
        # An entry that was ever listed is delisted, never deleted.
        delete=set(),
        **{"history form GET": {E, L, S}, "history form POST": {L, S}},
    ),
    "disclaimers.mention": crud(
        view=READERS_OF_STORIES,
        change_visible={T, E, L, S},
        change={E, L, S},
    ),
    "articles.article": crud(
        view=READERS_OF_STORIES,
        change_visible={T, E, L, S},
        add={C, T, E, S},
        change={E, S},
        **{
            "autocomplete translation_of": {T, E, L, S},
            "autocomplete region": READERS_OF_STORIES,
            "autocomplete lead_photo": PHOTO_DESK,
            "queue GET": READERS_OF_STORIES,
            "revisions GET": {T, E, L, S},
            "revisions POST": {E, S},
            "workflow publish": {E, S},
            "workflow return": {E, S},
            "workflow submit": set(),  # already submitted
            "workflow withdraw": set(),  # not published
            "workflow translate": set(),  # not published
            # Another correspondent's submission, no proposal, not a translation;
            # a schedule with no time: refused for everyone, changing nothing.
            "workflow recall": set(),
            "workflow schedule": set(),
            "workflow approve_change": set(),
            "workflow reject_change": set(),
            "workflow mark_current": set(),
        },
    ),
    "articles.region": crud(view=READERS_OF_STORIES, add={E, S}, change={E, S}),
    # The wire's partners: editors register them and hand out their keys.
    "api.partner": crud(view={E, S}, add={E, S}, change={E, S}),
    # What was pushed to them: read, and resent, never added by hand.
    "api.delivery": crud(view={E, S}, change={E, S}),
    # The publication record: read, never changed by anyone; Legal asks it.
    "record.entry": crud(view={E, L, S}, delete=set(), **{"ask GET": {L, S}}),
    # A withdrawn story's text out of public view: added, never changed or undone.
    "record.removal": crud(view={E, S}, add={E, S}, delete=set()),
    # Failed background work: for whoever runs the newsroom; never added by hand.
    "background.failedtask": crud(view={S}, change={S}),
    "authors.author": crud(
        view=READERS_OF_STORIES,
        add={E, S},
        change={E, S},
        **{"autocomplete user": {S}},
    ),
    "photos.photo": crud(
        view=PHOTO_DESK,
        add=PHOTO_DESK,
        change=PHOTO_DESK,
        **{"autocomplete photographer": PHOTO_DESK},
    ),
    "photos.photographer": crud(
        view=PHOTO_DESK,
        add=PHOTO_DESK,
        change={E, S},
        **{"autocomplete author": READERS_OF_STORIES},
    ),
    "articles.tag": crud(view=PHOTO_DESK, add=PHOTO_DESK, change={E, S}),
}


@dataclass
class Door:
    name: str  # as in EXPECTED
    method: str
    url: str
    data: dict = field(default_factory=dict)
    # How "let through" shows: "status" (not refused), "effect" (the database
    # changed), "action" (a bulk action ran) or "found" (the autocomplete's
    # results hold `target`).
    judge: str = "status"
    target: str = ""
    model: str = ""  # the EXPECTED entry it belongs to


def label_of(model) -> str:
    return model._meta.label_lower


def admin_url(model, suffix="") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def change_payload(obj) -> dict:
    """A valid change of the fixture object where the form is simple to fill."""
    if isinstance(obj, Article):
        return article_form_data(obj, headline="Rewritten by a side door")
    label = label_of(type(obj))
    if label == "disclaimers.disclaimer":
        return {
            "text": "ПОДМЕНЁННЫЙ ТЕКСТ",
            "locales": obj.locales,
            "effective_from": obj.effective_from.isoformat(),
            "effective_to": "",
            "placement": obj.placement,
            "emphasis": obj.emphasis,
        }
    if label == "disclaimers.designatedentity":
        return {
            "kind": obj.kind,
            "names_ru": obj.names_ru,
            "names_en": obj.names_en,
            "footnote_ru": obj.footnote_ru,
            "footnote_en": obj.footnote_en,
            "listed_on": obj.listed_on.isoformat(),
            "delisted_on": "2024-01-01",
        }
    if label == "disclaimers.mention":
        return {"status": Mention.Status.DISMISSED}
    if label == "articles.region":
        return {"name_en": "Renamed", "name_ru": "Переименован", "slug": obj.slug}
    if label == "articles.tag":
        return {"name_en": "renamed", "slug_en": "renamed"}
    return {}


def doors(objects, search_terms) -> list[Door]:
    """Every admin URL of every registered model, with what a hostile POST sends."""
    found = []
    for model, model_admin in admin.site._registry.items():
        obj = objects[label_of(model)]
        change = admin_url(model, f"{obj.pk}/change/")
        start = len(found)
        found += [
            Door("list GET", "GET", admin_url(model)),
            Door(
                "list POST",
                "POST",
                admin_url(model),
                {
                    "action": "delete_selected",
                    ACTION_CHECKBOX_NAME: [obj.pk],
                    "post": "yes",
                },
                judge="action",
            ),
            Door("add GET", "GET", admin_url(model, "add/")),
            Door("add POST", "POST", admin_url(model, "add/"), change_payload(obj)),
            Door("change GET", "GET", change),
            Door("change POST", "POST", change, change_payload(obj)),
            Door("delete GET", "GET", admin_url(model, f"{obj.pk}/delete/")),
            Door(
                "delete POST",
                "POST",
                admin_url(model, f"{obj.pk}/delete/"),
                {"post": "yes"},
            ),
            Door("history GET", "GET", admin_url(model, f"{obj.pk}/history/")),
        ]
        if isinstance(model_admin, SimpleHistoryAdmin):
            version = obj.history.earliest().history_id
            url = admin_url(model, f"{obj.pk}/history/{version}/")
            found += [
                Door("history form GET", "GET", url),
                Door("history form POST", "POST", url, change_payload(obj)),
            ]
        for name in model_admin.get_autocomplete_fields(None):
            remote = model._meta.get_field(name).remote_field.model
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": name,
                "term": search_terms[label_of(remote)],
            }
            found.append(
                Door(
                    f"autocomplete {name}",
                    "GET",
                    f"/admin/autocomplete/?{urlencode(query)}",
                    judge="found",
                    target=str(objects[label_of(remote)].pk),
                )
            )
        for door in found[start:]:
            door.model = label_of(model)
    story = objects["articles.article"]
    user = objects["accounts.user"]
    found += [
        Door("queue GET", "GET", admin_url(Article, "queue/")),
        Door("revisions GET", "GET", admin_url(Article, f"{story.pk}/revisions/")),
        Door(
            "revisions POST",
            "POST",
            admin_url(Article, f"{story.pk}/revisions/"),
            {"restore": story.history.earliest().history_id},
            judge="effect",
        ),
        *[
            Door(
                f"workflow {step}",
                "POST",
                admin_url(Article, f"{story.pk}/workflow/{step}/"),
                {"comment": "Rewrite the lead."},
                judge="effect",
            )
            for step in WORKFLOW_STEPS
        ],
        # Legal's questions to the publication record.
        Door(
            "ask GET",
            "GET",
            f"/admin/record/entry/ask/?story={story.pk}&day=2026-01-01",
            model="record.entry",
        ),
        # Last: a password changed may end the session.
        Door(
            "password GET",
            "GET",
            admin_url(type(user), f"{user.pk}/password/"),
            model="accounts.user",
        ),
        Door(
            "password POST",
            "POST",
            admin_url(type(user), f"{user.pk}/password/"),
            {"password1": "Side-door-pass-9137", "password2": "Side-door-pass-9137"},
            model="accounts.user",
        ),
    ]
    for door in found:
        door.model = door.model or "articles.article"
    return found


def let_through(door: Door, response, changed: bool) -> bool:
    if door.judge == "effect":
        return changed
    if door.judge == "found":
        if response.status_code != 200:
            return False
        return door.target in {item["id"] for item in response.json()["results"]}
    if door.judge == "action":
        # Deleted, or the page saying what protects the rows from deletion; a
        # refused action shows the list again ("No action selected").
        templates = {template.name for template in response.templates}
        return changed or "admin/delete_selected_confirmation.html" in templates
    if response.status_code == 302:
        # The sign-in page, or the index ("doesn't exist") for what is not theirs.
        location = response["Location"]
        return not (location.startswith("/admin/login/") or location == "/admin/")
    return response.status_code == 200


def snapshot() -> list:
    """Every row the admin could change, with the revisions and workflow records."""
    models = [
        *admin.site._registry,
        *(
            apps.get_model(m._meta.label).history.model
            for m in registered_models.values()
        ),
        ArticleEvent,
        TaggedArticle,
    ]
    return [
        list(model._default_manager.order_by("pk").values_list()) for model in models
    ]


@pytest.fixture
def world(make_staff, labels, memorial):
    """One of each registered model; the story is another correspondent's."""
    other = make_staff(C, "other-correspondent")
    author = make_author(name_en="Olga Otherova", user=other)
    region = make_region(name_en="Highlands")
    photo = make_photo(size=(300, 200), caption_en="Flood in the valley")
    photographer = Photographer.objects.create(
        name_en="Pat Lens", name_ru="Пат Ленс", author=author
    )
    story = make_article(
        headline=SECRET,
        status=Article.Status.SUBMITTED,
        created_by=other,
        region=region,
        lead_photo=photo,
        authors=[author],
        tags=["flood"],
    )
    mention = Mention.objects.create(
        article=story, entity=memorial, matched_text="Мемориал"
    )
    objects = {
        "accounts.role": Role.objects.get(name=C),
        "accounts.user": other,
        "disclaimers.disclaimer": labels[1],
        "disclaimers.designatedentity": memorial,
        "disclaimers.mention": mention,
        "articles.article": story,
        "articles.region": region,
        "authors.author": author,
        "photos.photo": photo,
        "photos.photographer": photographer,
        "articles.tag": Tag.objects.get(name_en="flood"),
        "api.partner": partner_with_a_key(),
        "record.entry": chain.note(story, "published"),
        "record.removal": Removal.objects.create(
            article=make_article(status=Article.Status.WITHDRAWN),
            reason="A court's order.",
            removed_by=other,
        ),
        "api.delivery": Delivery.objects.create(
            partner=partner_with_a_key(),
            event=GoLive.objects.create(
                article=story, kind=GoLive.Kind.PUBLISHED, at=timezone.now()
            ),
            article=story,
            version=1,
            kind=GoLive.Kind.PUBLISHED,
            body="{}",
        ),
        "background.failedtask": FailedTask.objects.create(
            task_path="tests.background.tasks.always_fails",
            args=["delivery"],
            attempts=5,
            error="RuntimeError('503')",
        ),
    }
    search_terms = {
        "articles.article": "governor",
        "articles.region": "Highlands",
        "photos.photo": "valley",
        "photos.photographer": "Pat",
        "authors.author": "Olga",
        "accounts.user": "other",
    }
    return objects, search_terms


def test_the_table_names_every_registered_model_and_every_door(world):
    objects, _terms = world
    registered = {label_of(model) for model in admin.site._registry}
    assert set(EXPECTED) == registered == set(objects)
    walked = {(door.model, door.name) for door in doors(*world)}
    listed = {(label, name) for label, table in EXPECTED.items() for name in table}
    assert walked == listed


def test_every_admin_and_inline_obeys_the_shared_rules():
    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, NewsroomAdmin), model_admin
        for inline in model_admin.inlines:
            assert issubclass(inline, VisibleChoicesMixin), inline


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_door_obeys_the_role_table(
    client, make_staff, django_user_model, world, role
):
    if role == SUPERUSER:
        client.force_login(django_user_model.objects.create_superuser("root", None))
    elif role != ANONYMOUS:
        client.force_login(make_staff(role))
    client.raise_request_exception = False  # a 500 is a finding like any other

    wrong = []
    for door in doors(*world):
        allowed = role in EXPECTED[door.model][door.name]
        with transaction.atomic():
            before = snapshot() if door.method == "POST" else None
            response = (
                client.post(door.url, door.data)
                if door.method == "POST"
                else client.get(door.url)
            )
            changed = door.method == "POST" and snapshot() != before
            transaction.set_rollback(True)
        if response.status_code >= 500:
            wrong.append(f"{door.method} {door.url}: {response.status_code}")
            continue
        if let_through(door, response, changed) != allowed:
            wrong.append(
                f"{door.name} {door.url}: {'refused' if allowed else 'let through'}"
                f" ({response.status_code})"
            )
        elif changed and not allowed:
            wrong.append(f"{door.name} {door.url}: refused, yet changed the database")
    assert not wrong, "\n".join(wrong)


def partner_with_a_key() -> Partner:
    partner = Partner(name="Valley Daily", languages=["en"])
    partner.issue_key()
    partner.save()
    return partner
