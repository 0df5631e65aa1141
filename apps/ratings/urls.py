from django.urls import path

from apps.ratings import views

urlpatterns = [
    path("schemes/", views.SchemeList.as_view(), name="scheme_list"),
    path("schemes/new/", views.SchemeCreate.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/example-sheet/", views.scheme_example_sheet, name="scheme_example_sheet"),
    path("schemes/<int:pk>/sheet/", views.scheme_sheet_download, name="scheme_sheet"),
    path("schemes/<int:pk>/version/", views.SchemeVersion.as_view(), name="scheme_version"),
    path("rounds/", views.RoundList.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreate.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/finalize/", views.round_finalize, name="round_finalize"),
    path("rounds/<int:pk>/export/", views.round_export, name="round_export"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/selfassess/", views.entry_self_assess, name="entry_self_assess"),
    path("entries/<int:pk>/review/", views.entry_review, name="entry_review"),
    path("entries/<int:pk>/approve/", views.entry_approve, name="entry_approve"),
    path("entries/<int:pk>/object/", views.entry_object, name="entry_object"),
    path("entries/<int:pk>/revoke/", views.entry_revoke, name="entry_revoke"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("history/org/<int:pk>/", views.org_history, name="org_rating_history"),
    path("history/compound/<int:pk>/", views.compound_history, name="compound_rating_history"),
    path("surveys/", views.CampaignList.as_view(), name="survey_campaign_list"),
    path("surveys/<int:pk>/", views.survey_campaign_detail, name="survey_campaign_detail"),
    path("surveys/<int:pk>/qr/<int:compound_pk>.svg", views.campaign_qr, name="campaign_qr"),
    path("s/<str:token>/<int:compound_pk>/", views.survey_answer, name="survey_answer"),
]
