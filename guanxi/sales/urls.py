from django.urls import path

from guanxi.sales.views.board import opportunity_board_view, opportunity_move_view
from guanxi.sales.views.deals import opportunity_detail_view, opportunity_people_view
from guanxi.sales.views.forecast import channel_report_view, forecast_view
from guanxi.sales.views.leads import (
    lead_calibration_view,
    lead_claim_view,
    lead_convert_view,
    lead_detail_view,
    lead_list_view,
    lead_lock_view,
    lead_release_view,
    lead_status_view,
    today_view,
)
from guanxi.sales.views.performance import performance_view
from guanxi.sales.views.pool import (
    pool_claim_view,
    pool_list_view,
    pool_lock_view,
    pool_release_view,
)
from guanxi.sales.views.public_form import lead_form_page
from guanxi.sales.views.quotes import (
    quote_action_view,
    quote_detail_view,
    quote_list_view,
    quote_new_view,
    quote_pdf_view,
)
from guanxi.sales.views.visits import visit_list_view, visit_new_view, visit_photo_view

urlpatterns = [
    path("f/<slug:slug>/", lead_form_page, name="lead-form-page"),
    path("today/", today_view, name="sales-today"),
    path("leads/", lead_list_view, name="lead-list"),
    path("leads/calibration/", lead_calibration_view, name="lead-calibration"),
    path("leads/<uuid:public_id>/", lead_detail_view, name="lead-detail"),
    path("leads/<uuid:public_id>/status/", lead_status_view, name="lead-status"),
    path("leads/<uuid:public_id>/convert/", lead_convert_view, name="lead-convert"),
    path("leads/<uuid:public_id>/claim/", lead_claim_view, name="lead-claim"),
    path("leads/<uuid:public_id>/release/", lead_release_view, name="lead-release"),
    path("leads/<uuid:public_id>/lock/", lead_lock_view, name="lead-lock"),
    path("pool/", pool_list_view, name="pool-list"),
    path("pool/<str:kind>/<uuid:public_id>/claim/", pool_claim_view, name="pool-claim"),
    path("pool/<str:kind>/<uuid:public_id>/release/", pool_release_view, name="pool-release"),
    path("pool/<str:kind>/<uuid:public_id>/lock/", pool_lock_view, name="pool-lock"),
    path("opportunities/", opportunity_board_view, name="opportunity-board"),
    path("forecast/", forecast_view, name="forecast"),
    path("performance/", performance_view, name="rep-performance"),
    path("visits/", visit_list_view, name="visit-list"),
    path("visits/new/", visit_new_view, name="visit-new"),
    path("visits/<uuid:public_id>/photo/", visit_photo_view, name="visit-photo"),
    path("channels/", channel_report_view, name="channel-report"),
    path("quotes/", quote_list_view, name="quote-list"),
    path("quotes/new/", quote_new_view, name="quote-new"),
    path("quotes/<uuid:public_id>/", quote_detail_view, name="quote-detail"),
    path("quotes/<uuid:public_id>/pdf/", quote_pdf_view, name="quote-pdf"),
    path("quotes/<uuid:public_id>/<slug:action>/", quote_action_view, name="quote-action"),
    path("opportunities/<uuid:public_id>/", opportunity_detail_view, name="opportunity-detail"),
    path(
        "opportunities/<uuid:public_id>/people/",
        opportunity_people_view,
        name="opportunity-people",
    ),
    path("opportunities/<uuid:public_id>/move/", opportunity_move_view, name="opportunity-move"),
]
