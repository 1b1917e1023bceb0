from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company, built through the services; installed in local and test settings only."""

    name = "demo"
    verbose_name = _("Demo company")
