"""The newsroom roles and the permissions each one holds: the one place they are defined."""

from django.utils.translation import gettext_lazy as _

CORRESPONDENT = "Correspondent"
TRANSLATOR = "Translator"
EDITOR = "Editor"
LEGAL = "Legal"

ROLE_LABELS = {
    CORRESPONDENT: _("Correspondent"),
    TRANSLATOR: _("Translator"),
    EDITOR: _("Editor"),
    LEGAL: _("Legal"),
}

_FILE_STORIES = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_byline",
    "articles.change_byline",
    "articles.delete_byline",
    "articles.view_byline",
    "articles.view_region",
    "authors.view_author",
    "articles.add_tag",
    "articles.view_tag",
    "disclaimers.view_mention",
    "photos.add_photo",
    "photos.change_photo",
    "photos.view_photo",
    "photos.add_photographer",
    "photos.view_photographer",
]

# The labels and the register: changed by Legal alone, every change recorded. What
# ever stood is ended (effective_to, delisted_on), never deleted (the models refuse);
# a version or entry planned for a later day may be deleted while it is a plan.
_KEEP_LABELS = [
    f"disclaimers.{action}_{model}"
    for model in ("disclaimer", "designatedentity")
    for action in ("add", "change", "delete", "view")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Files their own stories and submits them; never publishes.
    CORRESPONDENT: _FILE_STORIES,
    # Makes the other-language versions of stories and submits them.
    TRANSLATOR: [
        *_FILE_STORIES,
        "articles.translate_article",
        "articles.view_all_articles",
    ],
    # Edits anything, approves, publishes, schedules, withdraws; keeps the lists tidy.
    EDITOR: [
        *_FILE_STORIES,
        "articles.translate_article",
        "articles.view_all_articles",
        "articles.publish_article",
        # Registers the partners of the wire and hands out their keys.
        "api.add_partner",
        "api.change_partner",
        "api.view_partner",
        "api.view_partnerrequests",
        # Follows what was pushed to partners and resends what failed.
        "api.view_delivery",
        "api.change_delivery",
        # Reads the publication record (it changes it no more than anyone), and
        # takes a withdrawn story's text out of public view on legal grounds.
        "record.view_entry",
        "record.add_removal",
        "record.view_removal",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "articles.add_region",
        "articles.change_region",
        "authors.add_author",
        "authors.change_author",
        "articles.change_tag",
        "photos.change_photographer",
        "disclaimers.change_mention",
        "disclaimers.view_disclaimer",
        "disclaimers.view_designatedentity",
    ],
    # Reads every story to keep the mandatory labels right; does not edit stories.
    LEGAL: [
        *_KEEP_LABELS,
        "disclaimers.view_mention",
        "disclaimers.change_mention",
        "articles.view_article",
        "articles.view_all_articles",
        "articles.view_region",
        "authors.view_author",
        # Asks the publication record what stood on pages, and exports the answer.
        "record.view_entry",
        "record.ask_record",
    ],
}


def sync_roles(apps, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions.

    Runs in a data migration (so every database has the roles) and after every
    migrate (so permissions of models added later reach the roles too). Permissions
    not created yet are skipped; a test checks none is missing after migrate.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for name in names:
            app_label, codename = name.split(".")
            wanted.update(
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .values_list("pk", flat=True)
            )
        group.permissions.set(wanted)


def stories_visible_to(user, queryset, through: str = ""):
    """The stories (or rows pointing at them `through` a relation) `user` may read.

    Roles that read every story see them all; a correspondent sees only their own.
    The admin's lists, forms, choices and autocompletes all ask here.
    """
    if user.has_perm("articles.view_all_articles"):
        return queryset
    return queryset.filter(**{f"{through}created_by": user})
