from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.party import views

urlpatterns = [
    path("orgs/", views.PartyOrgList.as_view(), name="partyorg_list"),
    path(
        "orgs/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["partyorgs"])),
        name="partyorg_import",
    ),
    path("orgs/new/", views.PartyOrgCreate.as_view(), name="partyorg_create"),
    path("orgs/<int:pk>/", views.PartyOrgDetail.as_view(), name="partyorg_detail"),
    path("orgs/<int:pk>/edit/", views.PartyOrgUpdate.as_view(), name="partyorg_update"),
    path("orgs/<int:pk>/delete/", views.PartyOrgDelete.as_view(), name="partyorg_delete"),
    path("ratings/new/", views.RatingCreate.as_view(), name="rating_create"),
    path("instructors/", views.InstructorList.as_view(), name="instructor_list"),
    path(
        "instructors/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["instructors"])),
        name="instructor_import",
    ),
    path("instructors/new/", views.InstructorCreate.as_view(), name="instructor_create"),
    path("instructors/<int:pk>/", views.InstructorDetail.as_view(), name="instructor_detail"),
    path("instructors/<int:pk>/edit/", views.InstructorUpdate.as_view(), name="instructor_update"),
    path("secretaries/", views.SecretaryList.as_view(), name="secretary_list"),
    path(
        "secretaries/import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["secretaries"])),
        name="secretary_import",
    ),
    path("secretaries/new/", views.SecretaryCreate.as_view(), name="secretary_create"),
    path("secretaries/<int:pk>/", views.SecretaryDetail.as_view(), name="secretary_detail"),
    path("secretaries/<int:pk>/edit/", views.SecretaryUpdate.as_view(), name="secretary_update"),
    path("secretaries/<int:pk>/delete/", views.SecretaryDelete.as_view(), name="secretary_delete"),
]
