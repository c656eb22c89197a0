"""A new label version replaces the one in force; no version that ever stood is lost."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from disclaimers.models import DesignatedEntity, Disclaimer
from tests.disclaimers.conftest import LABEL_2022
from tests.disclaimers.test_labels import label_texts
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LABEL_2027 = "НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ ИНОСТРАННОГО АГЕНТА ООО «ТЕСТ»"


def test_a_new_label_version_supersedes_the_one_in_force_from_its_date(client, labels):
    _old, in_force = labels
    today = timezone.localdate()
    newer = Disclaimer.objects.create(text=LABEL_2027, effective_from=today)
    in_force.refresh_from_db()
    assert in_force.effective_to == today - timedelta(days=1)
    assert in_force.superseded_by == newer
    story = make_article()
    assert label_texts(client.get(story.get_absolute_url())) == [LABEL_2027]


def test_a_label_version_from_a_later_date_leaves_todays_in_force_until_then(
    client, labels
):
    _old, in_force = labels
    starts = timezone.localdate() + timedelta(days=10)
    Disclaimer.objects.create(text=LABEL_2027, effective_from=starts)
    in_force.refresh_from_db()
    assert in_force.effective_to == starts - timedelta(days=1)
    story = make_article()
    assert label_texts(client.get(story.get_absolute_url())) == [LABEL_2022]


def test_an_additional_label_stands_beside_the_one_in_force(client, labels):
    _old, in_force = labels
    Disclaimer.objects.create(
        text=LABEL_2027, effective_from=timezone.localdate(), additional=True
    )
    in_force.refresh_from_db()
    assert in_force.effective_to is None
    story = make_article()
    assert label_texts(client.get(story.get_absolute_url())) == [
        LABEL_2022,
        LABEL_2027,
    ]


def test_a_version_covering_only_some_languages_of_the_one_in_force_is_refused(
    labels,
):
    partial = Disclaimer(
        text=LABEL_2027, effective_from=timezone.localdate(), locales=["ru"]
    )
    with pytest.raises(ValidationError) as refused:
        partial.full_clean()
    assert refused.value.error_dict["locales"][0].code == "partial_overlap"


def test_a_version_starting_the_same_day_as_the_one_in_force_is_refused(labels):
    _old, in_force = labels
    same_day = Disclaimer(text=LABEL_2027, effective_from=in_force.effective_from)
    with pytest.raises(ValidationError) as refused:
        same_day.full_clean()
    assert refused.value.error_dict["effective_from"][0].code == "same_start"


def test_a_label_version_that_ever_stood_cannot_be_deleted(labels):
    old, in_force = labels
    for version in (old, in_force):
        with pytest.raises(ProtectedError):
            version.delete()
    with pytest.raises(ProtectedError):
        Disclaimer.objects.all().delete()
    assert Disclaimer.objects.count() == 2


def test_a_label_version_not_yet_in_force_may_be_deleted(labels):
    planned = Disclaimer.objects.create(
        text=LABEL_2027,
        effective_from=timezone.localdate() + timedelta(days=30),
        additional=True,
    )
    planned.delete()
    assert not Disclaimer.objects.filter(pk=planned.pk).exists()


def test_a_register_entry_that_was_ever_listed_cannot_be_deleted(memorial):
    with pytest.raises(ProtectedError):
        memorial.delete()
    with pytest.raises(ProtectedError):
        DesignatedEntity.objects.filter(pk=memorial.pk).delete()
    assert DesignatedEntity.objects.filter(pk=memorial.pk).exists()


def test_a_register_entry_added_by_mistake_for_a_future_date_may_be_deleted():
    entry = DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Ошибка",
        footnote_ru="*",
        footnote_en="*",
        listed_on=date.today() + timedelta(days=3),
    )
    entry.delete()
    assert not DesignatedEntity.objects.filter(pk=entry.pk).exists()


def test_legal_deletes_a_version_planned_by_mistake_and_the_one_in_force_stands_on(
    client, make_staff, labels
):
    _old, in_force = labels
    planned = Disclaimer.objects.create(
        text=LABEL_2027, effective_from=timezone.localdate() + timedelta(days=30)
    )
    in_force.refresh_from_db()
    assert in_force.superseded_by == planned
    client.force_login(make_staff("Legal"))
    url = f"/admin/disclaimers/disclaimer/{planned.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    in_force.refresh_from_db()
    assert (in_force.effective_to, in_force.superseded_by) == (None, None)


def test_nobody_deletes_a_version_that_stood_in_the_admin(
    client, django_user_model, labels
):
    client.force_login(django_user_model.objects.create_superuser("root", None))
    url = f"/admin/disclaimers/disclaimer/{labels[1].pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Disclaimer.objects.filter(pk=labels[1].pk).exists()
