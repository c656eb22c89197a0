"""What the mirror remembers between runs, in one SQLite file in its folder
(.mirror-state.sqlite3, never published): each file's SHA-256, what each page shows
(the page cache's dependencies: stories' topics, windows of the timeline), the
shared pieces (latest news, calendars) each page was filled with and what those
link to, and the published stories as they stood at the last run.

SQLite rather than a JSON manifest: at a hundred thousand stories the mirror holds
a quarter of a million files, and a run after one publish must find the few pages it
touches with an index, not by reading and writing the whole manifest.
"""

import json
import sqlite3
from pathlib import Path

from mirror.site import Story

NAME = ".mirror-state.sqlite3"
LOCK_NAME = ".mirror-state.lock"
# A state file of another shape is not read: the mirror is built afresh.
SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    path TEXT PRIMARY KEY, url TEXT NOT NULL, list_key TEXT NOT NULL,
    number INTEGER NOT NULL, always INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_always ON pages (always) WHERE always;
CREATE TABLE IF NOT EXISTS page_topics (path TEXT NOT NULL, topic TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS page_topics_topic ON page_topics (topic);
CREATE INDEX IF NOT EXISTS page_topics_path ON page_topics (path);
CREATE TABLE IF NOT EXISTS page_windows (
    path TEXT NOT NULL, language TEXT NOT NULL, start REAL, "end" REAL
);
CREATE INDEX IF NOT EXISTS page_windows_language ON page_windows (language, start);
CREATE INDEX IF NOT EXISTS page_windows_path ON page_windows (path);
CREATE TABLE IF NOT EXISTS page_holes (
    path TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS page_holes_fragment ON page_holes (name, sha256);
CREATE INDEX IF NOT EXISTS page_holes_path ON page_holes (path);
CREATE TABLE IF NOT EXISTS fragments (
    name TEXT NOT NULL, sha256 TEXT NOT NULL, links TEXT NOT NULL,
    PRIMARY KEY (name, sha256)
);
CREATE TABLE IF NOT EXISTS stories (
    pk INTEGER PRIMARY KEY, language TEXT NOT NULL, published_at REAL NOT NULL,
    updated_at REAL NOT NULL, topic TEXT NOT NULL, url TEXT NOT NULL,
    lists TEXT NOT NULL, shards TEXT NOT NULL
);
"""


class State:
    def __init__(self, directory: Path):
        self.path = directory / NAME
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        if self.meta("schema") not in (None, SCHEMA_VERSION):
            self.db.close()
            self.path.unlink()
            self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION]
        )

    def close(self) -> None:
        self.db.close()

    def meta(self, key: str) -> str | None:
        try:
            row = self.db.execute(
                "SELECT value FROM meta WHERE key = ?", [key]
            ).fetchone()
        except sqlite3.OperationalError:  # a new file: no table yet
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # --- Files -------------------------------------------------------------------

    def file_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, sha256 FROM files"))

    def file_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM files").fetchone()[0]

    # --- Pages -------------------------------------------------------------------

    def pages(self) -> dict[str, tuple[str, int]]:
        """Every page mirrored: path -> (its list, its number there)."""
        return {
            path: (list_key, number)
            for path, list_key, number in self.db.execute(
                "SELECT path, list_key, number FROM pages"
            )
        }

    def touched(self, topics: set[str], moments: set[tuple[str, float]]) -> set[str]:
        """The pages that show one of `topics` or a window holding one of `moments`,
        and those that declare nothing (rendered every time)."""
        found = {
            row[0] for row in self.db.execute("SELECT path FROM pages WHERE always")
        }
        for topic in topics:
            found.update(
                row[0]
                for row in self.db.execute(
                    "SELECT path FROM page_topics WHERE topic = ?", [topic]
                )
            )
        for language, moment in moments:
            found.update(
                row[0]
                for row in self.db.execute(
                    "SELECT path FROM page_windows WHERE language = ? AND "
                    '(start IS NULL OR start <= ?) AND ("end" IS NULL OR "end" >= ?)',
                    [language, moment, moment],
                )
            )
        return found

    def linking(self, urls: set[str]) -> set[str]:
        """The pages filled with a shared piece (latest news, a calendar) that
        links to one of `urls`."""
        found = set()
        for name, sha, links in self.db.execute(
            "SELECT name, sha256, links FROM fragments"
        ):
            if urls & set(json.loads(links)):
                found.update(
                    row[0]
                    for row in self.db.execute(
                        "SELECT path FROM page_holes WHERE name = ? AND sha256 = ?",
                        [name, sha],
                    )
                )
        return found

    def holding(self, names: set[str]) -> set[str]:
        """The pages filled with one of the shared pieces `names`."""
        found = set()
        for name in names:
            found.update(
                row[0]
                for row in self.db.execute(
                    "SELECT path FROM page_holes WHERE name = ?", [name]
                )
            )
        return found

    def piece_names(self) -> set[str]:
        """The shared pieces the mirror's pages hold (latest:ru, calendar:ru:2026-12)."""
        return {
            row[0] for row in self.db.execute("SELECT DISTINCT name FROM fragments")
        }

    # --- Stories -----------------------------------------------------------------

    def stories(self) -> dict[int, tuple[Story, str]]:
        """Each story as the last run had it, and the search index's shards its words
        are in, as JSON (read only for the few stories a run changes)."""
        return {
            row[0]: (Story(*row[:6], tuple(json.loads(row[6]))), row[7])
            for row in self.db.execute(
                "SELECT pk, language, published_at, updated_at, topic, url, lists, "
                "shards FROM stories"
            )
        }

    # --- Writing a run's outcome, in one transaction -----------------------------

    def save(self, run) -> None:
        """Everything a run changed (mirror.build.Run), at once: a run that dies
        leaves the state of the run before, and the next one does its work again."""
        db = self.db
        db.execute("BEGIN")
        try:
            if run.full:
                for table in (
                    "files",
                    "pages",
                    "page_topics",
                    "page_windows",
                    "page_holes",
                    "fragments",
                    "stories",
                ):
                    db.execute(f"DELETE FROM {table}")
            db.executemany(
                "DELETE FROM files WHERE path = ?", [[p] for p in run.removed]
            )
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?)", run.hashes.items()
            )
            forgotten = [[path] for path in (*run.removed, *run.pages)]
            for table in ("pages", "page_topics", "page_windows", "page_holes"):
                db.executemany(f"DELETE FROM {table} WHERE path = ?", forgotten)
            for path, page in run.pages.items():
                db.execute(
                    "INSERT INTO pages VALUES (?, ?, ?, ?, ?)",
                    [path, page.url, page.list_key, page.number, page.always],
                )
                db.executemany(
                    "INSERT INTO page_topics VALUES (?, ?)",
                    [[path, topic] for topic in page.topics],
                )
                db.executemany(
                    "INSERT INTO page_windows VALUES (?, ?, ?, ?)",
                    [[path, *window] for window in page.windows],
                )
                db.executemany(
                    "INSERT INTO page_holes VALUES (?, ?, ?)",
                    [[path, name, sha] for name, sha in page.holes.items()],
                )
            db.executemany(
                "INSERT OR IGNORE INTO fragments VALUES (?, ?, ?)",
                [
                    [name, sha, json.dumps(sorted(links))]
                    for (name, sha), links in run.fragments.items()
                ],
            )
            # Pieces no page is filled with any more.
            db.execute(
                "DELETE FROM fragments WHERE NOT EXISTS (SELECT 1 FROM page_holes "
                "WHERE page_holes.name = fragments.name "
                "AND page_holes.sha256 = fragments.sha256)"
            )
            db.executemany(
                "DELETE FROM stories WHERE pk = ?", [[pk] for pk in run.stories_gone]
            )
            db.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        s.pk,
                        s.language,
                        s.published_at,
                        s.updated_at,
                        s.topic,
                        s.url,
                        json.dumps(s.lists),
                        json.dumps(shards),
                    ]
                    for s, shards in run.stories.values()
                ],
            )
            for key, value in run.meta.items():
                self.set_meta(key, value)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
