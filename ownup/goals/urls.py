from django.urls import path

from . import views

urlpatterns = [
    path("clients/<uuid:client_id>/goals/", views.client_goals, name="client_goals"),
    path("clients/<uuid:client_id>/goals/new/", views.goal_create, name="goal_create"),
    path("clients/<uuid:client_id>/work/new/", views.work_item_create, name="work_item_create"),
    path("clients/<uuid:client_id>/advice/new/", views.advice_create, name="advice_create"),
    path("clients/<uuid:client_id>/concerns/new/", views.concern_create, name="concern_create"),
    path("clients/<uuid:client_id>/agenda/", views.agenda, name="client_agenda"),
    path("clients/<uuid:client_id>/agenda/regenerate/", views.agenda_regenerate,
         name="client_agenda_regenerate"),
    path("clients/<uuid:client_id>/agenda.txt", views.agenda_text, name="client_agenda_text"),
    path("clients/<uuid:client_id>/agenda.pdf", views.agenda_pdf, name="client_agenda_pdf"),
    path("goals/<uuid:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<uuid:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("work/<uuid:item_id>/", views.work_item_detail, name="work_item_detail"),
    path("work/<uuid:item_id>/edit/", views.work_item_edit, name="work_item_edit"),
    path("work/<uuid:pk>/delete/", views.work_item_delete, name="work_item_delete"),
    path("work/<uuid:item_id>/deliverables/", views.deliverable_add, name="deliverable_add"),
    path("deliverables/<uuid:deliverable_id>/edit/", views.deliverable_edit,
         name="deliverable_edit"),
    path("deliverables/<uuid:deliverable_id>/done/", views.deliverable_done,
         name="deliverable_done"),
    path("deliverables/<uuid:pk>/delete/", views.deliverable_delete, name="deliverable_delete"),
    path("advice/<uuid:entry_id>/edit/", views.advice_edit, name="advice_edit"),
    path("advice/<uuid:pk>/delete/", views.advice_delete, name="advice_delete"),
    path("concerns/<uuid:concern_id>/edit/", views.concern_edit, name="concern_edit"),
    path("concerns/<uuid:concern_id>/status/", views.concern_status, name="concern_status"),
    path("concerns/<uuid:pk>/delete/", views.concern_delete, name="concern_delete"),
    path("concerns/check/", views.suggestion_check, name="concern_suggestion_check"),
]
