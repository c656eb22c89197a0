"""The newsroom's user accounts."""

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_LABELS


class User(AbstractUser):
    """A member of the newsroom; what they may do comes from their role (group)."""

    notify_by_email = models.BooleanField(
        _("e-mail me"),
        default=True,
        help_text=_(
            "Stories submitted for approval (editors), returned or published "
            "(their authors), translations gone stale (their translators)."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def roles(self) -> set[str]:
        return {group.name for group in self.groups.all()}


class Role(Group):
    """A group as the newsroom names it: a role of accounts/roles.py reads in the
    admin's language («Редактор»), any other group by its own name."""

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return str(ROLE_LABELS.get(self.name, self.name))

    @property
    def is_newsroom_role(self) -> bool:
        return self.name in ROLE_LABELS
