"""Authors (bylines) with their other spellings."""

from django.contrib import admin

from accounts.admin_rules import NewsroomAdmin, NewsroomTabularInline
from authors.models import Author, AuthorAlias


class AuthorAliasInline(NewsroomTabularInline):
    model = AuthorAlias
    extra = 1
    fields = ["name", "slug"]


@admin.register(Author)
class AuthorAdmin(NewsroomAdmin):
    list_display = ["name_en", "name_ru", "slug", "user"]
    search_fields = ["name_en", "name_ru", "aliases__name"]
    autocomplete_fields = ["user"]
    inlines = [AuthorAliasInline]
    list_select_related = ["user"]
