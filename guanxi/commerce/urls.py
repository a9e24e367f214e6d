from django.urls import path

from guanxi.commerce.views import order_import_view
from guanxi.commerce.views_catalog import catalog_view

urlpatterns = [
    path("orders/import/", order_import_view, name="order-import"),
    path("products/", catalog_view, name="catalog"),
]
