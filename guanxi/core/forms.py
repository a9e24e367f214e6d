from __future__ import annotations

from django import forms

from guanxi.core.errors import GuanxiError


def add_service_error(form: forms.Form, error: GuanxiError) -> None:
    """Show a service's field errors beside the fields; the rest at the top of the form."""
    placed = False
    for field, messages in error.field_errors.items():
        name = field if field in form.fields else field.split(".", 1)[0]
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
