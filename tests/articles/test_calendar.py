"""The archive calendar: Monday-first weeks, localised names, links on news days only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import main_text, make_article, moscow

pytestmark = pytest.mark.django_db

DAY_LINK = re.compile(r'<td><a href="/(?:ru|en)/archive/(\d{4})/(\d{2})/(\d{2})/">')


def calendar_html(client, url):
    text = client.get(url).text
    return text[text.index('<section class="calendar"') :]


def linked_days(client, url):
    return {
        (int(y), int(m), int(d))
        for y, m, d in DAY_LINK.findall(calendar_html(client, url))
    }


def test_calendar_links_exactly_the_days_with_news_in_the_page_language(client):
    make_article(language="en", published_at=moscow(2024, 3, 1, 10, 0))
    make_article(language="en", published_at=moscow(2024, 3, 14, 18, 5))
    make_article(language="en", published_at=moscow(2024, 3, 14, 19, 0))
    make_article(language="ru", published_at=moscow(2024, 3, 20, 9, 0))
    make_article(
        language="en",
        published_at=moscow(2024, 3, 21, 9, 0),
        status=Article.Status.DRAFT,
    )
    make_article(language="en", published_at=moscow(2024, 4, 2, 9, 0))
    assert linked_days(client, "/en/archive/2024/03/") == {(2024, 3, 1), (2024, 3, 14)}
    assert linked_days(client, "/ru/archive/2024/03/") == {(2024, 3, 20)}


def test_days_are_counted_in_moscow_time(client):
    # 23:30 in Moscow on 31 March is 20:30 UTC: it belongs to the 31st.
    make_article(published_at=moscow(2024, 3, 31, 23, 30))
    # 00:30 in Moscow on 1 April is still 31 March in UTC: it belongs to April.
    make_article(published_at=moscow(2024, 4, 1, 0, 30))
    assert linked_days(client, "/en/archive/2024/03/") == {(2024, 3, 31)}
    assert linked_days(client, "/en/archive/2024/04/") == {(2024, 4, 1)}
    day = client.get("/en/archive/2024/04/01/").text
    assert day.count('class="story"') == 1


def test_weeks_start_on_monday_with_names_in_the_page_language(client):
    en = calendar_html(client, "/en/archive/2024/03/")
    ru = calendar_html(client, "/ru/archive/2024/03/")
    assert re.findall(r'<th scope="col">(\w+)</th>', en) == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
    ]  # fmt: skip
    assert re.findall(r'<th scope="col">(\w+)</th>', ru) == [
        "Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"
    ]  # fmt: skip
    # March 2024 began on a Friday: the first row starts with Monday 26 February.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", en, re.S).group(1)
    assert re.findall(r">(\d+)<", first_row) == ["26", "27", "28", "29", "1", "2", "3"]


def test_calendar_links_previous_and_next_months(client):
    html = calendar_html(client, "/en/archive/2024/01/")
    assert 'href="/en/archive/2023/12/" aria-label="Previous month"' in html
    assert 'href="/en/archive/2024/02/" aria-label="Next month"' in html
    assert "January 2024" in html
    assert "Январь 2024" in calendar_html(client, "/ru/archive/2024/01/")


def test_current_month_has_no_link_to_the_future(client):
    html = calendar_html(client, "/en/")
    assert "Next month" not in html


def test_calendar_of_an_article_shows_its_month(client):
    article = make_article(published_at=moscow(2021, 1, 23, 9, 57))
    assert linked_days(client, article.get_absolute_url()) == {(2021, 1, 23)}


def test_calendar_costs_one_query_however_many_days_have_news(
    client, django_assert_num_queries
):
    for day in range(1, 29):
        make_article(published_at=moscow(2024, 2, day, 12, 0))
    with django_assert_num_queries(
        4
    ):  # calendar days, latest news, labels, the day list
        client.get("/en/archive/2024/02/")


@pytest.mark.parametrize(
    "url",
    [
        "/en/archive/2024/02/30/",
        "/en/archive/2024/13/",
        "/en/archive/2024/00/01/",
        "/en/archive/0000/",
        "/en/archive/1024/01/01/",
        "/en/archive/20245/01/",
        "/en/archive/2024/1/1/",
        "/en/archive/9999/12/31/",
        "/en/archive/2024/02/-1/",
        "/en/archive/abcd/",
    ],
)
def test_impossible_dates_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_day_archive_lists_that_days_stories_newest_first(client):
    early = make_article(headline="Early", published_at=moscow(2024, 3, 14, 8, 0))
    late = make_article(headline="Late", published_at=moscow(2024, 3, 14, 21, 0))
    make_article(headline="Next day", published_at=moscow(2024, 3, 15, 0, 1))
    text = main_text(client.get("/en/archive/2024/03/14/"))
    assert text.index(late.headline) < text.index(early.headline)
    assert "Next day" not in text
    assert "News of 14 March 2024" in text


def test_today_is_in_the_archive(client):
    make_article(headline="Fresh", published_at=timezone.now() - timedelta(minutes=1))
    today = timezone.localdate()
    assert "Fresh" in client.get(f"/en/archive/{today:%Y/%m/%d}/").text
