from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from guanxi.customers.api import router
        from guanxi.platform.api import register_router

        register_router("/", router)
