from django.urls import path

from apps.workdays import views

urlpatterns = [
    path("", views.CalendarPage.as_view(), name="workday_calendar"),
    path("notice/", views.NoticeEnterPage.as_view(), name="workday_notice_enter"),
]
