"""The admin's first page: what waits for the person signed in."""

from django import template

from articles.desk import waiting_for

register = template.Library()


@register.inclusion_tag("admin/articles/waiting_for_me.html", takes_context=True)
def waiting_for_me(context):
    return {"waiting": waiting_for(context["request"].user)}
