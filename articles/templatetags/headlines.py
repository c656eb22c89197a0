"""{{ article|headline }}: a headline with its register asterisks, wherever it is shown."""

from django import template

from articles import rendering

register = template.Library()


@register.filter
def headline(article) -> str:
    """Plain text (the template escapes it); lists fetch their stories
    with_register_names() so that this costs no query."""
    return rendering.headline(article)
