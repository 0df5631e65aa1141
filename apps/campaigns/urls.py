from django.urls import path

from apps.campaigns import views

urlpatterns = [
    path("", views.overview, name="campaign_overview"),
    path("list/", views.CampaignList.as_view(), name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/inspect/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("projects/", views.ProjectList.as_view(), name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/subitems/new/", views.subitem_create, name="subitem_create"),
    path("subitems/<int:pk>/progress/", views.subitem_progress, name="subitem_progress"),
    path("subitems/<int:pk>/accept/", views.subitem_accept, name="subitem_accept"),
    path("photos/<int:pk>/", views.photo, name="campaign_photo"),
    path("meetings/", views.MeetingList.as_view(), name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_create, name="agenda_create"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("meetings/<int:pk>/export.docx", views.meeting_export, name="meeting_export"),
    path("decisions/", views.DecisionList.as_view(), name="decision_list"),
    path("decisions/<int:pk>/close/", views.decision_close, name="decision_close"),
    path("orders/<int:pk>/lift/", views.order_lift, name="order_lift"),
]
