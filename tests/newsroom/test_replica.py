"""Anonymous readers' pages may read from a replica; staff and writes never do."""

import pytest

from newsroom import replica
from tests.factories import make_article
from tests.newsroom.test_settings import production_setting

pytestmark = pytest.mark.django_db

seen = []


class RecordingRouter(replica.PublicReadsRouter):
    """Says which reads the replica router would send to the replica."""

    def db_for_read(self, model, **hints):
        seen.append(super().db_for_read(model, **hints))
        return None


@pytest.fixture
def recorded(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.DATABASE_ROUTERS = ["tests.newsroom.test_replica.RecordingRouter"]
    seen.clear()
    return seen


def test_anonymous_reads_go_to_the_replica(client, recorded):
    make_article()
    recorded.clear()

    client.get("/en/")

    assert recorded and set(recorded) == {replica.REPLICA}


def test_staff_and_admin_read_the_primary(client, recorded, make_staff):
    client.force_login(make_staff("Editor"))
    recorded.clear()

    client.get("/en/")
    client.get("/admin/articles/article/")

    assert recorded and set(recorded) == {None}


def test_replica_is_configured_from_its_url():
    url = "postgres://reader@replica.internal:5432/newsroom"
    assert (
        production_setting(
            "settings.DATABASES['replica']['HOST'], settings.DATABASE_ROUTERS",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
            DATABASE_REPLICA_URL=url,
        )
        == "replica.internal ['newsroom.replica.PublicReadsRouter']"
    )


def test_no_migrations_on_the_replica():
    router = replica.PublicReadsRouter()
    assert router.allow_migrate(replica.REPLICA, "articles") is False
    assert router.allow_migrate("default", "articles") is True


class ModelRecordingRouter(replica.PublicReadsRouter):
    """Says, for each model read, where the replica router would send it."""

    def db_for_read(self, model, **hints):
        seen.append((model.__name__, super().db_for_read(model, **hints)))
        return None


def test_an_anonymous_readers_story_is_read_where_the_router_says(settings):
    from articles.parts import whole_story

    settings.DATABASE_ROUTERS = ["tests.newsroom.test_replica.ModelRecordingRouter"]
    article = make_article()
    seen.clear()

    with replica.public_read():
        assert whole_story(article.pk) == article

    assert ("Article", replica.REPLICA) in seen
