from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "guanxi.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from guanxi.platform.api import register_router
        from guanxi.platform.api_users import router
        from guanxi.platform.audit_words import register as register_audit_words

        register_router("/", router)
        register_audit_words()
