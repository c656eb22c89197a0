"""The publication record: one entry per change readers see, a hash chain that
verify_record checks, public versions as they stood."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from articles import workflow
from articles.models import Article, Correction
from disclaimers.models import Disclaimer
from record import chain, signing
from record.material import restored
from record.models import Entry, Head, SignedHead, Text
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
LABEL_2027 = "НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ ИНОСТРАННОГО АГЕНТА ООО «ТЕСТ»"


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


def draft(**fields) -> Article:
    return Article.objects.create(
        language=fields.pop("language", "en"),
        headline=fields.pop("headline", "Flood in the valley"),
        lead=fields.pop("lead", "The river rose."),
        body=fields.pop("body", "<p>Two villages were cut off.</p>"),
        **fields,
    )


def events(article: Article) -> list[str]:
    return list(
        Entry.objects.filter(article=article)
        .order_by("version")
        .values_list("event", flat=True)
    )


def verify() -> str:
    out = io.StringIO()
    call_command("verify_record", stdout=out)
    return out.getvalue()


def test_each_change_readers_see_appends_exactly_one_entry(
    editor, labels, django_capture_on_commit_callbacks
):
    story = workflow.publish(draft(), editor)
    other = workflow.publish(draft(headline="Bridge reopens"), editor)
    assert events(story) == ["published"]

    with django_capture_on_commit_callbacks(execute=True):
        story.body = "<p>Three villages were cut off.</p>"
        story.save()  # an editor's edit of the live story
    assert events(story) == ["published", "updated"]

    Correction.objects.create(article=story, kind="correction", text="Not two: three.")
    story.refresh_from_db()
    assert events(story) == ["published", "updated", "corrected"]

    with django_capture_on_commit_callbacks(execute=True):
        story.source = story.source  # a save that changes nothing readers see
        story.save()
    workflow.withdraw(story, editor, "Unconfirmed.")
    assert events(story) == ["published", "updated", "corrected", "withdrawn"]

    with django_capture_on_commit_callbacks(execute=True):
        Disclaimer.objects.create(text=LABEL_2027, effective_from=timezone.localdate())
    assert events(story) == ["published", "updated", "corrected", "withdrawn"]
    assert events(other) == ["published", "labels"]  # every live story, once

    workflow.publish(Article.objects.get(pk=story.pk), editor)
    assert events(story)[-1] == "republished"
    assert verify().startswith("The record verifies: 7 entries")


def test_a_scheduled_story_is_recorded_when_it_goes_live(editor, labels):
    from articles import go_live
    from articles.models import GoLive

    story = workflow.schedule(
        draft(), editor, timezone.now() + timedelta(hours=1), embargo=True
    )
    assert events(story) == []  # sent to partners under embargo: no reader has it
    now = timezone.now()
    Article.objects.filter(pk=story.pk).update(published_at=now)
    GoLive.objects.filter(article=story, by_schedule=True).update(at=now)
    go_live.sweep()
    assert events(story) == ["went_live"]
    assert Entry.objects.get(article=story).at == now


def test_tampering_with_a_stored_version_is_found_and_named(editor, labels):
    first = workflow.publish(draft(), editor)
    workflow.publish(draft(headline="Second"), editor)
    workflow.publish(draft(headline="Third"), editor)
    assert "3 entries" in verify()

    entry = Entry.objects.get(article=first)
    body_id = entry.parts["body"]
    with writable_record():
        Text.objects.filter(pk=body_id).update_unchecked(
            text="<p>Nobody was cut off.</p>"
        )
    with pytest.raises(CommandError) as refused:
        verify()
    assert f"entry #{entry.position}" in str(refused.value)
    assert "does not hash" in str(refused.value)


def test_tampering_with_a_recorded_label_is_found(editor, labels):
    workflow.publish(draft(), editor)
    entry = Entry.objects.get()
    [label_id] = entry.parts["labels"]
    with writable_record():
        Text.objects.filter(pk=label_id).update_unchecked(text="")
    with pytest.raises(CommandError, match=f"entry #{entry.position}"):
        verify()


def test_removing_or_rewriting_an_entry_breaks_the_chain(editor, labels):
    for number in range(3):
        workflow.publish(draft(headline=f"Story {number}"), editor)
    middle = Entry.objects.get(position=2)
    with writable_record():
        Entry.objects.filter(pk=middle.pk).delete_unchecked()
    with pytest.raises(CommandError, match="entry #3"):
        verify()


def test_the_record_refuses_changes_in_the_application(editor, labels):
    workflow.publish(draft(), editor)
    entry = Entry.objects.get()
    entry.event = "updated"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Entry.objects.update(event="updated")
    with pytest.raises(PermissionError):
        Text.objects.all().delete()


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_change_the_record(editor, labels):
    from django.db import InternalError, transaction

    workflow.publish(draft(), editor)
    for sql in [
        "UPDATE record_entry SET event = 'updated'",
        "DELETE FROM record_entry",
        "UPDATE record_text SET text = ''",
    ]:
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_an_old_version_shows_the_label_wording_of_its_time(
    client, editor, labels, django_capture_on_commit_callbacks
):
    story = workflow.publish(draft(), editor)
    with django_capture_on_commit_callbacks(execute=True):
        Disclaimer.objects.create(text=LABEL_2027, effective_from=timezone.localdate())
    assert events(story) == ["published", "labels"]

    first = client.get(story.get_absolute_url() + "v/1/")
    assert first.status_code == 200
    assert LABEL_2022 in first.text and LABEL_2027 not in first.text
    second = client.get(story.get_absolute_url() + "v/2/").text
    assert LABEL_2027 in second and LABEL_2022 not in second
    page = client.get(story.get_absolute_url()).text
    assert f'href="{story.get_absolute_url()}v/"' in page  # to its versions
    latest = client.get(story.get_absolute_url() + "v/")
    assert latest["Location"] == story.get_absolute_url() + "v/2/"


def test_anyone_can_recompute_the_hashes_from_what_the_site_serves(
    client, editor, labels
):
    story = workflow.publish(draft(), editor)
    entry = Entry.objects.get()
    material = client.get(story.get_absolute_url() + "v/1/material.json")
    assert hashlib.sha256(material.content).hexdigest() == entry.material_sha256
    document = client.get(f"/record/entries/{entry.position}.json")
    assert hashlib.sha256(document.content).hexdigest() == entry.sha256
    assert document.json()["material"] == entry.material_sha256
    assert document.json()["previous"] == "0" * 64
    assert client.get("/record/head.json").json() == {
        "position": 1,
        "sha256": entry.sha256,
    }
    page = client.get(story.get_absolute_url() + "v/1/").text
    assert entry.material_sha256 in page and entry.sha256 in page


def test_the_signed_head_verifies_with_the_public_key(client, editor, labels):
    workflow.publish(draft(), editor)
    signed = signing.sign_today()
    assert signing.sign_today() is None  # once a day
    day = signed.day.isoformat()
    document = client.get(f"/record/heads/{day}.json").content
    signature = client.get(f"/record/heads/{day}.sig").text.strip()
    public_pem = client.get("/record/public-key.pem").text
    assert signing.signature_holds(document, signature, public_pem)
    assert not signing.signature_holds(document + b" ", signature, public_pem)
    head = Head.objects.get()
    assert f'"sha256":"{head.sha256}"' in document.decode()
    assert "1 signed heads" in verify()

    with writable_record():
        SignedHead.objects.filter(pk=signed.pk).update_unchecked(
            document=signed.document.replace(head.sha256, "f" * 64)
        )
    with pytest.raises(CommandError, match=f"signed head of {day}"):
        verify()


def test_openssl_verifies_a_signed_head(tmp_path, client, editor, labels):
    import base64
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    workflow.publish(draft(), editor)
    day = signing.sign_today().day.isoformat()
    (tmp_path / "head.json").write_bytes(
        client.get(f"/record/heads/{day}.json").content
    )
    (tmp_path / "head.sig").write_bytes(
        base64.b64decode(client.get(f"/record/heads/{day}.sig").text)
    )
    (tmp_path / "key.pem").write_text(client.get("/record/public-key.pem").text)
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem",
        "-rawin", "-in", "head.json", "-sigfile", "head.sig",
    ]  # fmt: skip
    checked = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (tmp_path / "head.json").write_bytes(b"{}")
    assert subprocess.run(command, cwd=tmp_path, capture_output=True).returncode != 0


def test_a_withdrawn_story_keeps_a_notice_with_its_record(client, editor, labels):
    story = workflow.publish(draft(headline="Mayor resigns"), editor)
    workflow.withdraw(story, editor, "Unconfirmed.")
    notice = client.get(story.get_absolute_url())
    assert notice.status_code == 410
    assert "withdrawn on" in notice.text
    assert "v/1/" in notice.text and "v/2/" in notice.text
    never_public = draft(status=Article.Status.WITHDRAWN)
    assert client.get(never_public.get_absolute_url()).status_code == 404


def test_a_story_never_recorded_has_no_versions(client, labels):
    story = make_article()
    assert client.get(story.get_absolute_url() + "v/1/").status_code == 404
    assert verify().startswith("The record verifies: 0 entries")


def test_the_first_daily_check_records_every_live_story_once(labels):
    stories = [make_article(), make_article(language="ru")]
    Head.objects.update(labels={})  # as on a site where nothing was recorded yet
    from record import tasks

    tasks.sign_daily_head.call()
    assert [events(story) for story in stories] == [["labels"], ["labels"]]
    assert not chain.labels_moved()
    tasks.sign_daily_head.call()
    assert Entry.objects.count() == 2


class writable_record:
    """Tampering as someone with the database's keys would: the application's and
    PostgreSQL's refusals set aside."""

    def __enter__(self):
        from record.models import KeptQuerySet

        KeptQuerySet.update_unchecked = lambda qs, **kw: super(KeptQuerySet, qs).update(
            **kw
        )
        KeptQuerySet.delete_unchecked = lambda qs: super(KeptQuerySet, qs).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Checked now: a table with checks pending cannot be altered.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in ("record_entry", "record_text", "record_signedhead"):
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("record_entry", "record_text", "record_signedhead"):
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return False


