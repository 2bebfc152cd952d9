from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        # registers the API's authentication schemes with drf-spectacular
        from accounts.api import auth_schemes  # noqa: F401
