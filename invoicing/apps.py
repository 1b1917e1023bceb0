from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from core import extensions
        from invoicing.errors import ErrorCode

        extensions.register_error_codes(ErrorCode)
        from invoicing import actions, contributions

        actions.register()
        contributions.register()
