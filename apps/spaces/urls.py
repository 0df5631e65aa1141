from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from apps.spaces import views

urlpatterns = [
    path("", views.SpaceList.as_view(), name="space_list"),
    path("new/", views.SpaceCreate.as_view(), name="space_create"),
    path(  # the list's 批量导入 button: the ledger import (apps/imports)
        "import/",
        RedirectView.as_view(url=reverse_lazy("import_start", args=["spaces"])),
        name="space_import",
    ),
    path("<int:pk>/", views.SpaceDetail.as_view(), name="space_detail"),
    path("<int:pk>/edit/", views.SpaceUpdate.as_view(), name="space_update"),
    path("<int:pk>/documents/new/", views.DocumentAdd.as_view(owner_kind="space"), name="space_document_add"),
    path("norms/", views.norms_list, name="space_norms"),
    path("compounds/<int:pk>/", views.compound_norms, name="compound_norms"),
    path("recoveries/", views.RecoveryList.as_view(), name="recovery_list"),
    path("recoveries/new/", views.RecoveryCreate.as_view(), name="recovery_create"),
    path("recoveries/totals/", views.recovery_totals, name="recovery_totals"),
    path("recoveries/<int:pk>/", views.RecoveryDetail.as_view(), name="recovery_detail"),
    path("recoveries/<int:pk>/act/", views.RecoveryAct.as_view(), name="recovery_act"),
    path("recoveries/<int:pk>/recover/", views.RecoveryRecover.as_view(), name="recovery_recover"),
    path("recoveries/<int:pk>/hand-over/", views.RecoveryHandOver.as_view(), name="recovery_hand_over"),
    path("recoveries/<int:pk>/convert/", views.RecoveryConvert.as_view(), name="recovery_convert"),
    path(
        "recoveries/<int:pk>/documents/new/",
        views.DocumentAdd.as_view(owner_kind="recovery"),
        name="recovery_document_add",
    ),
    path("centres/", views.CentreList.as_view(), name="centre_list"),
    path("centres/new/", views.CentreCreate.as_view(), name="centre_create"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
    path("centres/<int:pk>/rooms/new/", views.RoomCreate.as_view(), name="room_create"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:pk>/edit/", views.RoomUpdate.as_view(), name="room_update"),
    path("bookings/", views.BookingList.as_view(), name="booking_list"),
    path("bookings/<int:pk>/", views.BookingDetail.as_view(), name="booking_detail"),
    path("bookings/<int:pk>/approve/", views.booking_approve, name="booking_approve"),
    path("bookings/<int:pk>/reject/", views.booking_reject, name="booking_reject"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/check-in/", views.booking_check_in, name="booking_check_in"),
]
