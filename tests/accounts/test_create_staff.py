"""create_staff obeys the rules an administrator's user form obeys."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery\n"


@pytest.mark.parametrize(
    ("username", "options", "field"),
    [
        ("ada\x07", {}, "username"),
        ("ada lovelace", {}, "username"),
        ("ada", {"email": '"ada\x01"@example.org'}, "email"),
        ("ada", {"email": "not an address"}, "email"),
        ("ada", {"first_name": "Ada\x1b[31m"}, "first_name"),
        ("ada", {"last_name": "Love\x00lace"}, "last_name"),
    ],
)
def test_create_staff_refuses_a_bad_name_or_address_and_creates_nobody(
    monkeypatch, username, options, field
):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    with pytest.raises(CommandError, match=f"{field}: "):
        call_command(
            "create_staff", username, role="editor", stdout=io.StringIO(), **options
        )
    assert not get_user_model().objects.exists()


def test_create_staff_refuses_a_control_character_for_an_existing_user_too(
    monkeypatch, make_staff
):
    user = make_staff("Editor", "boris")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    with pytest.raises(CommandError, match="first_name: "):
        call_command(
            "create_staff",
            "boris",
            role="legal",
            first_name="Boris\x08",
            stdout=io.StringIO(),
        )
    user.refresh_from_db()
    assert user.first_name == "" and user.roles == {"Editor"}
