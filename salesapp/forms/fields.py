"""Filter choices the sales lists share."""

from django.utils.translation import gettext_lazy as _

YES_NO_ALL = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)