def test_legal_asks_whether_the_label_stood_on_a_day_and_gets_evidence(
    client, make_staff, editor, labels
):
    from record.models import Entry

    story = workflow.publish(draft(), editor)
    entry = Entry.objects.get()
    # The label vanished that day (as a broken template would have lost it).
    unlabelled = chain.note(story, Entry.Event.LABELS, labels=[])
    today = timezone.localdate().isoformat()
    client.force_login(make_staff("Legal"))
    ask = "/admin/record/entry/ask/"
    page = client.get(ask, {"story": story.pk, "day": today}, headers=ENGLISH)
    assert page.status_code == 200
    assert "No: a version that stood on the page that day carried no label." in (
        page.text
    )
    assert entry.sha256 in page.text and unlabelled.sha256 in page.text
    evidence = client.get(
        ask, {"story": story.pk, "day": today, "format": "csv"}, headers=ENGLISH
    )
    assert evidence["Content-Type"].startswith("text/csv")
    import csv

    rows = list(csv.DictReader(io.StringIO(evidence.content.decode())))
    assert [row["answer"] for row in rows] == ["label", "no label"]
    assert [row["entry_sha256"] for row in rows] == [entry.sha256, unlabelled.sha256]
    assert rows[0]["labels"] == LABEL_2022
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = client.get(ask, {"story": story.pk, "day": yesterday}, headers=ENGLISH)
    assert "holds no version of this story" in before.text


