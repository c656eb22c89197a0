"""The mirror's search: an index built with it, read in the reader's browser by
static/mirror/search.js, with no server.

The words of each story's headline, lead and body are read as the site's own
search reads them on SQLite (articles/search_index.py): lower case, ё as е, each
Russian word as its dictionary form (pymorphy3), each English word as its Snowball
stem. In the language's search folder (ru/search/):

- terms/<key>.js: stem -> the ids of the stories that hold it;
- forms/<key>.js: word forms -> their stem, where they differ («махачкале» ->
  «махачкала»): each form met in the stories and, for each Russian dictionary
  word, every form of it the dictionary knows, so the script looks a reader's word
  up instead of stemming it with a second, slightly different stemmer;
- stories/<n>.js: id -> [address, headline, date] for ids n*100..n*100+99.

<key> is the first three letters of the stem (or form), as UTF-8 in hex: a
reader's word costs two small files. Each file is a script calling
NewsroomMirrorSearch.load(name, data), not bare JSON, because browsers refuse
fetch() to a page opened from disk but run its scripts.
"""

import html
import json
import posixpath
from collections.abc import Callable

from django.utils import formats, timezone, translation

from articles.models import Article
from articles.rendering import headline, with_register_names
from articles.search_index import CYRILLIC, FIELDS, TAG, WORD, stem
from newsroom.russian import readings

STORIES_PER_FILE = 100
KEY_LETTERS = 3
PREFIX = "NewsroomMirrorSearch.load({name},\n"
SUFFIX = "\n);\n"
CHUNK = 500  # stories read from the database at a time


def key(word: str) -> str:
    return word[:KEY_LETTERS].encode().hex()


def folder(language: str) -> str:
    return f"{language}/search"


def words(article) -> set[str]:
    text = " ".join(
        html.unescape(TAG.sub(" ", getattr(article, name) or "")) for name in FIELDS
    )
    return set(WORD.findall(text.lower().replace("ё", "е")))


def script(name: str, data: dict) -> bytes:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (PREFIX.format(name=json.dumps(name)) + body + SUFFIX).encode()


def read_script(data: bytes | None) -> dict:
    if not data:
        return {}
    text = data.decode()
    return json.loads(text[text.index("\n") + 1 : text.rindex("\n", 0, -1)])


class Index:
    """One language's index, updated for the stories that changed.

    `read(path)` gives a file of the mirror as it stands (None if absent);
    `write(path, bytes)` writes one. The shards a story's stems fall in are kept
    (state.py) so that a story that changes or goes is taken out of them. `fresh`:
    start from nothing (a full build), not from the files in the mirror.
    """

    def __init__(
        self, language: str, read: Callable, write: Callable, urls: dict, fresh: bool
    ):
        self.language = language
        self.read, self.write = read, write
        self.urls = urls  # pk -> the story's file in the mirror
        self.fresh = fresh
        self.shards = {"terms": {}, "forms": {}, "stories": {}}

    def shard(self, kind: str, name: str) -> dict:
        cache = self.shards[kind]
        if name not in cache:
            path = f"{folder(self.language)}/{kind}/{name}.js"
            cache[name] = {} if self.fresh else read_script(self.read(path))
        return cache[name]

    def update(
        self, changed: set[int], old_shards: dict[int, list[str]]
    ) -> dict[int, list[str]]:
        """Take the `changed` stories out, put those published back in; returns
        the shards each published one now falls in, by id."""
        for pk in changed:
            for name in old_shards.get(pk, ()):
                for stories in self.shard("terms", name).values():
                    if pk in stories:
                        stories.remove(pk)
            self.shard("stories", chunk_name(pk)).pop(str(pk), None)
        published = with_register_names(
            Article.objects.published().filter(language=self.language)
        ).only("pk", "language", "headline", "lead", "body", "published_at")
        shards = {}
        with translation.override(self.language):
            if self.fresh:
                for article in published.order_by("pk").iterator(chunk_size=CHUNK):
                    # Gone live since the run listed the site: the next run's.
                    if article.pk in self.urls:
                        shards[article.pk] = self.add(article)
                return shards
            ids = sorted(pk for pk in changed if pk in self.urls)
            for start in range(0, len(ids), CHUNK):
                for article in published.filter(pk__in=ids[start : start + CHUNK]):
                    shards[article.pk] = self.add(article)
        return shards

    def add(self, article) -> list[str]:
        stems = set()
        for word in words(article):
            stemmed = stem(word)
            if stemmed != word:
                self.shard("forms", key(word))[word] = stemmed
            stems.add(stemmed)
        for stemmed in stems:
            stories = self.shard("terms", key(stemmed)).setdefault(stemmed, [])
            if not stories and CYRILLIC.search(stemmed):
                self.add_forms(stemmed)
            stories.append(article.pk)
        self.shard("stories", chunk_name(article.pk))[str(article.pk)] = [
            posixpath.relpath(self.urls[article.pk], folder(self.language)),
            headline(article),
            formats.date_format(
                timezone.localtime(article.published_at), "DATETIME_FORMAT"
            ),
        ]
        return sorted({key(stemmed) for stemmed in stems})

    def add_forms(self, stemmed: str) -> None:
        """Every form of a Russian dictionary word new to the index that the index
        would read as it («махачкале», «махачкалой» for «махачкала»), so that a
        reader's form the stories never use is found all the same."""
        for reading in readings(stemmed):
            if reading.normal_form.replace("ё", "е") != stemmed:
                continue
            for form in reading.lexeme:
                word = form.word.replace("ё", "е")
                if word != stemmed and stem(word) == stemmed:
                    self.shard("forms", key(word))[word] = stemmed
            return

    def save(self) -> None:
        for kind, cache in self.shards.items():
            for name, data in cache.items():
                if kind == "terms":
                    # Newest ids first: the script shows the first of them.
                    data = {
                        word: sorted(stories, reverse=True)
                        for word, stories in data.items()
                        if stories
                    }
                path = f"{folder(self.language)}/{kind}/{name}.js"
                self.write(path, script(f"{kind}/{name}", data))


def chunk_name(pk: int) -> str:
    return str(pk // STORIES_PER_FILE)
