"""Nobody in the newsroom can delete a story or a photo: not by a button, not in bulk."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import ROLE_PERMISSIONS
from articles.models import Article
from photos.models import Photo
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

ROLES = list(ROLE_PERMISSIONS)
ADMIN = {Article: "/admin/articles/article/", Photo: "/admin/photos/photo/"}

# What a story is made of, and what no role may remove.
KEPT = [
    "articles.delete_article",
    "articles.delete_articleevent",
    "articles.delete_historicalarticle",
    "photos.delete_photo",
    "photos.delete_rendition",
]


def make(model, user):
    """A story the user filed (their own, so a correspondent may open it), or a photo."""
    if model is Article:
        return make_article(status=Article.Status.DRAFT, created_by=user)
    return make_photo(uploaded_by=user)


def test_the_roles_checked_here_are_the_newsroom_roles():
    assert set(ROLES) == {"Correspondent", "Translator", "Editor", "Legal"}
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_holds_a_permission_to_delete_stories_or_photos(make_staff, role):
    user = make_staff(role)
    assert [name for name in KEPT if user.has_perm(name)] == []


@pytest.fixture(params=ROLES)
def staff(request, client, make_staff):
    """A newsroom member logged in to the admin."""
    user = make_staff(request.param)
    client.force_login(user)
    return user


@pytest.fixture(params=[*ROLES, "superuser"])
def deleter(request, client, make_staff, django_user_model):
    """Someone logged in to the admin; the superuser shows the request works."""
    if request.param == "superuser":
        user = django_user_model.objects.create_superuser("root", password=None)
    else:
        user = make_staff(request.param)
    client.force_login(user)
    return user


def deleted(model, pk) -> bool:
    return not model.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("model", [Article, Photo], ids=["article", "photo"])
def test_only_an_administrator_deletes_through_the_delete_page(client, deleter, model):
    obj = make(model, deleter)
    response = client.post(f"{ADMIN[model]}{obj.pk}/delete/", {"post": "yes"})
    if deleter.is_superuser:
        assert response.status_code == 302 and deleted(model, obj.pk)
    else:
        assert response.status_code == 403 and not deleted(model, obj.pk)


@pytest.mark.parametrize("model", [Article, Photo], ids=["article", "photo"])
def test_only_an_administrator_deletes_with_the_bulk_action(client, deleter, model):
    objects = [make(model, deleter), make(model, deleter)]
    client.post(
        ADMIN[model],
        {
            "action": "delete_selected",
            "_selected_action": [obj.pk for obj in objects],
            "post": "yes",  # the confirmation page's answer
        },
    )
    assert [deleted(model, obj.pk) for obj in objects] == [deleter.is_superuser] * 2


@pytest.mark.parametrize("model", [Article, Photo], ids=["article", "photo"])
def test_no_role_is_offered_a_delete_button_or_action(client, staff, model):
    obj = make(model, staff)
    listing = client.get(ADMIN[model])
    if not staff.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        assert listing.status_code == 403  # Legal does not see photos at all
        return
    assert listing.status_code == 200 and str(obj) in listing.text
    assert 'value="delete_selected"' not in listing.text
    form = client.get(f"{ADMIN[model]}{obj.pk}/change/")
    assert form.status_code == 200
    assert f"{obj.pk}/delete/" not in form.text


@pytest.mark.parametrize("model", [Article, Photo], ids=["article", "photo"])
def test_a_delete_permission_granted_by_hand_still_deletes_nothing(
    client, make_staff, model
):
    # An administrator may tick any permission on a user's page; the admin holds.
    editor = make_staff("Editor")
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label=model._meta.app_label,
            codename=f"delete_{model._meta.model_name}",
        )
    )
    client.force_login(editor)
    obj = make(model, editor)
    assert (
        client.post(f"{ADMIN[model]}{obj.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(
        ADMIN[model],
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert not deleted(model, obj.pk)
