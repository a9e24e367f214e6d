import datetime

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_noop


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from guanxi.analytics.api import router
        from guanxi.analytics.notifications import register as register_notifications
        from guanxi.analytics.panels import SCORE_PANEL
        from guanxi.analytics.permissions import register as register_permissions
        from guanxi.analytics.related_rows import register as register_related_rows
        from guanxi.analytics.services.queue import refresh_after_order_import
        from guanxi.analytics.tasks import enqueue_nightly_refresh
        from guanxi.commerce.hooks import register_after_order_import
        from guanxi.customers.panels import register_panel
        from guanxi.platform.api import register_router
        from guanxi.platform.schedule import DailyJob, parse_time, register_daily_job
        from guanxi.platform.verbs import register_verb_labels

        register_permissions()
        register_panel(SCORE_PANEL)
        register_notifications()
        register_after_order_import(refresh_after_order_import)
        register_verb_labels(
            {
                "analytics.scores.refreshed": gettext_noop("Customer scores recomputed"),
                "analytics.scores.refresh_failed": gettext_noop("Recomputing scores failed"),
                "analytics.scores.refresh_queued": gettext_noop("Recomputing scores queued"),
            }
        )
        register_router("/", router)
        register_related_rows()
        register_daily_job(
            DailyJob(
                key="analytics.refresh",
                at=parse_time(settings.GUANXI_DAILY_REFRESH_AT, datetime.time(2, 30)),
                start=enqueue_nightly_refresh,
            )
        )
