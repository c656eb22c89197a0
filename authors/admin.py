"""Authors (bylines) with their other spellings."""

from django.contrib import admin

from accounts.admin_rules import NewsroomAdmin, NewsroomTabularInline
from authors.models import Author, AuthorAlias
from newsroom.people import forget_old_genitive


class AuthorAliasInline(NewsroomTabularInline):
    model = AuthorAlias
    extra = 1
    fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(NewsroomAdmin):
    list_display = ["name_en", "name_en_transliterated", "name_ru", "slug", "user"]
    list_filter = ["name_en_transliterated"]
    search_fields = ["name_en", "name_ru", "aliases__name"]
    readonly_fields = ["name_en_transliterated"]
    autocomplete_fields = ["user"]
    inlines = [AuthorAliasInline]
    list_select_related = ["user"]

    def save_model(self, request, obj, form, change):
        # Emptied, it is made again from the Russian name (Author.save).
        if "name_en" in form.changed_data and form.cleaned_data["name_en"]:
            obj.give_english_name(form.cleaned_data["name_en"])
        forget_old_genitive(obj, form)
        super().save_model(request, obj, form, change)
