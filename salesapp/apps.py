from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesappConfig(AppConfig):
    name = "salesapp"
    verbose_name = _("Sales")

    def ready(self):
        from salesapp import contributions

        contributions.register()
