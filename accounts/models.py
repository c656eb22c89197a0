"""The newsroom's user accounts."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
