"""The label, as a reader's browser draws it: at least twice the body text's size."""

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": (1280, 900), "mobile": (375, 740)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_label_is_drawn_at_least_twice_the_body_size_under_the_headline(
    page, live_server, labels, width, language
):
    article = make_article(
        language=language,
        lead="A lead paragraph.",
        body="<p>" + "Body text of the story. " * 30 + "</p>",
    )
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(live_server.url + article.get_absolute_url())
    sizes = page.evaluate(
        """() => {
            const size = (selector) =>
                parseFloat(getComputedStyle(document.querySelector(selector)).fontSize);
            const box = (selector) => document.querySelector(selector).getBoundingClientRect();
            const label = box('.legal-label'), headline = box('h1'), lead = box('.article__lead');
            return {
                label: size('.legal-label'),
                body: size('.article__body p'),
                belowHeadline: label.top >= headline.bottom,
                aboveLead: label.bottom <= lead.top,
                visible: label.width > 0 && label.height > 0,
                labelColour: getComputedStyle(document.querySelector('.legal-label')).color,
                labelBackground: getComputedStyle(document.querySelector('.legal-label')).backgroundColor,
            };
        }"""
    )
    assert sizes["label"] >= 2 * sizes["body"], sizes
    assert sizes["visible"] and sizes["belowHeadline"] and sizes["aboveLead"], sizes
    assert sizes["labelColour"] != sizes["labelBackground"], sizes
