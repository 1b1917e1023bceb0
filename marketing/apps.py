from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        from core import extensions
        from marketing.errors import ErrorCode

        extensions.register_error_codes(ErrorCode)
        from marketing import actions

        actions.register()
