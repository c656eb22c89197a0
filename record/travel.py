"""The record in the whole-archive export, and back (archive/).

Beside `archive.jsonl` the export writes `archive.record.jsonl`: one line per recorded
text ({"text": sha256, "value": ...}), per entry ({"entry": position, ...}, its texts
named by their SHA-256) and per signed head ({"signed_head": day, ...}), in that
order. Entries name their story by its key, so they follow the stories whatever ids
the importing installation gives them. An import into an installation whose record
is empty brings the record back whole and verifies it; one whose record already
holds entries keeps its own (two chains cannot be merged) and says so.
"""

import json
import uuid
from itertools import batched
from pathlib import Path

from django.db import connection, transaction

from articles.models import Article
from record import chain
from record.models import Entry, Head, SignedHead, Text

CHUNK = 2000


class RecordNotImported(Exception):
    """The record file could not be brought in; the message says why."""


def record_path(archive: Path) -> Path:
    return Path(archive).with_suffix(".record.jsonl")


def export_record(archive: Path) -> int:
    """Write the record beside `archive`, as it stood at one moment (entries
    appended meanwhile are the next export's); returns how many entries."""
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and starts_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return write_record(record_path(archive))


def write_record(path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for sha, value in Text.objects.values_list("sha256", "text").iterator(
            chunk_size=CHUNK
        ):
            out.write(json.dumps({"text": sha, "value": value}, ensure_ascii=False))
            out.write("\n")
        for entry in Entry.objects.order_by("position").iterator(chunk_size=CHUNK):
            line = {
                "entry": entry.position,
                "story": str(entry.story),
                "version": entry.version,
                "event": entry.event,
                "at": entry.at.isoformat(),
                "parts": entry.parts,
                "material_sha256": entry.material_sha256,
                "previous_sha256": entry.previous_sha256,
                "sha256": entry.sha256,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
        for head in SignedHead.objects.order_by("day"):
            line = {
                "signed_head": head.day.isoformat(),
                "document": head.document,
                "signature": head.signature,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return count


@transaction.atomic
def import_record(archive: Path) -> int:
    """Bring back the record written beside `archive`, if any, into an empty record;
    returns how many entries. Refuses (RecordNotImported, nothing written) a record
    that does not verify or names a story this installation lacks."""
    path = record_path(archive)
    if not path.is_file():
        return 0
    Head.objects.get_or_create(pk=1)
    Head.objects.select_for_update().get(pk=1)  # no append meanwhile
    if Entry.objects.exists():
        raise RecordNotImported(
            f"{path.name}: this installation's publication record already holds "
            "entries; it is kept as it is (two chains cannot be merged)."
        )
    stories = dict(Article.objects.values_list("key", "pk"))
    count = 0
    with path.open(encoding="utf-8") as lines:
        for chunk in batched((json.loads(line) for line in lines), CHUNK):
            texts = [line for line in chunk if "text" in line]
            if texts:
                Text.objects.bulk_create(
                    [Text(sha256=line["text"], text=line["value"]) for line in texts],
                    ignore_conflicts=True,
                )
            entries = [entry_of(line, stories) for line in chunk if "entry" in line]
            Entry.objects.bulk_create(entries)
            count += len(entries)
            # A day this installation signed already (an empty head) keeps its own.
            SignedHead.objects.bulk_create(
                [
                    SignedHead(
                        day=line["signed_head"],
                        document=line["document"],
                        signature=line["signature"],
                    )
                    for line in chunk
                    if "signed_head" in line
                ],
                ignore_conflicts=True,
            )
    last = Entry.objects.order_by("-position").first()
    Head.objects.update_or_create(
        pk=1,
        defaults={"position": last.position, "sha256": last.sha256} if last else {},
    )
    _checked, broken = chain.verify()
    if broken is not None:
        raise RecordNotImported(f"{path.name} does not verify at {broken}.")
    return count


def entry_of(line: dict, stories: dict) -> Entry:
    story = uuid.UUID(line["story"])
    if story not in stories:
        raise RecordNotImported(
            f"entry #{line['entry']} names story {story}, which is not here: "
            "import the whole archive the record was exported with."
        )
    return Entry(
        position=line["entry"],
        article_id=stories[story],
        story=story,
        version=line["version"],
        event=line["event"],
        at=line["at"],
        parts=line["parts"],
        material_sha256=line["material_sha256"],
        previous_sha256=line["previous_sha256"],
        sha256=line["sha256"],
    )
