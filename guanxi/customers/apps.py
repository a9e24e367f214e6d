import datetime

from django.apps import AppConfig
from django.conf import settings


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from guanxi.customers.api import router
        from guanxi.customers.audit import register_audit_subjects
        from guanxi.customers.changes import register as register_change_words
        from guanxi.customers.choices import VERB_LABELS
        from guanxi.customers.duplicate_panel import DUPLICATES_PANEL
        from guanxi.customers.exporting import register as register_exporters
        from guanxi.customers.handover import register_handover_kinds
        from guanxi.customers.importing import register as register_importers
        from guanxi.customers.merge_words import register as register_merge_words
        from guanxi.customers.notifications import register as register_notifications
        from guanxi.customers.panels import register_panel
        from guanxi.customers.permissions import register as register_permissions
        from guanxi.customers.related_rows import register as register_related_rows
        from guanxi.customers.services.custom_fields import CUSTOM_FIELD_VERB_LABELS
        from guanxi.customers.services.purge import PURGE_VERB_LABELS
        from guanxi.customers.tasks import enqueue_daily_purge
        from guanxi.platform.api import register_router
        from guanxi.platform.schedule import DailyJob, parse_time, register_daily_job
        from guanxi.platform.verbs import register_verb_labels

        register_permissions()
        register_router("/", router)
        register_notifications()
        register_verb_labels(VERB_LABELS)
        register_audit_subjects()
        register_change_words()
        register_verb_labels(PURGE_VERB_LABELS)
        register_verb_labels(CUSTOM_FIELD_VERB_LABELS)
        register_related_rows()
        register_merge_words()
        register_handover_kinds()
        register_importers()
        register_exporters()
        register_panel(DUPLICATES_PANEL)
        register_daily_job(
            DailyJob(
                key="customers.purge_deleted",
                at=parse_time(settings.GUANXI_DAILY_PURGE_AT, datetime.time(3, 30)),
                start=enqueue_daily_purge,
            )
        )
