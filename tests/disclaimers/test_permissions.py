"""Only Legal (and administrators) change the labels and the register; all recorded."""

import pytest

from disclaimers.models import Disclaimer

pytestmark = pytest.mark.django_db

ADMIN_URLS = ["/admin/disclaimers/disclaimer/", "/admin/disclaimers/designatedentity/"]


@pytest.mark.parametrize("role", ["Correspondent", "Translator", "Editor"])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_other_staff_cannot_add_or_change_labels_or_the_register(
    client, make_staff, labels, memorial, role, url
):
    client.force_login(make_staff(role))
    assert client.get(url + "add/").status_code == 403
    obj_pk = labels[1].pk if url.endswith("/disclaimer/") else memorial.pk
    response = client.post(f"{url}{obj_pk}/change/", {"text": "ИЗМЕНЕНО"})
    assert response.status_code == 403
    assert client.post(f"{url}{obj_pk}/delete/", {"post": "yes"}).status_code == 403
    assert Disclaimer.objects.filter(text="ИЗМЕНЕНО").count() == 0


def test_legal_changes_a_label_and_the_change_is_recorded(client, make_staff, labels):
    legal = make_staff("Legal")
    client.force_login(legal)
    label = labels[1]
    response = client.post(
        f"/admin/disclaimers/disclaimer/{label.pk}/change/",
        {
            "text": "НОВАЯ РЕДАКЦИЯ",
            "locales": ["ru", "en"],
            "effective_from": "2022-12-01",
            "effective_to": "",
            "placement": "after_headline",
            "emphasis": "double_size",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = label.history.latest()
    assert latest.history_user == legal
    assert latest.text == "НОВАЯ РЕДАКЦИЯ"
    assert latest.prev_record.text != "НОВАЯ РЕДАКЦИЯ"  # before and after are both kept
    history = client.get(f"/admin/disclaimers/disclaimer/{label.pk}/history/")
    assert history.status_code == 200
    assert "legal" in history.content.decode()


def test_editors_may_read_the_register_but_not_change_it(client, make_staff, memorial):
    client.force_login(make_staff("Editor"))
    url = f"/admin/disclaimers/designatedentity/{memorial.pk}/change/"
    assert client.get(url).status_code == 200
    assert 'name="_save"' not in client.get(url).content.decode()
