from __future__ import annotations

from django.urls import include, path

from careplans import due_views, views

app_name = "careplans"

urlpatterns = [
    path("reviews/", views.reviews_overdue, name="reviews-due"),
    path("due/", due_views.due_card, name="due-card"),
    path("clients/<int:client_pk>/summary/", views.client_summary, name="client-summary"),
    path("clients/<int:client_pk>/plan/", views.client_plan, name="client-plan"),
    path("plans/<int:plan_pk>/", views.careplan_detail, name="careplan-detail"),
    path("plans/<int:plan_pk>/edit/", views.careplan_update, name="careplan-update"),
    path("plans/<int:plan_pk>/advance/", views.advance_update, name="advance-update"),
    path("plans/<int:plan_pk>/goals/new/", views.goal_edit, name="goal-create"),
    path("plans/<int:plan_pk>/goals/<int:goal_pk>/edit/", views.goal_edit, name="goal-update"),
    path(
        "plans/<int:plan_pk>/goals/<int:goal_pk>/actions/new/",
        views.action_create,
        name="action-create",
    ),
    path("plans/<int:plan_pk>/actions/<int:pk>/edit/", views.action_update, name="action-update"),
    path("plans/<int:plan_pk>/actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("plans/<int:plan_pk>/sign/", views.careplan_sign, name="careplan-sign"),
    path("plans/<int:plan_pk>/response/", views.response_create, name="response-create"),
    path("plans/<int:plan_pk>/comments/new/", views.comment_create, name="comment-create"),
    path("plans/<int:plan_pk>/reviews/new/", views.review_create, name="review-create"),
    path("plans/<int:plan_pk>/history/", views.careplan_history, name="careplan-history"),
    path("plans/<int:plan_pk>/easy-read/", views.easyread, name="careplan-easyread"),
    path("plans/<int:plan_pk>/easy-read.pdf", views.easyread_pdf, name="careplan-easyread-pdf"),
    path("plans/<int:plan_pk>/crisis-sheet/", views.crisis_sheet, name="crisis-sheet"),
    path("", include("careplans.assessments.urls")),
]
