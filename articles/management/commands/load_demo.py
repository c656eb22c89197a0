"""Load the demo newsroom: accounts in each role, regions, authors, stories.

Safe to run again: everything is looked up before it is made, so a second run adds
nothing twice.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.roles import ROLE_PERMISSIONS
from articles import workflow
from articles.demo import content
from articles.demo.pictures import landscape
from articles.models import Article, Byline, Region
from articles.tags import tag_named
from authors.models import Author, AuthorAlias
from disclaimers.legal_file import import_document
from photos.images import clean_image
from photos.models import Photo, Photographer
from photos.rendering import make_renditions

DEMO_PASSWORD = "newsroom-demo"
TRANSLATION_DELAY = timedelta(hours=3)


class Command(BaseCommand):
    help = "Load demo content for a fictional agency (idempotent)."

    @transaction.atomic
    def handle(self, **options):
        users = self.load_accounts()
        regions = {
            slug: Region.objects.get_or_create(
                slug=slug, defaults={"name_en": name_en, "name_ru": name_ru}
            )[0]
            for slug, name_en, name_ru in content.REGIONS
        }
        authors = self.load_authors()
        lead_photos = self.load_photos(authors)
        # The register first, so stories saved below get their footnotes at once.
        import_document(content.LEGAL, users["legal"])
        created = 0
        originals = {}
        for number, (days_ago, at, region, tags, bylines, versions) in enumerate(
            content.STORIES
        ):
            original = None
            for language in ("ru", "en"):
                if language not in versions:
                    continue
                published_at = local_time(days_ago, at)
                if original is not None:
                    published_at = min(
                        published_at + TRANSLATION_DELAY,
                        timezone.now() - timedelta(minutes=5),
                    )
                article, is_new = self.load_story(
                    language,
                    versions[language],
                    published_at=published_at,
                    region=regions[region],
                    tags=tags,
                    authors=[authors[key] for key in bylines],
                    translation_of=original,
                    lead_photo=lead_photos.get(number),
                    approver=users["editor"],
                    # The correspondent files the originals, the translator the rest.
                    filed_by=users["translator" if original else "correspondent"],
                )
                original = original or article
                originals.setdefault(number, article)
                created += is_new
        created += self.load_newsroom_day(users, originals)
        language, days_ahead, region, tags, bylines, story = content.SCHEDULED
        created += self.load_story(
            language,
            story,
            published_at=local_time(-days_ahead, "10:00"),
            region=regions[region],
            tags=tags,
            authors=[authors[key] for key in bylines],
            translation_of=None,
            lead_photo=None,
            filed_by=users["correspondent"],
        )[1]
        self.stdout.write(
            self.style.SUCCESS(f"Demo content: {created} new stories.")
            + f"\nDemo accounts (password {DEMO_PASSWORD!r}): "
            + ", ".join(users)
        )

    def load_accounts(self) -> dict:
        User = get_user_model()
        users = {}
        for role in ROLE_PERMISSIONS:
            username = role.lower()
            user, created = User.objects.get_or_create(
                username=username,
                # An address, so the notifications show (in the console, with make run).
                defaults={"is_staff": True, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        users["admin"] = admin
        return users

    def load_authors(self) -> dict:
        authors = {}
        for key, name_en, name_ru, aliases in content.AUTHORS:
            author = Author.objects.matching(name_en).first() or Author.objects.create(
                name_en=name_en, name_ru=name_ru
            )
            for alias in aliases:
                AuthorAlias.objects.get_or_create(
                    name=alias, defaults={"author": author}
                )
            authors[key] = author
        return authors

    def load_newsroom_day(self, users, originals) -> int:
        """Work in progress, made through the workflow as the newsroom makes it."""
        if Article.objects.filter(headline=content.AWAITING_APPROVAL[1]).exists():
            return 0
        correspondent, editor = users["correspondent"], users["editor"]
        stories = []
        for language, headline, lead, paragraphs in (
            content.AWAITING_APPROVAL,
            content.RETURNED,
        ):
            story = Article.objects.create(
                language=language,
                headline=headline,
                lead=lead,
                body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                source=content.SOURCE[language],
                created_by=correspondent,
            )
            stories.append(workflow.submit(story, correspondent))
        workflow.return_to_author(stories[1], editor, content.RETURN_COMMENT)
        workflow.translate(
            originals[content.TRANSLATION_IN_PROGRESS_INDEX], users["translator"]
        )
        stale = originals[content.STALE_ORIGINAL_INDEX]
        stale.body += content.STALE_UPDATE
        stale.save()
        # One story filed, submitted and approved two hours later: the queue's median.
        language, headline, lead, paragraphs = content.APPROVED_AFTER_SUBMISSION
        approved = Article.objects.create(
            language=language,
            headline=headline,
            lead=lead,
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            source=content.SOURCE[language],
            created_by=correspondent,
        )
        workflow.submit(approved, correspondent)
        approved.events.filter(action=workflow.Action.SUBMIT).update(
            at=timezone.now() - content.APPROVAL_WAIT
        )
        workflow.publish(approved, editor)
        corrected = Article.objects.get(pk=originals[content.PROPOSED_CHANGE_INDEX].pk)
        corrected.lead = content.PROPOSED_LEAD_PREFIX + corrected.lead
        workflow.propose(corrected, correspondent)  # the live text stays as it is
        return 4

    def load_photos(self, authors) -> dict[int, Photo]:
        """The demo photos with their credits; returns story index -> lead photo."""
        photographers = {
            key: Photographer.objects.get_or_create(
                name_en=name_en,
                defaults={"name_ru": name_ru, "author": authors.get(author)},
            )[0]
            for key, name_en, name_ru, author in content.PHOTOGRAPHERS
        }
        leads = {}
        for _key, scene, form, person, text, (
            caption_en,
            caption_ru,
        ), stories in content.PHOTOS:
            photo = Photo.objects.filter(caption_en=caption_en).first()
            if photo is None:
                photo = Photo(
                    caption_en=caption_en,
                    caption_ru=caption_ru,
                    credit_form=form,
                    photographer=photographers.get(person),
                    credit_text=text,
                )
                photo.store_image(clean_image(ContentFile(landscape(scene))))
                photo.save()
                make_renditions(photo)
            leads.update(dict.fromkeys(stories, photo))
        return leads

    def load_story(
        self,
        language,
        story,
        *,
        published_at,
        region,
        tags,
        authors,
        translation_of,
        lead_photo,
        filed_by,
        approver=None,
    ) -> tuple[Article, bool]:
        headline, lead, paragraphs = story
        article, created = Article.objects.get_or_create(
            language=language,
            headline=headline,
            defaults={
                "lead": lead,
                "body": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                "region": region,
                "source": content.SOURCE[language],
                "status": Article.Status.PUBLISHED,
                "published_at": published_at,
                "translation_of": translation_of,
                "lead_photo": lead_photo,
                "created_by": filed_by,
                "approved_by": approver,
                "approved_at": published_at,
                # Written by the time it was published, as the archive's stories were.
                "text_changed_at": published_at,
            },
        )
        if created:
            # One tag per subject, named in both languages.
            article.tags.set(
                [tag_named(tag, "en", {"ru": content.TAGS[tag]})[0] for tag in tags]
            )
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=position)
                for position, author in enumerate(authors)
            )
        return article, created


def local_time(days_ago: int, at: str) -> datetime:
    """`at` o'clock Moscow time, `days_ago` days before today (negative: ahead)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time.fromisoformat(at)))
    # Today's stories never lie in the future unless they are meant to.
    if days_ago >= 0:
        moment = min(moment, timezone.now() - timedelta(minutes=30 + 7 * days_ago))
    return moment
