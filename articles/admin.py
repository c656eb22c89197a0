"""The newsroom's admin for articles, regions and corrections."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Byline, Correction, Region
from disclaimers.admin import MentionInline, record_review
from disclaimers.models import Mention


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "noted_at", "text"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "headline",
        "language",
        "status",
        "published_at",
        "region",
        "created_by",
    ]
    list_filter = [
        "status",
        "language",
        "region",
        ("authors", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["region", "created_by"]
    search_fields = ["headline", "lead"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["region", "translation_of", "lead_photo"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [BylineInline, CorrectionInline, MentionInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["language", "headline", "lead", "lead_photo", "body"]}),
        (_("Filing"), {"fields": ["region", "tags", "source", "translation_of"]}),
        (_("Publication"), {"fields": ["status", "published_at", "slug"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        articles = super().get_queryset(request)
        if request.user.has_perm("articles.view_all_articles"):
            return articles
        # A correspondent works on their own stories only.
        return articles.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Once an editor has published or withdrawn a story, only editors change it.
        return (
            obj is None
            or obj.status in FILING_STATUSES
            or request.user.has_perm("articles.publish_article")
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not request.user.has_perm(
            "articles.publish_article"
        ):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value in FILING_STATUSES - {Article.Status.RETURNED}
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Mention:
            for mention_form in formset.forms:
                if mention_form.has_changed():
                    record_review(mention_form.instance, request.user)
        super().save_formset(request, form, formset, change)


# The statuses a story has while its author still works on it.
FILING_STATUSES = {
    Article.Status.DRAFT,
    Article.Status.SUBMITTED,
    Article.Status.RETURNED,
}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ru", "slug"]
    search_fields = ["name_en", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
