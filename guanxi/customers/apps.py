from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from guanxi.customers.api import router
        from guanxi.customers.choices import VERB_LABELS
        from guanxi.platform.api import register_router
        from guanxi.platform.verbs import register_verb_labels

        register_router("/", router)
        register_verb_labels(VERB_LABELS)
