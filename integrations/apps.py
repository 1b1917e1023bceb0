from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from core import extensions
        from integrations.errors import ErrorCode

        extensions.register_error_codes(ErrorCode)
