"""Property tests: the parsers that read untrusted text never fail in unplanned ways.

Examples are few and derandomised, so every run (on SQLite and on PostgreSQL) tries
the same inputs and the suite stays fast.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.jsonl import BadLine, Record, parse_line
from articles.search import Query, parse, search
from disclaimers.mentions import first_match, name_regex, search_terms
from tests.factories import make_article

FEW = settings(max_examples=100, derandomize=True, database=None, deadline=None)
# The database ones share one test transaction across examples (they only read).
FEW_WITH_DB = settings(
    FEW,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

FIELDS = [
    "id", "language", "translation_of", "headline", "lead", "body", "slug",
    "published_at", "status", "source", "region", "tags", "authors", "photo",
    "corrections", "name", "name_ru", "name_en", "aliases", "file", "caption", "alt",
    "credit", "form", "photographer", "text", "at", "kind",
]  # fmt: skip
VALID_VALUES = [
    "en", "ru", "published", "draft", "2024-03-14T18:05:00+03:00", "2024-03-14",
    "photo_by_for_agency", "photo_agency", "free_text", "correction", "update",
]  # fmt: skip
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.sampled_from(VALID_VALUES),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(), children, max_size=6)
    ),
    max_leaves=20,
)
json_lines = st.dictionaries(st.sampled_from(FIELDS) | st.text(), json_values)

# Any Unicode, and text dense in what the query syntax and the databases treat
# specially: quotes, minus, `or`, tsquery operators, NUL, LIKE wildcards.
QUERY_PIECES = [
    '"', "-", "or", " ", "\x00", "!", "&", "|", ":*", "%", "_", "\\", "Суд", "court",
]  # fmt: skip
query_texts = st.text(max_size=250) | st.lists(
    st.sampled_from(QUERY_PIECES), max_size=30
).map("".join)


def parse_or_refuse(raw) -> None:
    try:
        assert isinstance(parse_line(7, raw), Record)
    except BadLine as error:
        assert str(error).startswith("line 7: ")


@FEW
@given(st.binary(max_size=300))
def test_any_bytes_are_a_record_or_a_bad_line(raw):
    parse_or_refuse(raw)


@FEW
@given(json_lines)
def test_any_json_object_is_a_record_or_a_bad_line(data):
    parse_or_refuse(json.dumps(data).encode())
    parse_or_refuse(json.dumps(data, ensure_ascii=False))


def test_deeply_nested_json_is_a_bad_line():
    with pytest.raises(BadLine):
        parse_line(1, b"[" * 100_000)
    with pytest.raises(BadLine):
        parse_line(1, '{"headline": ' + "[" * 100_000 + "]" * 100_000 + "}")
    nested_nul = '{"language": "en", "a": ' + "[" * 3000 + '"\\u0000"' + "]" * 3000
    with pytest.raises(BadLine):
        parse_line(1, nested_nul + "}")


@FEW
@given(query_texts)
def test_any_query_text_parses(text):
    terms = parse(text)
    assert all(phrase.strip() for group in terms.alternatives for phrase in group)


@pytest.fixture
def stories(labels):
    make_article(headline="Court hears the case", lead="A hearing in the valley.")
    make_article(language="ru", headline="Суд рассмотрел дело заключенных")


@pytest.mark.django_db
@FEW_WITH_DB
@given(text=query_texts, language=st.sampled_from(["ru", "en"]))
def test_any_query_text_searches_without_error(stories, text, language):
    results = search(language, Query(text=text))
    assert results.count >= 0


@pytest.mark.django_db
@pytest.mark.parametrize("text", ['"', "-", "or", "\x00", "a\x00b", "!(&|):*", " \t"])
def test_awkward_query_texts_search_without_error(stories, text):
    assert search("en", Query(text=text)).count >= 0


@FEW
@given(name=st.text(max_size=60), text=st.text(max_size=500))
def test_mention_detection_takes_any_name_and_text(name, text):
    if regex := name_regex(name):
        regex.search(text)
    assert all(len(term) >= 3 for term in search_terms(name))
    match = first_match([name, name.upper()], text)
    assert match is None or text[match.start : match.end] == match.text


@FEW
@given(name=st.text(alphabet="Мемориалёе «»-’ ", min_size=1, max_size=30))
def test_mention_detection_takes_odd_russian_names(name):
    text = f"Сообщение о {name}е и {name}ом."
    match = first_match([name], text)
    assert match is None or match.text in text
