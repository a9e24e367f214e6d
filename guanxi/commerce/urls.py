from django.urls import path

from guanxi.commerce.views import order_import_view

urlpatterns = [
    path("orders/import/", order_import_view, name="order-import"),
]
