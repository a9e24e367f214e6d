from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from guanxi.platform.api import register_router
        from guanxi.platform.verbs import register_verb_labels
        from guanxi.sales.api import router
        from guanxi.sales.choices import VERB_LABELS
        from guanxi.sales.handover import register as register_handover
        from guanxi.sales.permissions import register as register_permissions
        from guanxi.sales.related_rows import register as register_related_rows

        register_permissions()
        register_related_rows()
        register_handover()
        register_verb_labels(VERB_LABELS)
        register_router("/", router)
