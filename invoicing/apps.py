from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from core.events import event_types_register
        from invoicing.events import EVENT_TYPES

        event_types_register(EVENT_TYPES)
        from core import db_roles, extensions
        from invoicing.errors import ErrorCode
        from invoicing.models import JournalEntry, JournalLine

        # The ledger is append-only for the application role: posted entries are corrected by new ones.
        db_roles.append_only(JournalEntry, JournalLine)

        extensions.register_error_codes(ErrorCode)
        from invoicing import actions, contributions, free_text_actions

        actions.register()
        free_text_actions.register()
        contributions.register()
