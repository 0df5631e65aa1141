from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.programs import views

urlpatterns = [
    path("", views.overview, name="programs_overview"),
    path("arrangements/", views.ArrangementList.as_view(), name="arrangement_list"),
    path("arrangements/new/", views.ArrangementCreate.as_view(), name="arrangement_create"),
    path(  # the list's 批量导入 button: the ledger import (apps/imports)
        "arrangements/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["arrangements"])),
        name="arrangement_import",
    ),
    path("arrangements/<int:pk>/", views.ArrangementDetail.as_view(), name="arrangement_detail"),
    path(
        "arrangements/<int:pk>/collections/new/", views.CollectionCreate.as_view(), name="collection_create"
    ),
    path("compounds/<int:pk>/", views.CompoundHistory.as_view(), name="compound_arrangements"),
    path("fallback/", views.FallbackList.as_view(), name="fallback_list"),
    path("fallback/new/", views.FallbackAssign.as_view(), name="fallback_assign"),
    path("fallback/<int:pk>/", views.FallbackDetail.as_view(), name="fallback_detail"),
    path("fallback/<int:pk>/inspect/", views.InspectionCreate.as_view(), name="fallback_inspection_create"),
    path("pairings/", views.PairingList.as_view(), name="pairing_list"),
    path("pairings/<int:pk>/", views.PairingDetail.as_view(), name="pairing_detail"),
    path("pairings/<int:pk>/sign/", views.pairing_sign, name="pairing_sign"),
    path("pairings/<int:pk>/outcome/", views.pairing_outcome, name="pairing_outcome"),
    path("planner/", views.planner_view, name="pairing_planner"),
    path("planner/capacities/", views.planner_capacities_view, name="planner_capacities"),
    path("subsidies/", views.SubsidyList.as_view(), name="subsidy_list"),
    path("subsidies/new/", views.SubsidyApply.as_view(), name="subsidy_apply"),
    path("subsidies/<int:pk>/", views.SubsidyDetail.as_view(), name="subsidy_detail"),
    path("subsidies/<int:pk>/approve/", views.subsidy_approve, name="subsidy_approve"),
    path("subsidies/<int:pk>/refuse/", views.subsidy_refuse, name="subsidy_refuse"),
    path("subsidies/<int:pk>/disburse/", views.subsidy_disburse, name="subsidy_disburse"),
]
