"""How a lead waiting in the pool shows its contact details: masked until someone claims it, so
that nobody calls a customer they have not taken on (the pool's point). The same holds for a
lead converted into a customer that now waits in the pool."""

from __future__ import annotations


def mask_phone(number: str) -> str:
    """+8613800138000 → +86138****8000: enough to tell two apart, not to call."""
    return number[:-8] + "****" + number[-4:] if len(number) > 8 else "****"


def mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def is_masked(lead: object) -> bool:
    """A lead waiting in the pool, or converted into a customer now waiting in the pool: its
    details would let a rep call a customer nobody has claimed."""
    if getattr(lead, "pool_id", None):
        return True
    for field in ("contact", "account"):
        if getattr(lead, f"{field}_id", None):
            customer = getattr(lead, field)
            if customer is not None and customer.pooled_at is not None:
                return True
    return False


def shown_phones(lead: object) -> list[str]:
    phones: list[str] = getattr(lead, "phones", [])
    return [mask_phone(n) for n in phones] if is_masked(lead) else phones


def shown_emails(lead: object) -> list[str]:
    emails: list[str] = getattr(lead, "emails", [])
    return [mask_email(e) for e in emails] if is_masked(lead) else emails
