from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class CompanySize(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    MICRO = "1-9", _("1–9 people")
    SMALL = "10-49", _("10–49 people")
    MEDIUM = "50-249", _("50–249 people")
    LARGE = "250+", _("250 people or more")


class AccountRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    UNSPECIFIED = "", _("Not given")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    LANDLINE = "landline", _("Landline")
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    OTHER = "other", _("Other")


class EmailKind(models.TextChoices):
    WORK = "work", _("Work")
    PERSONAL = "personal", _("Personal")
    OTHER = "other", _("Other")


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")


class RfmSegment(models.TextChoices):
    """The widely used RFM segment table (recency score × frequency score)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal customers")
    POTENTIAL_LOYALIST = "potential_loyalist", _("Potential loyalists")
    NEW = "new", _("New customers")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Can't lose them")
    HIBERNATING = "hibernating", _("Hibernating / lost")


class ValueQuadrant(models.TextChoices):
    """Current value × potential value (docs/analytics.md explains the choice of "risk")."""

    STRATEGIC = "strategic", _("Strategic")
    PROFITABLE = "profitable", _("Profitable")
    RISK = "risk", _("Developing")
    ORDINARY = "ordinary", _("Ordinary")


class GridCell(models.TextChoices):
    """Average order value × purchase frequency: where a customer sits, and where to move them."""

    A = "A", _("A: never purchased")
    B = "B", _("B: low order value, rarely")
    C = "C", _("C: high order value, rarely")
    D = "D", _("D: low order value, often")
    E = "E", _("E: high order value, often")


VERB_LABELS = {
    "customers.contact.created": gettext_noop("Contact created"),
    "customers.contact.updated": gettext_noop("Contact changed"),
    "customers.contact.deleted": gettext_noop("Contact deleted"),
    "customers.contact.restored": gettext_noop("Contact restored"),
    "customers.account.created": gettext_noop("Account created"),
    "customers.account.updated": gettext_noop("Account changed"),
    "customers.account.deleted": gettext_noop("Account deleted"),
    "customers.account.restored": gettext_noop("Account restored"),
    "customers.activity.created": gettext_noop("Activity added"),
    "customers.activity.updated": gettext_noop("Activity changed"),
    "customers.activity.completed": gettext_noop("Task done"),
    "customers.activity.reopened": gettext_noop("Task reopened"),
    "customers.activity.deleted": gettext_noop("Activity deleted"),
}
