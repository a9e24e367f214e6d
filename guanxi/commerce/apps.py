from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "guanxi.commerce"
    label = "commerce"
    verbose_name = "Commerce"

    def ready(self) -> None:
        from guanxi.commerce.api import router
        from guanxi.commerce.api_catalog import router as catalog_router
        from guanxi.commerce.choices import VERB_LABELS
        from guanxi.commerce.panels import ORDERS_PANEL
        from guanxi.commerce.permissions import register as register_permissions
        from guanxi.commerce.related_rows import register as register_related_rows
        from guanxi.customers.panels import register_panel
        from guanxi.platform.api import register_router
        from guanxi.platform.verbs import register_verb_labels

        register_permissions()
        register_panel(ORDERS_PANEL)
        register_related_rows()
        register_verb_labels(VERB_LABELS)
        register_router("/", router)
        register_router("/", catalog_router)
