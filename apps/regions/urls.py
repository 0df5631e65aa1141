from django.urls import path

from apps.regions import views

urlpatterns = [
    path("", views.RegionList.as_view(), name="region_list"),
    path("<str:pk>/", views.RegionDetail.as_view(), name="region_detail"),
]
