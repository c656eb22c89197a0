from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        """The one place articles/ wires itself into the apps below it, which
        never import it: they are told of stories by the hooks connected here."""
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from newsroom import lookups

        lookups.register()  # field__any_of, before any query asks for it

        from articles import (
            freshness,
            go_live,
            notifications,
            search_index,
            signals,
            tasks,
            views,
        )
        from articles.models import Article, Correction
        from background import clock
        from disclaimers import services as disclaimers_services
        from disclaimers import signals as disclaimers_signals
        from newsroom import page_cache
        from photos import models as photos

        # Public pages show this app's stories (and photos, labels, authors, tags)...
        page_cache.connect_signals()
        # ...a change refreshes only the pages that show what it changed...
        page_cache.add_change_describer(freshness.describe)
        page_cache.add_before_save_hook(freshness.remember_before_save)
        # ...and the pieces every page shares are rendered once, not once a page.
        page_cache.add_hole("latest", views.render_latest_news)
        page_cache.add_hole("calendar", views.render_calendar)
        # A scheduled story going live changes pages with no one saving anything.
        page_cache.add_next_change_source(Article.objects.next_publication)
        page_cache.add_went_live_source(freshness.went_live)
        # A story's mentions of the register follow its text on every save...
        post_save.connect(
            disclaimers_signals.article_saved,
            sender=Article,
            dispatch_uid="disclaimers.article_saved",
        )
        # ...and every story is re-scanned when the register changes.
        disclaimers_services.add_story_source(Article.objects.all)
        # A photo a live story shows keeps its credit and alt text.
        photos.add_live_language_source(Article.objects.languages_showing)
        # On SQLite, the search index follows every story's text.
        post_save.connect(
            search_index.article_saved, sender=Article, dispatch_uid="search_index"
        )
        post_delete.connect(
            search_index.article_deleted, sender=Article, dispatch_uid="search_index"
        )
        signals.step_taken.connect(notifications.on_step, dispatch_uid="notify_step")
        # When what readers see changes, the worker tells whoever needs to know:
        # the page cache (and through it the CDN), the author, the hooks.
        go_live.story_went_live.connect(freshness.on_went_live, dispatch_uid="pages")
        go_live.story_went_live.connect(
            notifications.on_went_live, dispatch_uid="notify_live"
        )
        go_live.story_went_live.connect(go_live.run_hooks, dispatch_uid="hooks")
        post_save.connect(
            go_live.correction_saved, sender=Correction, dispatch_uid="go_live"
        )
        clock.every(settings.GO_LIVE_SWEEP_SECONDS, tasks.sweep_go_lives)
        clock.every(60, tasks.find_due_go_lives)
        signals.text_changed.connect(
            notifications.on_text_changed, dispatch_uid="notify_stale"
        )
