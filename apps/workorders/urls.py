from django.urls import path

from apps.workorders.views import categories, intake, orders, workbench

urlpatterns = [
    path("", workbench.WorkOrderWorkbench.as_view(), name="workorder_list"),
    path("bulk/", workbench.workorder_bulk, name="workorder_bulk"),
    path("new/", intake.WorkOrderSubmit.as_view(), name="workorder_submit"),
    path("new/places/", intake.workorder_places, name="workorder_places"),
    path("new/compounds/", intake.workorder_compound_options, name="workorder_compound_options"),
    path("mine/", intake.workorder_mine, name="workorder_mine"),
    path("track/", intake.workorder_track, name="workorder_track"),
    path("<int:pk>/", orders.workorder_detail, name="workorder_detail"),
    path("<int:pk>/submitted/", intake.workorder_submitted, name="workorder_submitted"),
    path("<int:pk>/reporter/", orders.workorder_reporter, name="workorder_reporter"),
    path("<int:pk>/<slug:verb>/", orders.workorder_action, name="workorder_action"),
    path("photos/<int:pk>/", orders.workorder_photo, name="workorder_photo"),
    path("categories/", categories.category_list, name="category_list"),
    path("categories/<int:pk>/", categories.category_detail, name="category_detail"),
    path("categories/<int:pk>/edit/", categories.CategoryUpdate.as_view(), name="category_update"),
    path(
        "categories/<int:category_pk>/limits/new/",
        categories.CategoryLimitCreate.as_view(),
        name="category_limit_create",
    ),
    path("limits/<int:pk>/edit/", categories.CategoryLimitUpdate.as_view(), name="category_limit_update"),
    path("limits/<int:pk>/delete/", categories.CategoryLimitDelete.as_view(), name="category_limit_delete"),
]
