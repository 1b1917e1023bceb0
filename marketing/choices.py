from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


class Language(models.TextChoices):
    EN = "en", _("English")
    NL = "nl", _("Dutch")
    SV = "sv", _("Swedish")


class AddressPurpose(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    DELIVERY = "delivery", _("Delivery")
    VISIT = "visit", _("Visit")


class RelationshipStage(models.TextChoices):
    """Where a party stands in the flow of the reference article, derived from what hangs on it."""

    PROSPECT = "prospect", _("Prospect")
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CUSTOMER = "customer", _("Customer")


class LeadSource(models.TextChoices):
    TRADE_SHOW = "trade_show", _("Trade show")
    CAMPAIGN = "campaign", _("Campaign")
    WEB = "web", _("Web")
    REFERRAL = "referral", _("Referral")
    IMPORT = "import", _("Import")


class LeadState(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


class OpportunityState(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class CampaignType(models.TextChoices):
    TELEMARKETING = "telemarketing", _("Telemarketing")
    MAILING = "mailing", _("Mailing")
    EMAIL = "email", _("Email")


class CampaignState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELED = "canceled", _("Canceled")


class TargetSource(models.TextChoices):
    """What the target was selected as: the reference article's prospects, leads, opportunities, customers."""

    PROSPECT = "prospect", _("Prospect")
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CUSTOMER = "customer", _("Customer")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("Not contacted")
    CONTACTED = "contacted", _("Contacted")
    RESPONDED = "responded", _("Responded")
    EXCLUDED = "excluded", _("Excluded")


class Response(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    NO_ANSWER = "no_answer", _("No answer")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")
    EMAIL = "email", _("Email")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    CALL_BACK = "call_back", _("Call back later")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
