from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pemilih.web"
    label = "web"
    verbose_name = "Aplikasi web pemilih"
    default_auto_field = "django.db.models.BigAutoField"
