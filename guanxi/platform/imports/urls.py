from django.urls import path

from guanxi.platform.views import import_batches, imports

urlpatterns = [
    path("imports/", imports.import_home_view, name="import-home"),
    path("imports/new/<slug:kind>/", imports.import_upload_view, name="import-upload"),
    path("imports/new/<slug:kind>/<uuid:token>/", imports.import_map_view, name="import-map"),
    path("imports/<uuid:public_id>/", import_batches.import_batch_view, name="import-batch"),
    path(
        "imports/<uuid:public_id>/status/",
        import_batches.import_batch_status_view,
        name="import-batch-status",
    ),
    path(
        "imports/<uuid:public_id>/cancel/",
        import_batches.import_cancel_view,
        name="import-cancel",
    ),
    path(
        "imports/<uuid:public_id>/resume/",
        import_batches.import_resume_view,
        name="import-resume",
    ),
    path(
        "imports/<uuid:public_id>/import/",
        import_batches.import_for_real_view,
        name="import-for-real",
    ),
    path("imports/<uuid:public_id>/undo/", import_batches.import_undo_view, name="import-undo"),
    path(
        "imports/<uuid:public_id>/errors.csv",
        import_batches.import_errors_view,
        name="import-errors",
    ),
]
