"""Reads for customers. Every list goes through the visibility rule of the platform."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from guanxi.customers import search
from guanxi.customers.choices import ActivityKind
from guanxi.customers.custom_fields import filter_by_custom
from guanxi.customers.duplicate_warning import accounts_like, contacts_like
from guanxi.customers.models import (
    Account,
    AccountSearchToken,
    Activity,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactSearchToken,
    CustomIdentifier,
)
from guanxi.platform.audit_visibility import hidden_targets
from guanxi.platform.models import AuditEvent
from guanxi.platform.visibility import (
    collaborator_filter,
    editable_filter,
    managed_team_ids,
    visible_filter,
)


def contacts_visible_to(user: Any, *, deleted: bool = False) -> QuerySet[Contact]:
    return Contact.objects.filter(visible_filter(user, Contact), deleted_at__isnull=not deleted)


def accounts_visible_to(user: Any, *, deleted: bool = False) -> QuerySet[Account]:
    return Account.objects.filter(visible_filter(user, Account), deleted_at__isnull=not deleted)


SCOPES = ("mine", "shared", "team")


def _in_scope(records: QuerySet[Any], user: Any, scope: str) -> QuerySet[Any]:
    """ "mine": owned by the user; "shared": the user was added as a collaborator (directly, or
    through an account shared with its contacts); "team": owned within the user's team or the
    teams they manage."""
    if scope == "mine":
        return records.filter(owner_id=user.pk)
    if scope == "shared":
        return records.filter(collaborator_filter(user, records.model)).exclude(owner_id=user.pk)
    if scope == "team":
        teams = set(managed_team_ids(user)) | ({user.team_id} if user.team_id else set())
        return records.filter(team_id__in=teams)
    return records


def with_contact_details(contacts: QuerySet[Contact], user: Any) -> QuerySet[Contact]:
    """Contacts with what lists and pages show, and whether ``user`` may see each one's account.

    A visible contact at a company the viewer may not see must not name that company:
    templates and the API read ``contact.shown_account``, which is empty unless
    ``account_visible`` was annotated here.
    """
    visible_account = accounts_visible_to(user).filter(pk=OuterRef("account_id"))
    return (
        contacts.select_related("owner", "account", "score")
        .annotate(account_visible=Exists(visible_account))
        .prefetch_related(
            Prefetch("phones", queryset=ContactPhone.objects.order_by("position", "id")),
            Prefetch("emails", queryset=ContactEmail.objects.order_by("position", "id")),
            "tags",
        )
    )


SEARCH_ROUNDS = 6
SEARCH_CHUNK_MAX = 800


def matching_ids(
    token_model: Any,
    owner_field: str,
    query: search.SearchQuery,
    limit: int,
    visible: QuerySet[Any],
) -> list[int]:
    """Record ids whose keys start with the query, best (shortest, alphabetical) keys first.

    Keys are read in index order in chunks and only then checked against visibility: a join in
    one query lets the planner start from the (huge) record table instead of the key index. The
    first chunk is small (most searches are answered by it); later ones double, for users who may
    see only a few of the matches.
    """
    found: list[int] = []
    after: tuple[str, int] | None = None
    size = max(limit + limit // 2, 30)
    for _round in range(SEARCH_ROUNDS):
        keys = token_model.objects.filter(search.token_filter(query))
        if after is not None:
            keys = keys.filter(Q(token__gt=after[0]) | Q(token=after[0], pk__gt=after[1]))
        chunk = list(
            keys.order_by("token", "pk").values_list("token", "pk", f"{owner_field}_id")[:size]
        )
        candidates = list(dict.fromkeys(row[2] for row in chunk if row[2] not in found))
        allowed = set(visible.filter(pk__in=candidates).values_list("pk", flat=True))
        for record_id in candidates:
            if record_id in allowed:
                found.append(record_id)
                if len(found) == limit:
                    return found
        if len(chunk) < size:
            break
        after = (chunk[-1][0], chunk[-1][1])
        size = min(size * 2, SEARCH_CHUNK_MAX)
    return found


def contact_search_ids(user: Any, raw_query: str, *, limit: int = 20) -> list[int]:
    query = search.parse_query(raw_query)
    if query.is_empty:
        return []
    return matching_ids(ContactSearchToken, "contact", query, limit, contacts_visible_to(user))


def account_search_ids(user: Any, raw_query: str, *, limit: int = 20) -> list[int]:
    query = search.parse_query(raw_query)
    if query.is_empty:
        return []
    return matching_ids(AccountSearchToken, "account", query, limit, accounts_visible_to(user))


def _in_order(records: QuerySet[Any], ids: list[int]) -> list[Any]:
    by_id = {record.pk: record for record in records.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class SearchResults:
    contacts: list[Contact]
    accounts: list[Account]


def global_search(user: Any, raw_query: str, *, limit: int = 10) -> SearchResults:
    contact_ids = contact_search_ids(user, raw_query, limit=limit)
    account_ids = account_search_ids(user, raw_query, limit=limit)
    return SearchResults(
        contacts=_in_order(with_contact_details(Contact.objects.all(), user), contact_ids),
        accounts=_in_order(Account.objects.select_related("owner"), account_ids),
    )


def contact_list(
    user: Any,
    *,
    q: str = "",
    owner_id: int | None = None,
    tag: str = "",
    province: str = "",
    account_id: int | None = None,
    updated_since: datetime.datetime | None = None,
    deleted: bool = False,
    scope: str = "",
    segment: str = "",
    value_group: str = "",
    grid_cell: str = "",
    custom: dict[str, str] | None = None,
) -> QuerySet[Contact]:
    contacts = _in_scope(contacts_visible_to(user, deleted=deleted), user, scope)
    contacts = filter_by_custom(contacts, user.org_id, custom or {})
    if segment:
        contacts = contacts.filter(score__rfm_segment=segment)
    if value_group:
        contacts = contacts.filter(score__value_quadrant=value_group)
    if grid_cell:
        contacts = contacts.filter(score__grid_cell=grid_cell)
    if q:
        contacts = contacts.filter(pk__in=contact_search_ids(user, q, limit=200))
    if owner_id:
        contacts = contacts.filter(owner_id=owner_id)
    if tag:
        contacts = contacts.filter(tags__name=tag)
    if province:
        contacts = contacts.filter(province=province)
    if account_id:
        contacts = contacts.filter(account_id=account_id)
    if updated_since:
        contacts = contacts.filter(updated_at__gte=updated_since)
    return with_contact_details(contacts, user)


def account_list(
    user: Any,
    *,
    q: str = "",
    owner_id: int | None = None,
    tag: str = "",
    province: str = "",
    updated_since: datetime.datetime | None = None,
    deleted: bool = False,
    scope: str = "",
    custom: dict[str, str] | None = None,
) -> QuerySet[Account]:
    accounts = _in_scope(accounts_visible_to(user, deleted=deleted), user, scope)
    accounts = filter_by_custom(accounts, user.org_id, custom or {})
    if q:
        accounts = accounts.filter(pk__in=account_search_ids(user, q, limit=200))
    if owner_id:
        accounts = accounts.filter(owner_id=owner_id)
    if tag:
        accounts = accounts.filter(tags__name=tag)
    if province:
        accounts = accounts.filter(province=province)
    if updated_since:
        accounts = accounts.filter(updated_at__gte=updated_since)
    return accounts.select_related("owner").prefetch_related("tags")


def waiting_in_pool(user: Any, *, phones: list[str], emails: list[str]) -> bool:
    """Whether a customer withheld in the sales pool has one of these phones or e-mails: the
    form says so (nothing more about it), so that a rep claims it rather than entering the
    customer again to dodge the pool."""
    if not phones and not emails:
        return False
    pooled = Contact.objects.filter(
        org_id=user.org_id, pooled_at__isnull=False, deleted_at__isnull=True
    )
    return pooled.filter(Q(phones__number__in=phones) | Q(emails__email__in=emails)).exists()


def contact_duplicates(
    user: Any,
    *,
    phones: list[str],
    emails: list[str],
    name: str = "",
    account_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Contact]:
    """Existing contacts the duplicate scorer finds like the typed values (``duplicate_warning``),
    among those the user may see."""
    company: str | None = ""
    if account_id:
        company = Account.objects.filter(pk=account_id).values_list("name", flat=True).first()
    return contacts_like(
        contacts_visible_to(user),
        name=name,
        phones=phones,
        emails=emails,
        company=company or "",
        exclude_id=exclude_id,
    )


def account_duplicates(user: Any, *, name: str, exclude_id: int | None = None) -> list[Account]:
    return accounts_like(accounts_visible_to(user), name=name, exclude_id=exclude_id)


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    """Activities about customers ``user`` may see, each knowing whether its account is visible
    (a note on a visible contact must not name the contact's invisible company)."""
    visible_contacts = contacts_visible_to(user).values("pk")
    visible_accounts = accounts_visible_to(user)
    return (
        Activity.objects.filter(deleted_at__isnull=True)
        .filter(
            Q(contact_id__in=visible_contacts)
            | Q(contact__isnull=True, account_id__in=visible_accounts.values("pk"))
        )
        .annotate(account_visible=Exists(visible_accounts.filter(pk=OuterRef("account_id"))))
    )


def open_tasks_for(user: Any, *, due_before: datetime.datetime | None = None) -> QuerySet[Activity]:
    """The user's open tasks on customers they can see (a task does not widen visibility)."""
    tasks = activities_visible_to(user).filter(
        assignee=user, kind=ActivityKind.TASK, done_at__isnull=True
    )
    if due_before is not None:
        tasks = tasks.filter(Q(due_at__lt=due_before) | Q(due_at__isnull=True))
    return tasks.select_related("contact", "account").order_by("due_at", "pk")


def _activities_of_customer(user: Any, record: Contact | Account) -> QuerySet[Activity]:
    """A customer's activities that ``user`` may see: on a company page, each note or task about
    one of its people shows only when that person is visible too."""
    if isinstance(record, Contact):
        return Activity.objects.filter(contact=record, deleted_at__isnull=True)
    return Activity.objects.filter(account=record, deleted_at__isnull=True).filter(
        Q(contact__isnull=True) | Q(contact_id__in=contacts_visible_to(user).values("pk"))
    )


def open_tasks_of_customer(user: Any, record: Contact | Account) -> QuerySet[Activity]:
    return (
        _activities_of_customer(user, record)
        .filter(kind=ActivityKind.TASK, done_at__isnull=True)
        .select_related("assignee", "contact")
        .order_by("due_at", "pk")
    )


def recent_customers(user: Any, *, limit: int = 8) -> list[Contact]:
    return list(
        with_contact_details(contacts_visible_to(user), user).order_by("-updated_at")[:limit]
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    activity: Activity | None = None
    event: AuditEvent | None = None

    @property
    def cursor(self) -> str:
        return self.at.isoformat()


def timeline(
    user: Any,
    record: Contact | Account,
    *,
    before: datetime.datetime | None = None,
    limit: int = 20,
) -> tuple[list[TimelineEntry], datetime.datetime | None]:
    """Activities and the record's own audit events, newest first; returns the next cursor."""
    before = before or timezone.now() + datetime.timedelta(seconds=1)
    activities = list(
        _activities_of_customer(user, record)
        .filter(occurred_at__lt=before)
        .select_related("created_by", "assignee", "contact")
        .order_by("-occurred_at", "-pk")[: limit + 1]
    )
    events = list(
        AuditEvent.objects.filter(
            subject_type=record._meta.label_lower,
            subject_id=record.pk,
            created_at__lt=before,
        )
        .exclude(target_type=Activity._meta.label_lower)
        .exclude(hidden_targets(user))
        .select_related("actor")
        .order_by("-created_at", "-pk")[: limit + 1]
    )
    entries = [TimelineEntry(at=a.occurred_at, activity=a) for a in activities]
    entries += [TimelineEntry(at=e.created_at, event=e) for e in events]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    has_more = len(entries) > limit
    entries = entries[:limit]
    return entries, (entries[-1].at if has_more and entries else None)


def contact_ids_by_external_id(user: Any, external_ids: list[str]) -> dict[str, int | None]:
    """The contact holding each external id; ``None`` when ``user`` may not see it.

    An external id is unique in the organisation, so one held by a contact the importing user
    cannot see must neither be linked to (that would reveal and change another team's customer)
    nor be created again (the unique constraint refuses it): the caller refuses such rows.
    Deleted contacts the user sees still match, as before, so a restore brings their orders back.
    """
    rows = Contact.objects.filter(org_id=user.org_id, external_id__in=external_ids)
    visible = set(rows.filter(visible_filter(user, Contact)).values_list("pk", flat=True))
    return {
        external_id: pk if pk in visible else None
        for external_id, pk in rows.values_list("external_id", "pk")
    }


def _unlinked_contact_ids(model: Any, field: str, user: Any, values: list[str]) -> dict[str, int]:
    """The oldest live contact ``user`` may change, not yet linked to a shop customer, holding
    each value (linking writes the shop's id onto the contact: a read-only share is not enough)."""
    candidates = Contact.objects.filter(
        editable_filter(user, Contact), deleted_at__isnull=True, external_id=""
    )
    rows = model.objects.filter(
        contact__in=candidates.values("pk"), **{f"{field}__in": values}
    ).order_by("-contact_id")
    return dict(rows.values_list(field, "contact_id"))


def contact_ids_by_phone(user: Any, numbers: list[str]) -> dict[str, int]:
    return _unlinked_contact_ids(ContactPhone, "number", user, numbers)


def contact_ids_by_email(user: Any, emails: list[str]) -> dict[str, int]:
    return _unlinked_contact_ids(ContactEmail, "email", user, emails)


def _ids_where(model: Any, condition: Q, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(model.objects.filter(condition, pk__in=ids).values_list("pk", flat=True))


def visible_contact_ids(user: Any, ids: set[int]) -> set[int]:
    """Which of these contacts (deleted ones included) ``user`` may see."""
    return _ids_where(Contact, visible_filter(user, Contact), ids)


def visible_account_ids(user: Any, ids: set[int]) -> set[int]:
    """Which of these accounts (deleted ones included) ``user`` may see."""
    return _ids_where(Account, visible_filter(user, Account), ids)


def _ids_by_identifier(
    user: Any, field_ids: list[int], values: list[str], model: Any
) -> dict[tuple[int, str], int | None]:
    if not field_ids or not values:
        return {}
    holder = "contact_id" if model is Contact else "account_id"
    rows = list(
        CustomIdentifier.objects.filter(
            field_id__in=field_ids, field__org_id=user.org_id, value__in=values
        ).values_list("field_id", "value", holder)
    )
    held = {row[2] for row in rows if row[2] is not None}
    visible = _ids_where(model, visible_filter(user, model), held)
    return {(field_id, value): pk if pk in visible else None for field_id, value, pk in rows}


def contact_ids_by_identifier(
    user: Any, field_ids: list[int], values: list[str]
) -> dict[tuple[int, str], int | None]:
    """The contact holding each identifier value (会员号, 身份证号), ``None`` when ``user`` may not
    see it: identifier values are unique per organisation, like external ids, so the caller
    refuses such rows rather than linking to or duplicating a hidden customer."""
    return _ids_by_identifier(user, field_ids, values, Contact)


def account_ids_by_identifier(
    user: Any, field_ids: list[int], values: list[str]
) -> dict[tuple[int, str], int | None]:
    """The account holding each identifier value (统一社会信用代码 ...), as for contacts."""
    return _ids_by_identifier(user, field_ids, values, Account)


def _visible_holders(model: Any, field: str, user: Any, values: list[str]) -> dict[str, int]:
    """The oldest live contact ``user`` may see holding each value; invisible holders do not
    exist for the caller (a phone or e-mail is not unique, so it is simply no match).

    Two indexed queries — holders by value, then which of them are visible — rather than one
    join, which lets the planner walk every contact of the organisation (seconds at a million).
    """
    if not values:
        return {}
    rows = list(model.objects.filter(**{f"{field}__in": values}).values_list(field, "contact_id"))
    candidates = {contact_id for _value, contact_id in rows}
    visible = set(contacts_visible_to(user).filter(pk__in=candidates).values_list("pk", flat=True))
    found: dict[str, int] = {}
    for value, contact_id in rows:
        if contact_id in visible and contact_id < found.get(value, contact_id + 1):
            found[value] = contact_id
    return found


def visible_contact_ids_by_phone(user: Any, numbers: list[str]) -> dict[str, int]:
    return _visible_holders(ContactPhone, "number", user, numbers)


def visible_contact_ids_by_email(user: Any, emails: list[str]) -> dict[str, int]:
    return _visible_holders(ContactEmail, "email", user, emails)


def editable_contact_ids(user: Any, ids: set[int]) -> set[int]:
    """Which of these contacts ``user`` may change (a read-only share is not enough)."""
    return _ids_where(Contact, editable_filter(user, Contact), ids)


def editable_account_ids(user: Any, ids: set[int]) -> set[int]:
    """Which of these accounts ``user`` may change (a read-only share is not enough)."""
    return _ids_where(Account, editable_filter(user, Account), ids)


def account_ids_by_name(user: Any, names: list[str]) -> dict[str, int]:
    """The oldest live account ``user`` may see with exactly each name, as the contact form links
    a company typed by name; an account the user cannot see is never found."""
    if not names:
        return {}
    rows = accounts_visible_to(user).filter(name__in=names).order_by("-pk")
    return dict(rows.values_list("name", "pk"))
