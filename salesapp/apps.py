from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesappConfig(AppConfig):
    name = "salesapp"
    verbose_name = _("Sales")

    def ready(self):
        from core.events import event_types_register
        from salesapp.events import EVENT_TYPES

        event_types_register(EVENT_TYPES)
        from core import extensions
        from salesapp.errors import ErrorCode

        extensions.register_error_codes(ErrorCode)
        from salesapp import actions, contributions

        actions.register()
        contributions.register()
