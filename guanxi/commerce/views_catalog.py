"""The catalogue page: products and price books. Everyone reads it (reps quote from it);
managers and administrators add to it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.commerce.catalog_forms import PriceBookForm, ProductForm
from guanxi.commerce.models import Product
from guanxi.commerce.permissions import CommercePermission
from guanxi.commerce.selectors import books_visible_to
from guanxi.commerce.services.catalog import price_book_create, product_create
from guanxi.core.errors import GuanxiError
from guanxi.core.forms import add_service_error


def _forms(request: HttpRequest, products: list[Product]) -> tuple[ProductForm, PriceBookForm]:
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form", "")
    product_form = ProductForm(posted if which == "product" else None, prefix="product")
    book_form = PriceBookForm(posted if which == "book" else None, products=products, prefix="book")
    return product_form, book_form


def _save(request: HttpRequest, product_form: ProductForm, book_form: PriceBookForm) -> bool:
    try:
        if product_form.is_bound and product_form.is_valid():
            product = product_create(actor=request.user, **product_form.cleaned_data)
            messages.success(request, _("Product “%(name)s” added.") % {"name": product.name})
            return True
        if book_form.is_bound and book_form.is_valid():
            data = book_form.cleaned_data
            book = price_book_create(
                actor=request.user,
                name=data["name"],
                customer_tag=data["customer_tag"],
                province=data["province"],
                rules=book_form.rules(),
            )
            messages.success(request, _("Price book “%(name)s” added.") % {"name": book.name})
            return True
    except GuanxiError as exc:
        add_service_error(product_form if product_form.is_bound else book_form, exc)
    return False


@login_required
@require_http_methods(["GET", "POST"])
def catalog_view(request: HttpRequest) -> HttpResponse:
    org_id = request.user.org_id  # type: ignore[union-attr]
    products = list(Product.objects.filter(org_id=org_id).order_by("sku"))
    product_form, book_form = _forms(request, [p for p in products if p.active])
    can_manage = request.user.has_role_permission(CommercePermission.MANAGE_CATALOG)  # type: ignore[union-attr]
    if request.method == "POST" and can_manage and _save(request, product_form, book_form):
        return redirect("catalog")
    context: dict[str, Any] = {
        "products": products,
        "books": list(books_visible_to(request.user).order_by("pk")),
        "can_manage": can_manage,
        "product_form": product_form,
        "book_form": book_form,
    }
    return render(request, "commerce/catalog.html", context)
