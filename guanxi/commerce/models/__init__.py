from guanxi.commerce.models.catalog import PriceBook, PriceRule, Product
from guanxi.commerce.models.orders import Order, OrderImport, OrderLine

__all__ = ["Order", "OrderImport", "OrderLine", "PriceBook", "PriceRule", "Product"]