def publish_naming_memorial(editor) -> Article:
    return workflow.publish(
        draft(
            language="ru",
            headline="Суд и «Мемориал»",
            lead="Заседание прошло в среду.",
            body="<p>Представители «Мемориала» выступили в суде.</p>",
        ),
        editor,
    )


def test_legal_asks_which_stories_carried_a_footnote(
    client, make_staff, editor, labels, memorial
):
    named = publish_naming_memorial(editor)
    workflow.publish(draft(headline="Unrelated"), editor)
    client.force_login(make_staff("Legal"))
    page = client.get(
        "/admin/record/entry/ask/",
        {"entity": memorial.pk, "day": timezone.localdate().isoformat()},
        headers=ENGLISH,
    )
    assert page.status_code == 200
    assert named.get_absolute_url() + "v/1/" in page.text
    assert "Unrelated" not in page.text
    assert ">footnote<" in page.text


def test_only_legal_asks_and_nobody_changes_an_entry(
    client, make_staff, editor, labels
):
    workflow.publish(draft(), editor)
    entry = Entry.objects.get()
    client.force_login(editor)
    assert client.get("/admin/record/entry/ask/").status_code == 403
    assert client.get("/admin/record/entry/").status_code == 200
    client.force_login(make_staff("Legal"))
    change = client.get(f"/admin/record/entry/{entry.pk}/change/", headers=ENGLISH)
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.post(f"/admin/record/entry/{entry.pk}/delete/").status_code == 403


