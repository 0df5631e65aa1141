from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.regions import views

urlpatterns = [
    path("", views.RegionList.as_view(), name="region_list"),
    path(
        "import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["regions"])),
        name="region_import",
    ),
    path("<str:pk>/", views.RegionDetail.as_view(), name="region_detail"),
]
