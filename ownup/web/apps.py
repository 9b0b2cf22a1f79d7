from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ownup.web"
    label = "web"
