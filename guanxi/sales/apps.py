from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    label = "sales"
    verbose_name = "Sales"

    def ready(self) -> None:
        from guanxi.customers.panels import register_panel
        from guanxi.platform.api import register_router
        from guanxi.platform.imports.registry import register_importer
        from guanxi.platform.verbs import register_verb_labels
        from guanxi.sales.api import router
        from guanxi.sales.api_assignment import router as assignment_router
        from guanxi.sales.api_commitments import router as commitments_router
        from guanxi.sales.api_deals import router as deals_router
        from guanxi.sales.api_forms import router as forms_router
        from guanxi.sales.api_performance import router as performance_router
        from guanxi.sales.api_pool_customers import router as pool_customers_router
        from guanxi.sales.api_pools import router as pools_router
        from guanxi.sales.api_quotes import router as quotes_router
        from guanxi.sales.api_scoring import router as scoring_router
        from guanxi.sales.audit import register as register_audit
        from guanxi.sales.choices import VERB_LABELS
        from guanxi.sales.churn import register as register_churn_signal
        from guanxi.sales.handover import register as register_handover
        from guanxi.sales.importing import LeadImporter
        from guanxi.sales.notifications import register as register_notifications
        from guanxi.sales.permissions import register as register_permissions
        from guanxi.sales.pool_panel import POOL_PANEL
        from guanxi.sales.quote_panel import QUOTES_PANEL
        from guanxi.sales.related_rows import register as register_related_rows

        register_permissions()
        register_audit()
        register_related_rows()
        register_handover()
        register_notifications()
        register_churn_signal()
        register_verb_labels(VERB_LABELS)
        register_panel(QUOTES_PANEL)
        register_panel(POOL_PANEL)
        register_importer(LeadImporter())
        register_router("/", router)
        register_router("/", deals_router)
        register_router("/", assignment_router)
        register_router("/", forms_router)
        register_router("/", commitments_router)
        register_router("/", pools_router)
        register_router("/", pool_customers_router)
        register_router("/", quotes_router)
        register_router("/", scoring_router)
        register_router("/", performance_router)
