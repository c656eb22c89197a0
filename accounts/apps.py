from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender, using, **kwargs):
    """After the last app has migrated, give the roles any permissions added since."""
    # post_migrate is sent once per app with models; act after the last of them.
    app_configs = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not app_configs[-1]:
        return
    from accounts.roles import sync_roles

    for app_config in app_configs:
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(apps, using=using)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import lockout

        post_migrate.connect(
            sync_roles_after_migrate, dispatch_uid="accounts.sync_roles"
        )
        user_login_failed.connect(
            lockout.count_failure, dispatch_uid="accounts.count_failure"
        )
        user_logged_in.connect(
            lockout.forget_failures, dispatch_uid="accounts.forget_failures"
        )
