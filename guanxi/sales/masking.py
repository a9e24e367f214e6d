"""How a lead waiting in the pool shows its contact details: masked until someone claims it, so
that nobody calls a customer they have not taken on (the pool's point)."""

from __future__ import annotations


def mask_phone(number: str) -> str:
    """+8613800138000 → +86138****8000: enough to tell two apart, not to call."""
    return number[:-8] + "****" + number[-4:] if len(number) > 8 else "****"


def mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def shown_phones(lead: object) -> list[str]:
    phones: list[str] = getattr(lead, "phones", [])
    return [mask_phone(n) for n in phones] if getattr(lead, "pool_id", None) else phones


def shown_emails(lead: object) -> list[str]:
    emails: list[str] = getattr(lead, "emails", [])
    return [mask_email(e) for e in emails] if getattr(lead, "pool_id", None) else emails
