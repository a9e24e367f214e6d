from django.urls import include, path

from guanxi.platform.api import api
from guanxi.platform.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("guanxi.platform.urls")),
    path("", include("guanxi.customers.urls")),
    path("", include("guanxi.commerce.urls")),
    path("", include("guanxi.workspace.urls")),
]
