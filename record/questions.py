"""Legal's two questions, answered from the record alone.

- Was the label on story X on day D? The versions that stood on the story's page at
  any moment of D (Moscow time), each with the labels it carried.
- Which stories mentioning register entry Y carried its footnote on day D? Each
  story that mentions (or mentioned) Y, with the versions that stood on D and
  whether each carried Y's footnote (as worded on any of Y's revisions).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from api.ninjs import iso
from disclaimers.models import DesignatedEntity, Mention
from record.material import restored
from record.models import Entry, sha256


@dataclass
class Stood:
    """One version that stood on a story's page during the day asked about."""

    entry: Entry
    material: dict
    until: datetime | None

    @property
    def labels(self) -> list[str]:
        return [text for text in self.material["labels"] if text]

    @property
    def live(self) -> bool:
        return self.material["state"] == "live"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def stood_on(article_ids, day: date) -> dict[int, list[Stood]]:
    """Each story's versions that stood at some moment of `day`, by story id."""
    start, end = day_bounds(day)
    entries = list(
        Entry.objects.filter(article_id__in=article_ids, at__lt=end).order_by(
            "article_id", "version"
        )
    )
    found: dict[int, list[Stood]] = {}
    for entry, following in zip(entries, [*entries[1:], None], strict=False):
        if following is not None and following.article_id != entry.article_id:
            following = None
        until = following.at if following else None
        if until is not None and until <= start:
            continue  # replaced before the day began
        found.setdefault(entry.article_id, []).append(
            Stood(entry, restored(entry.parts), until)
        )
    return found


def label_on(article_id: int, day: date) -> list[Stood]:
    return stood_on([article_id], day).get(article_id, [])


def footnote_wordings(entity: DesignatedEntity) -> set[str]:
    """Every wording Y's footnote ever had, in either language."""
    wordings = {entity.footnote_ru, entity.footnote_en}
    for revision in entity.history.all():
        wordings |= {revision.footnote_ru, revision.footnote_en}
    return {wording for wording in wordings if wording}


def footnote_on(entity: DesignatedEntity, day: date) -> list[tuple[int, Stood, bool]]:
    """(story id, a version that stood on `day`, whether it carried the footnote)
    for each story that mentions the entry, or whose record carried its footnote
    by then (a mention since edited out of the text)."""
    wordings = footnote_wordings(entity)
    stories = set(
        Mention.objects.filter(entity=entity).values_list("article_id", flat=True)
    )
    carried_by_then = Q()
    for wording in wordings:  # the footnotes are kept as their texts' SHA-256
        carried_by_then |= Q(parts__footnotes__icontains=sha256(wording.encode()))
    stories |= set(
        Entry.objects.filter(carried_by_then, at__lt=day_bounds(day)[1])
        .values_list("article_id", flat=True)
        .distinct()
    )
    answer = []
    for article_id, versions in sorted(stood_on(list(stories), day).items()):
        for stood in versions:
            carried = bool(wordings & set(stood.material["footnotes"]))
            answer.append((article_id, stood, carried))
    return answer


EVIDENCE_COLUMNS = [
    "story",
    "address",
    "version",
    "event",
    "from",
    "until",
    "state",
    "labels",
    "answer",
    "material_sha256",
    "position",
    "entry_sha256",
    "previous_sha256",
]


def evidence_csv(rows: list[tuple[Stood, str]]) -> str:
    """The answer as evidence: each version with its hashes (checkable against the
    published record) and what it says for the question."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EVIDENCE_COLUMNS)
    for stood, answer in rows:
        entry = stood.entry
        writer.writerow(
            [
                entry.story,
                stood.material["address"],
                entry.version,
                entry.event,
                iso(entry.at),
                iso(stood.until) if stood.until else "",
                stood.material["state"],
                " | ".join(stood.labels),
                answer,
                entry.material_sha256,
                entry.position,
                entry.sha256,
                entry.previous_sha256,
            ]
        )
    return out.getvalue()
