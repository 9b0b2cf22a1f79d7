from django.urls import path

from . import views

urlpatterns = [
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_new, name="policy_new"),
    path("policies/import/", views.policy_import, name="policy_import"),
    path("policies/preview/", views.policy_preview, name="policy_preview"),
    path("policies/<uuid:policy_id>/", views.policy_detail, name="policy_detail"),
    path("policies/<uuid:policy_id>/export/", views.policy_export, name="policy_export"),
    path("policies/<uuid:policy_id>/delete/", views.policy_delete, name="policy_delete"),
    path("policies/<uuid:policy_id>/default/", views.policy_default, name="policy_default"),
    path("policies/<uuid:policy_id>/assign/", views.policy_assign, name="policy_assign"),
    path("policies/<uuid:policy_id>/agreement/", views.policy_agreement,
         name="policy_agreement"),
    path("clients/<uuid:client_id>/agreement/", views.client_agreement, name="client_agreement"),
    path("clients/<uuid:client_id>/policy/", views.client_policy_assign,
         name="client_policy_assign"),
]
