import pytest
from django.contrib.auth.models import Group
from django.db import connection


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_staff(django_user_model):
    """make_staff("Correspondent") -> a staff user holding that newsroom role."""

    def make(role: str, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or role.lower(),
            password="not-a-real-password",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make
