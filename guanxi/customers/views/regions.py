"""The address levels of a form, re-rendered when a province or city is chosen (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guanxi.customers import regions
from guanxi.customers.forms import RegionFieldsForm


@login_required
@require_GET
def region_fields_view(request: HttpRequest) -> HttpResponse:
    """The province/city/district fieldset for the chosen province and city; a city or district
    that does not belong to the newly chosen place is cleared rather than carried along."""
    province, city, district = (request.GET.get(name, "")[:40] for name in regions.FIELDS)
    if not regions.find(regions.cities_of(province), city):
        city = ""
    if not regions.find(regions.districts_of(province, city), district):
        district = ""
    form = RegionFieldsForm(initial={"province": province, "city": city, "district": district})
    return render(request, "customers/_region_fields.html", {"form": form})
