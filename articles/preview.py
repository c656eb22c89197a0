"""Previews: a story in any state, as readers will see it, for staff who may read it."""

from django.urls import reverse
from django.utils import translation

from accounts.roles import stories_visible_to
from articles.models import Article, ArticleQuerySet


def previewable_stories(user) -> ArticleQuerySet:
    """The stories `user` may preview: those their admin list shows them.

    Staff with a newsroom role only; a correspondent sees their own stories, the
    other roles every story (accounts.roles.stories_visible_to, as the admin).
    """
    may_read = user.has_perm("articles.view_article") or user.has_perm(
        "articles.change_article"
    )
    if not (user.is_active and user.is_staff and may_read):
        return Article.objects.none()
    return stories_visible_to(user, Article.objects.all())


def preview_url(article: Article) -> str:
    """The preview's stable address, under the story's own language."""
    with translation.override(article.language):
        return reverse("articles:preview", kwargs={"pk": article.pk})
