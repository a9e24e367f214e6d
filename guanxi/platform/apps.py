from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "guanxi.platform"
    label = "platform"
    verbose_name = "Platform"
