"""The mirror's shared pieces in Chromium: a page left untouched by a run shows the
latest news as that run wrote them, from disk and from a static host."""

import pytest
from django.utils import timezone

from articles import workflow
from mirror.build import build_mirror
from tests.factories import make_article
from tests.mirror.conftest import static_server, story_path

pytestmark = pytest.mark.django_db


def test_an_untouched_page_shows_the_latest_news_of_the_last_run(
    page, tmp_path, make_staff, labels
):
    stories = [
        make_article(language="en", headline=f"Old story {n}") for n in range(12)
    ]
    folder = tmp_path / "m"
    build_mirror(folder)
    oldest = folder / story_path(stories[-1].get_absolute_url())
    written = oldest.read_text()

    fresh = make_article(
        language="en", headline="Dam holds after the storm", published_at=timezone.now()
    )
    run = build_mirror(folder).run
    assert not run.full
    # The old page is not written again: its own copy of the piece is the old one.
    assert oldest.read_text() == written
    assert "Dam holds after the storm" not in written

    with static_server(folder) as address:
        for url in (oldest.as_uri(), f"{address}/{oldest.relative_to(folder)}"):
            page.goto(url)
            latest = page.locator(".latest-news")
            assert latest.count() == 1
            link = latest.get_by_role("link", name="Dam holds after the storm")
            link.click()
            page.wait_for_load_state()
            assert page.url.endswith(story_path(fresh.get_absolute_url()))
            assert page.locator("h1").inner_text().startswith("Dam holds")

    # Withdrawn, it leaves every page's latest news at the next run.
    workflow.withdraw(fresh, make_staff("Editor"), "Wrong dam.")
    build_mirror(folder)
    page.goto(oldest.as_uri())
    assert page.locator(".latest-news").count() == 1
    assert "Dam holds" not in page.locator(".latest-news").inner_text()
