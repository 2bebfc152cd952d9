from django.apps import AppConfig


class RamBaseConfig(AppConfig):
    name = "rambase"
    verbose_name = "RamBase API"
