"""``{{ lead|lead_phones }}`` / ``{{ lead|lead_emails }}``: a lead's details as the viewer may
see them (masked while the lead waits in the pool)."""

from __future__ import annotations

from django import template

from guanxi.sales.masking import is_masked, shown_emails, shown_phones

register = template.Library()
register.filter("lead_phones", shown_phones)
register.filter("lead_emails", shown_emails)
register.filter("lead_masked", is_masked)
