from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


class Language(models.TextChoices):
    EN = "en", _("English")
    NL = "nl", _("Dutch")
    SV = "sv", _("Swedish")
