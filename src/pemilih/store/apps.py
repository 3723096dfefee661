"""The Django application that holds pemilih's store (label `store`)."""
from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "pemilih.store"
    label = "store"
    verbose_name = "Penyimpanan pemilih"
    default_auto_field = "django.db.models.BigAutoField"