def test_a_label_change_only_queues_the_recording_of_every_story(
    editor, labels, django_capture_on_commit_callbacks
):
    story = workflow.publish(draft(), editor)
    with django_capture_on_commit_callbacks() as queued:
        Disclaimer.objects.create(text=LABEL_2027, effective_from=timezone.localdate())
    assert events(story) == ["published"]  # Legal's save did not wait for it
    for callback in queued:
        callback()
    assert events(story) == ["published", "labels"]
    assert not chain.labels_moved()  # the daily check starts no second sweep


def recorded_labels(story: Article) -> list[str]:
    entry = Entry.objects.filter(article=story).order_by("-version").first()
    return restored(entry.parts)["labels"]


def test_a_publish_after_a_label_change_records_the_new_wording(editor, labels):
    workflow.publish(draft(), editor)  # the head now keeps today's labels
    assert Head.objects.get().labels_today["en"] == [LABEL_2022]
    # Legal's change, not yet swept by the worker (its queue never ran here).
    Disclaimer.objects.create(text=LABEL_2027, effective_from=timezone.localdate())
    story = workflow.publish(draft(headline="Bridge reopens"), editor)
    assert recorded_labels(story) == [LABEL_2027]


def test_a_new_day_reads_the_labels_again(editor, labels):
    workflow.publish(draft(), editor)
    # A version that begins at midnight saves nothing then: kept texts from the
    # day before must not be used.
    Disclaimer.objects.create(
        text=LABEL_2027, effective_from=timezone.localdate() + timedelta(days=1)
    )
    Head.objects.update(labels_today={"day": "2000-01-01", "en": ["stale"]})
    story = workflow.publish(draft(headline="Bridge reopens"), editor)
    assert recorded_labels(story) == [LABEL_2022]


def test_a_photo_or_an_author_changed_is_recorded_on_the_stories_showing_them(
    editor, labels, django_capture_on_commit_callbacks
):
    from tests.factories import make_author, make_photo

    photo, author = make_photo(), make_author(name_en="Vera Orlova")
    story = draft(lead_photo=photo)
    story.bylines.create(author=author)
    workflow.publish(story, editor)
    with django_capture_on_commit_callbacks(execute=True):
        photo.caption_en = "The flooded road near the dam"
        photo.save()
    with django_capture_on_commit_callbacks(execute=True):
        author.name_en = "Vera Orlova-Smirnova"
        author.save()
    assert events(story) == ["published", "updated", "updated"]
    last = Entry.objects.filter(article=story).order_by("-version").first()
    from record.material import restored

    value = restored(last.parts)
    assert value["photos"][0]["caption"] == "The flooded road near the dam"
    assert value["byline"] == ["Vera Orlova-Smirnova"]


