from django.urls import path

from guanxi.customers.views.accounts import (
    account_delete_view,
    account_form_view,
    account_list_view,
    account_restore_view,
    account_suggest_view,
)
from guanxi.customers.views.activities import activity_create_view, activity_done_view
from guanxi.customers.views.contacts import (
    contact_delete_view,
    contact_form_view,
    contact_list_view,
    contact_restore_view,
)
from guanxi.customers.views.custom_fields import (
    custom_field_archive_view,
    custom_field_create_view,
    custom_field_edit_view,
    custom_field_list_view,
    custom_field_restore_view,
)
from guanxi.customers.views.duplicates import (
    duplicate_compare_view,
    duplicate_dismiss_view,
    duplicate_merge_done_view,
    duplicate_merge_undo_view,
    duplicate_merge_view,
    duplicates_list_view,
)
from guanxi.customers.views.exports import account_export_view, contact_export_view
from guanxi.customers.views.regions import region_fields_view
from guanxi.customers.views.sharing import collaborator_remove_view, collaborator_set_view

urlpatterns = [
    path("customers/duplicates/", duplicates_list_view, name="duplicate-list"),
    path(
        "customers/duplicates/<uuid:public_id>/", duplicate_compare_view, name="duplicate-compare"
    ),
    path(
        "customers/duplicates/<uuid:public_id>/merge/",
        duplicate_merge_view,
        name="duplicate-merge",
    ),
    path(
        "customers/duplicates/<uuid:public_id>/dismiss/",
        duplicate_dismiss_view,
        name="duplicate-dismiss",
    ),
    path(
        "customers/duplicates/merges/<uuid:public_id>/",
        duplicate_merge_done_view,
        name="duplicate-merge-done",
    ),
    path(
        "customers/duplicates/merges/<uuid:public_id>/undo/",
        duplicate_merge_undo_view,
        name="duplicate-merge-undo",
    ),
    path("settings/fields/", custom_field_list_view, name="custom-field-list"),
    path("settings/fields/new/", custom_field_create_view, name="custom-field-create"),
    path("settings/fields/<uuid:public_id>/", custom_field_edit_view, name="custom-field-edit"),
    path(
        "settings/fields/<uuid:public_id>/archive/",
        custom_field_archive_view,
        name="custom-field-archive",
    ),
    path(
        "settings/fields/<uuid:public_id>/restore/",
        custom_field_restore_view,
        name="custom-field-restore",
    ),
    path("contacts/", contact_list_view, name="contact-list"),
    path("contacts/new/", contact_form_view, name="contact-create"),
    path("contacts/export/", contact_export_view, name="contact-export"),
    path("contacts/<uuid:public_id>/edit/", contact_form_view, name="contact-edit"),
    path("contacts/<uuid:public_id>/delete/", contact_delete_view, name="contact-delete"),
    path("contacts/<uuid:public_id>/restore/", contact_restore_view, name="contact-restore"),
    path("accounts/", account_list_view, name="account-list"),
    path("accounts/new/", account_form_view, name="account-create"),
    path("accounts/export/", account_export_view, name="account-export"),
    path("accounts/suggest/", account_suggest_view, name="account-suggest"),
    path("regions/", region_fields_view, name="region-fields"),
    path("accounts/<uuid:public_id>/edit/", account_form_view, name="account-edit"),
    path("accounts/<uuid:public_id>/delete/", account_delete_view, name="account-delete"),
    path("accounts/<uuid:public_id>/restore/", account_restore_view, name="account-restore"),
    path(
        "<str:kind>/<uuid:public_id>/activities/",
        activity_create_view,
        name="activity-create",
    ),
    path("activities/<uuid:public_id>/done/", activity_done_view, name="activity-done"),
    path(
        "<str:kind>/<uuid:public_id>/collaborators/",
        collaborator_set_view,
        name="collaborator-set",
    ),
    path(
        "<str:kind>/<uuid:public_id>/collaborators/<str:username>/remove/",
        collaborator_remove_view,
        name="collaborator-remove",
    ),
]
