"""The admin's counts in the language it speaks: «5 маркировок», "5 legal labels"."""

from django import template

from newsroom.i18n import current_language
from newsroom.russian import counted

register = template.Library()


@register.filter
def count_of(number: int, opts) -> str:
    """`number` rows of the model whose options are `opts`, named as the language
    counts them (Russian has three plural forms, the model's names two)."""
    if current_language() == "ru":
        return counted(number, str(opts.verbose_name))
    name = opts.verbose_name if number == 1 else opts.verbose_name_plural
    return f"{number} {name}"
