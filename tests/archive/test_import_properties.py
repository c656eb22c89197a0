"""Imported lines with edge values never break a public page, nor cost a good line."""

import contextlib
import io
import itertools
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.models import LegacyId
from articles.models import Article, Region, Tag
from authors.models import Author
from tests.archive.pages import assert_no_server_error, public_urls

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)

NOW = timezone.now()
MOSCOW_OFFSETS = ["+03:00", "-12:00", "+14:00", "Z", ""]

# What a good line holds: values an editor would write.
words = st.text(
    alphabet=st.characters(categories=["L", "N"]) | st.just(" "),
    min_size=1,
    max_size=40,
).filter(lambda text: any(char.isalnum() for char in text))
good_times = st.datetimes(
    min_value=datetime(1990, 1, 2),
    max_value=(NOW + timedelta(days=365 * 4)).replace(tzinfo=None),
).map(lambda moment: moment.isoformat() + "+03:00")
good_lines = st.fixed_dictionaries(
    {
        "language": st.sampled_from(["en", "ru"]),
        "headline": words,
        "lead": words,
        "body": words.map(lambda text: f"<p>{text}</p>"),
        "published_at": good_times,
        "authors": st.lists(words, max_size=2),
        "region": st.none() | words,
        "tags": st.lists(st.sampled_from(["floods", "выборы", "Economy"]), max_size=2),
    }
)

# What a legacy archive holds besides: placeholders, odd characters, the range's ends.
edge_times = st.sampled_from(
    [
        "0001-01-01",
        "1989-12-31T23:59:59+03:00",
        "1990-01-01T00:00:00+03:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31",
        "2024-02-30",
        (NOW + timedelta(days=365 * 5 - 2)).isoformat(),
        (NOW + timedelta(days=365 * 5 + 2)).isoformat(),
    ]
) | st.builds(
    lambda moment, offset: moment.isoformat() + offset,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(MOSCOW_OFFSETS),
)
odd_text = st.text(max_size=12) | st.sampled_from(
    [
        "a\x00b",
        "a\x01b",
        "tab\there",
        "line\nbreak",
        "\u202eright-to-left",
        "   ",
        "<script>alert(1)</script>",
        "x" * 300,
        "x" * 301,
        "Ё" * 120,
    ]
)
odd_slugs = odd_text | st.sampled_from(
    ["bad slug/with?chars", "?/?", "Прорыв дамбы", "a" * 150, "-", "_", "%00", "../.."]
)
edge_lines = st.fixed_dictionaries(
    {
        "language": st.sampled_from(["en", "ru", "de"]),
        "headline": odd_text,
        "published_at": edge_times,
    },
    optional={
        "status": st.sampled_from(
            ["published", "draft", "submitted", "returned", "withdrawn", "gone"]
        ),
        "slug": odd_slugs,
        "lead": odd_text,
        "body": odd_text | st.sampled_from(["<p>a\x0bb</p>", "[photo:999999]"]),
        "source": odd_text,
        "tags": st.lists(odd_text, max_size=3),
        "region": odd_text
        | st.fixed_dictionaries({"name": odd_text, "name_ru": odd_text}),
        "authors": st.lists(
            odd_text
            | st.fixed_dictionaries(
                {"name": odd_text, "aliases": st.lists(odd_text, max_size=2)}
            ),
            max_size=2,
        ),
        "corrections": st.lists(
            st.fixed_dictionaries({"at": edge_times, "text": odd_text}), max_size=1
        ),
    },
)


def clear_archive() -> None:
    """Each example starts empty, so it requests only its own stories' pages."""
    Article.objects.exclude(translation_of=None).delete()
    Article.objects.all().delete()
    Region.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    good=st.lists(good_lines, min_size=1, max_size=3),
    edges=st.lists(edge_lines, min_size=1, max_size=4),
    order=st.randoms(use_true_random=False),
)
def test_edge_values_never_break_a_page_nor_cost_a_good_line(
    client, tmp_path, good, edges, order
):
    clear_archive()
    lines = [({**line, "id": f"good-{next(_ids)}"}, True) for line in good]
    lines += [({**line, "id": f"edge-{next(_ids)}"}, False) for line in edges]
    order.shuffle(lines)
    path = tmp_path / f"archive-{next(_ids)}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line, _good in lines))
    err = io.StringIO()

    # Some edge lines are bad lines, as they should be: the command then exits 1.
    with translation.override("en"), contextlib.suppress(CommandError):
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)

    kept = set(LegacyId.objects.values_list("legacy_id", flat=True))
    for number, (line, is_good) in enumerate(lines, 1):
        if is_good:
            assert line["id"] in kept, err.getvalue()
            assert f"line {number}:" not in err.getvalue()
    assert_no_server_error(
        client,
        [
            *public_urls(),
            "/api/ninjs/?since=0001-01-01",
            "/api/ninjs/?since=9999-12-31T23:59:59-12:00",
            "/api/ninjs/?cursor=junk",
            "/articles/%00/",
            "/sitemap-articles-en-0001-01.xml",
        ],
    )
