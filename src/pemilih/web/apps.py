from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pemilih.web"
    label = "web"
    verbose_name = "Aplikasi web pemilih"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A login lock (django-axes) is recorded with the accounts' other events (web/gate.py).
        from axes.signals import user_locked_out

        from pemilih.web import gate
        user_locked_out.connect(gate.record_lockout, dispatch_uid="pemilih-lockout")
