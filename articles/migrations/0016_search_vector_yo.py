"""PostgreSQL's search vector reads ё as е, as queries do (articles/search.py): the
Russian Snowball stems «приём» to «при» and «приема» to «прием», so they never met.

The generated column is made again (the table is rewritten: minutes at a million
stories); SQLite's index folds ё itself (articles/search_index.py).
"""

from django.db import migrations

CONFIG = (
    "CASE WHEN language = 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END"
)


def vector(fold: bool) -> str:
    def text(column: str) -> str:
        value = f"coalesce({column}, '')"
        return f"translate({value}, 'ёЁ', 'еЕ')" if fold else value

    return f"""
DROP INDEX IF EXISTS article_search_vector_idx;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector({CONFIG}, {text("headline")}), 'A') ||
    setweight(to_tsvector({CONFIG}, {text("lead")}), 'B') ||
    setweight(to_tsvector({CONFIG}, {text("body")}), 'C')
) STORED;
CREATE INDEX article_search_vector_idx ON articles_article USING GIN (search_vector);
"""


def fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(vector(fold=True))


def unfold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(vector(fold=False))


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_sqlite_search_index")]

    operations = [migrations.RunPython(fold, unfold)]
