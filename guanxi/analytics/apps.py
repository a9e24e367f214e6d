from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from guanxi.analytics.api import router
        from guanxi.analytics.panels import SCORE_PANEL
        from guanxi.customers.panels import register_panel
        from guanxi.platform.api import register_router

        register_panel(SCORE_PANEL)
        register_router("/", router)
