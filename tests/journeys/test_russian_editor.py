"""The body editor and the date pickers speak Russian in the Russian admin."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    # In another time zone than the newsroom's, so the pickers warn about it.
    return {
        **browser_context_args,
        "locale": "ru-RU",
        "timezone_id": "Asia/Yerevan",
    }


def test_toolbar_dialogs_and_time_note_are_in_russian(page, live_server, newsroom):
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    toolbar = page.locator(".field-body .prose-menubar")
    expect(toolbar.get_by_role("button", name="Полужирный")).to_have_attribute(
        "title", "Полужирный"
    )
    expect(toolbar.get_by_role("button", name="Вставить ссылку")).to_be_visible()

    page.locator(".field-body .ProseMirror >> visible=true").click()
    page.keyboard.type("Жители села собрались у администрации")
    page.keyboard.press("Control+A")
    toolbar.get_by_role("button", name="Вставить ссылку").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Изменить ссылку")
    expect(dialog.get_by_role("button", name="Сохранить")).to_be_visible()
    expect(dialog.get_by_role("button", name="Отмена")).to_be_visible()
    dialog.get_by_role("button", name="Отмена").click()

    names = page.locator(".field-body .prose-editor").evaluate(
        """editor => [...editor.querySelectorAll("[title], [aria-label]")].map(
            element => element.title || element.getAttribute("aria-label"))"""
    )
    assert names
    assert [name for name in names if re.search("[A-Za-z]{3}", name)] == []
    expect(page.locator(".timezonewarning").first).to_contain_text(
        "Время вводится по часовому поясу Europe/Moscow"
    )
