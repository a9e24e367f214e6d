import datetime

from django.apps import AppConfig
from django.conf import settings


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from guanxi.customers.api import router
        from guanxi.customers.choices import VERB_LABELS
        from guanxi.customers.tasks import enqueue_daily_purge
        from guanxi.platform.api import register_router
        from guanxi.platform.schedule import DailyJob, parse_time, register_daily_job
        from guanxi.platform.verbs import register_verb_labels

        register_router("/", router)
        register_verb_labels(VERB_LABELS)
        register_daily_job(
            DailyJob(
                key="customers.purge_deleted",
                at=parse_time(settings.GUANXI_DAILY_PURGE_AT, datetime.time(3, 30)),
                start=enqueue_daily_purge,
            )
        )
