"""How merges read in the audit trail and on the timeline of both records."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Account, Contact
from guanxi.customers.services.duplicate_review import REVIEW_VERB_LABELS
from guanxi.customers.services.merge import MERGE_VERB_LABELS
from guanxi.platform.changes import register_change_words
from guanxi.platform.verbs import register_verb_labels


def register() -> None:
    register_verb_labels(MERGE_VERB_LABELS)
    register_verb_labels(REVIEW_VERB_LABELS)
    labels = {
        "merged": _("merged in"),
        "merged_into": _("merged into"),
        "not_duplicate_of": _("not a duplicate of"),
    }
    register_change_words(Contact._meta.label_lower, labels=labels)
    register_change_words(Account._meta.label_lower, labels=labels)
