from django.urls import path

from . import views

urlpatterns = [
    path("", views.learning_list, name="learnings"),
    path("<uuid:learning_id>/applied/", views.learning_apply, name="learning_apply"),
]
