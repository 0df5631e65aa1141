from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.registry.views import buildings, companies, compounds, departments, owners

urlpatterns = [
    path("compounds/", compounds.CompoundList.as_view(), name="compound_list"),
    path("compounds/new/", compounds.CompoundCreate.as_view(), name="compound_create"),
    path(
        "compounds/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["compounds"])),
        name="compound_import",
    ),
    path("compounds/<int:pk>/", compounds.CompoundDetail.as_view(), name="compound_detail"),
    path("compounds/<int:pk>/edit/", compounds.CompoundUpdate.as_view(), name="compound_update"),
    path("compounds/<int:pk>/delete/", compounds.CompoundDelete.as_view(), name="compound_delete"),
    path("buildings/new/", buildings.BuildingCreate.as_view(), name="building_create"),
    path("buildings/<int:pk>/", buildings.BuildingDetail.as_view(), name="building_detail"),
    path("buildings/<int:pk>/edit/", buildings.BuildingUpdate.as_view(), name="building_update"),
    path("buildings/<int:pk>/delete/", buildings.BuildingDelete.as_view(), name="building_delete"),
    path("units/new/", buildings.UnitCreate.as_view(), name="unit_create"),
    path("units/<int:pk>/", buildings.UnitDetail.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", buildings.UnitUpdate.as_view(), name="unit_update"),
    path("units/<int:pk>/delete/", buildings.UnitDelete.as_view(), name="unit_delete"),
    path("owners/", owners.OwnerList.as_view(), name="owner_list"),
    path("owners/new/", owners.OwnerCreate.as_view(), name="owner_create"),
    path(
        "owners/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["units"])),
        name="owner_import",
    ),
    path("owners/<int:pk>/", owners.OwnerDetail.as_view(), name="owner_detail"),
    path("owners/<int:pk>/edit/", owners.OwnerUpdate.as_view(), name="owner_update"),
    path("owners/<int:pk>/delete/", owners.OwnerDelete.as_view(), name="owner_delete"),
    path("owners/<int:pk>/reveal/", owners.owner_reveal, name="owner_reveal"),
    path("owners/<int:pk>/units/", owners.OwnerLinkUnit.as_view(), name="owner_link_unit"),
    path("companies/", companies.CompanyList.as_view(), name="company_list"),
    path("companies/new/", companies.CompanyCreate.as_view(), name="company_create"),
    path(
        "companies/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["companies"])),
        name="company_import",
    ),
    path("companies/<int:pk>/", companies.CompanyDetail.as_view(), name="company_detail"),
    path("companies/<int:pk>/edit/", companies.CompanyUpdate.as_view(), name="company_update"),
    path("companies/<int:pk>/delete/", companies.CompanyDelete.as_view(), name="company_delete"),
    path("departments/", departments.DepartmentList.as_view(), name="department_list"),
    path("departments/new/", departments.DepartmentCreate.as_view(), name="department_create"),
    path("departments/<int:pk>/", departments.DepartmentDetail.as_view(), name="department_detail"),
    path("departments/<int:pk>/edit/", departments.DepartmentUpdate.as_view(), name="department_update"),
    path("departments/<int:pk>/delete/", departments.DepartmentDelete.as_view(), name="department_delete"),
]