def test_an_editor_removes_a_withdrawn_story_s_text_keeping_its_hashes(
    client, editor, labels
):
    from django.contrib.admin.models import ADDITION, LogEntry

    from record.models import Removal

    story = workflow.publish(draft(headline="Mayor resigns"), editor)
    workflow.withdraw(story, editor, "Court order.")
    entries = list(Entry.objects.filter(article=story).order_by("version"))
    staff = client.__class__()
    staff.force_login(editor)
    live = workflow.publish(draft(headline="Still live"), editor)
    refused = staff.post(
        "/admin/record/removal/add/",
        {"article": live.pk, "reason": "Not withdrawn."},
        headers=ENGLISH,
    )
    assert "Only a withdrawn story" in refused.text
    staff.post(
        "/admin/record/removal/add/",
        {"article": story.pk, "reason": "Court order no. 12 of 3 December."},
        headers=ENGLISH,
    )
    removal = Removal.objects.get()
    assert removal.removed_by == editor
    assert LogEntry.objects.filter(action_flag=ADDITION, object_id=str(removal.pk))

    for url in [
        story.get_absolute_url(),
        story.get_absolute_url() + "v/1/",
        story.get_absolute_url() + "v/2/",
    ]:
        page = client.get(url, headers=ENGLISH)
        assert page.status_code == 410, url
        assert "Mayor resigns" not in page.text and "Two villages" not in page.text
        assert "Court order no. 12" in page.text
        assert all(entry.material_sha256 in page.text for entry in entries)
    gone = client.get(story.get_absolute_url() + "v/1/material.json")
    assert gone.status_code == 410 and "Two villages" not in gone.text
    assert verify().startswith("The record verifies: 3 entries")  # still whole
    with pytest.raises(PermissionError):
        removal.delete()


def test_a_publish_reads_the_story_as_a_label_sweep_does(editor, labels, memorial):
    """A publish reads the story's parts in the chain's own locking statement; a
    sweep reads them through the ORM. Both must make the same material, or every
    sweep would record every story again."""
    from datetime import date

    from authors.models import Author
    from disclaimers.models import DesignatedEntity, Mention
    from record import material as materials

    delisted = DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Вестник",
        names_en="Vestnik",
        footnote_ru="*Исключён из реестра",
        footnote_en="*Removed from the register",
        listed_on=date(2021, 1, 1),
        delisted_on=date(2022, 1, 1),
    )
    story = draft(
        language="ru",
        headline="«Мемориал» и «Вестник» в суде",
        lead="Заседание прошло в среду.",
        body="<p>Представители «Мемориала» и «Вестника» выступили.</p>",
    )
    for position, name in enumerate(["Руслан Алиев", "Нина Беридзе"]):
        story.bylines.create(
            author=Author.objects.create(name_ru=name), position=position
        )
    Mention.objects.update_or_create(
        article=story,
        entity=delisted,
        defaults={"matched_text": "Вестник", "status": Mention.Status.DISMISSED},
    )
    story = workflow.publish(story, editor)
    Correction.objects.create(article=story, kind="correction", text="Уточнено время.")
    assert events(story) == ["published", "corrected"]
    entry = Entry.objects.filter(article=story).order_by("-version").first()
    value = restored(entry.parts)
    assert value["byline"] == ["Руслан Алиев", "Нина Беридзе"]
    assert value["footnotes"] == [memorial.footnote_ru]
    assert value["corrections"][0]["text"] == "Уточнено время."

    (read_by_orm,) = materials.materials(
        list(
            Article.objects.filter(pk=story.pk)
            .select_related("translation_of")
            .prefetch_related(*materials.PREFETCH)
        )
    )
    assert read_by_orm == value
    assert chain.note_many([story.pk], Entry.Event.LABELS) == []


def test_the_prepared_read_survives_a_rollback(editor, labels):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(draft(headline="Taken back"), editor)
        raise RuntimeError
    assert not Entry.objects.exists()
    story = workflow.publish(draft(headline="Bridge reopens"), editor)
    assert events(story) == ["published"]


@pytest.mark.django_db(transaction=True)
def test_the_prepared_read_is_prepared_again_on_a_new_connection(editor, labels):
    first = workflow.publish(draft(headline="Bridge reopens"), editor)
    connection.close()
    second = workflow.publish(draft(headline="Road reopens"), editor)
    assert events(first) == events(second) == ["published"]
    assert "The record verifies: 2 entries" in verify()


def test_a_footnote_carried_once_is_found_after_the_name_is_edited_out(
    editor, labels, memorial, django_capture_on_commit_callbacks
):
    from disclaimers.models import Mention
    from record.questions import footnote_on

    story = publish_naming_memorial(editor)
    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "Суд"
        story.body = "<p>Представители выступили в суде.</p>"
        story.save()
    Mention.objects.filter(article=story).delete()  # however the name went
    answer = footnote_on(memorial, timezone.localdate())
    assert [(pk, stood.entry.version, carried) for pk, stood, carried in answer] == [
        (story.pk, 1, True),
        (story.pk, 2, False),
    ]
