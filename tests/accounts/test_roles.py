"""The newsroom roles exist in every migrated database with their permissions."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from accounts.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db


def permissions_of(role: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Correspondent",
        "Translator",
        "Editor",
        "Legal",
    }


@pytest.mark.parametrize("role", ROLE_PERMISSIONS)
def test_each_role_holds_exactly_its_permissions(role):
    assert permissions_of(role) == set(ROLE_PERMISSIONS[role])


def test_every_role_permission_exists():
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    wanted = {name for names in ROLE_PERMISSIONS.values() for name in names}
    assert wanted <= existing, wanted - existing


def test_only_editors_may_publish():
    may_publish = [
        role
        for role in ROLE_PERMISSIONS
        if "articles.publish_article" in permissions_of(role)
    ]
    assert may_publish == ["Editor"]


def test_legal_cannot_change_articles():
    assert "articles.change_article" not in permissions_of("Legal")
    assert "articles.add_article" not in permissions_of("Legal")


def test_create_staff_makes_a_staff_user_in_the_role(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery\n"))
    out = io.StringIO()
    call_command(
        "create_staff", "ada", role="correspondent", email="ada@example.org", stdout=out
    )
    user = get_user_model().objects.get(username="ada")
    assert user.is_staff and not user.is_superuser
    assert user.check_password("correct-horse-battery")
    assert user.roles == {"Correspondent"}
    assert user.has_perm("articles.add_article")
    assert not user.has_perm("articles.publish_article")
    assert "Created ada as Correspondent" in out.getvalue()


def test_create_staff_changes_the_role_of_an_existing_user(monkeypatch):
    for role in ("correspondent", "editor"):
        monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-battery\n"))
        call_command("create_staff", "bob", role=role, stdout=io.StringIO())
    assert get_user_model().objects.get(username="bob").roles == {"Editor"}


def test_create_staff_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_staff", "eve", role="editor", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="eve").exists()
