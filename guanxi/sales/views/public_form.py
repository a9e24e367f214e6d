"""The public page of a web-to-lead form: no sign-in, embeddable in the shop's own site.

CSRF protection is off on purpose: the page changes nothing that belongs to a signed-in user
(it only leaves a lead), and a browser often refuses the CSRF cookie inside another site's
frame. Robots are met by the hidden field and the per-address limit instead (see the service).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from guanxi.core.errors import NotFoundError, RateLimitedError, ServiceValidationError
from guanxi.sales.services.lead_forms import HONEYPOT, active_form, lead_form_submit

# The site's policy, except that any site may show this page in a frame (that is its purpose).
EMBEDDABLE: dict[str, Any] = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
FIELDS = ("name", "phone", "email", "company", "message", HONEYPOT)
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@csrf_exempt
@xframe_options_exempt
@csp_override(EMBEDDABLE)
@require_http_methods(["GET", "POST"])
def lead_form_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        form = active_form(slug)
    except NotFoundError as exc:
        return render(request, "sales/public_form.html", {"closed": str(exc)}, status=404)
    source = request.POST if request.method == "POST" else request.GET
    values = {key: source.get(key, "")[:10000] for key in (*FIELDS, *UTM)}
    context = {"form": form, "values": values, "utm": {k: values[k] for k in UTM if values[k]}}
    if request.method == "GET":
        return render(request, "sales/public_form.html", context)
    try:
        done = lead_form_submit(
            slug=slug, data=values, address=request.META.get("REMOTE_ADDR") or None
        )
    except ServiceValidationError as exc:
        context["errors"] = exc.field_errors
        return render(request, "sales/public_form.html", context, status=422)
    except RateLimitedError as exc:
        context["problem"] = str(exc)
        response = render(request, "sales/public_form.html", context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return render(request, "sales/public_form.html", {"form": form, "thanks": done.message})
