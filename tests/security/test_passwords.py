"""Staff passwords pass Django's validators on every way to set one."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-battery-9"
# One per validator in AUTH_PASSWORD_VALIDATORS.
WEAK = {
    "too short": "Xq7#pL2",
    "common": "password123",
    "all digits": "4815162342",
    "like the username": "vera.petrova",
}


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create_staff(monkeypatch, username, password):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    call_command("create_staff", username, role="translator", stdout=io.StringIO())


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_create_staff_refuses_each_kind_of_weak_password(monkeypatch, password):
    with pytest.raises(CommandError, match="Password refused"):
        create_staff(monkeypatch, "vera.petrova", password)
    assert not get_user_model().objects.filter(username="vera.petrova").exists()


def test_create_staff_keeps_the_old_password_when_the_new_one_is_weak(monkeypatch):
    create_staff(monkeypatch, "vera.petrova", GOOD)
    with pytest.raises(CommandError):
        create_staff(monkeypatch, "vera.petrova", WEAK["common"])
    assert get_user_model().objects.get(username="vera.petrova").check_password(GOOD)


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_admin_refuses_a_new_user_with_a_weak_password(admin_client, password):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "vera.petrova",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="vera.petrova").exists()


def test_admin_adds_a_user_with_a_strong_password(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "vera.petrova",
            "usable_password": "true",
            "password1": GOOD,
            "password2": GOOD,
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="vera.petrova").check_password(GOOD)


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_admin_refuses_to_set_a_weak_password(
    admin_client, django_user_model, password
):
    user = django_user_model.objects.create_user("vera.petrova", password=GOOD)
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(GOOD)


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_staff_cannot_change_their_own_password_to_a_weak_one(
    client, django_user_model, password
):
    user = django_user_model.objects.create_user(
        "vera.petrova", password=GOOD, is_staff=True
    )
    client.force_login(user)
    response = client.post(
        "/admin/password_change/",
        {"old_password": GOOD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(GOOD)
