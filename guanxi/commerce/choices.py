from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


VERB_LABELS = {
    "commerce.order.created": gettext_noop("Order recorded"),
    "commerce.order.status_changed": gettext_noop("Order status changed"),
    "commerce.product.created": gettext_noop("Product added"),
    "commerce.price_book.created": gettext_noop("Price book added"),
    "commerce.import.started": gettext_noop("Order import started"),
    "commerce.import.finished": gettext_noop("Order import finished"),
    "commerce.import.failed": gettext_noop("Order import failed"),
}
