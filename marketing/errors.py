"""The machine codes of marketing's refusals (DESIGN.md §2.7): every raise site names one of these, and the API's
problem documents and the OpenAPI problem schema list them."""

from django.db import models


class ErrorCode(models.TextChoices):
    CAMPAIGN_CLOSED = "campaign-closed"
    CAMPAIGN_NOT_ACTIVATABLE = "campaign-not-activatable"
    CAMPAIGN_NOT_ACTIVE = "campaign-not-active"
    CAMPAIGN_NOT_CANCELABLE = "campaign-not-cancelable"
    CAMPAIGN_NOT_COMPLETABLE = "campaign-not-completable"
    CAMPAIGN_NOT_EDITABLE = "campaign-not-editable"
    CAMPAIGN_NOT_PLANNED = "campaign-not-planned"
    LEAD_IMPORT_REFUSED = "lead-import-refused"
    LEAD_NOT_CONVERTIBLE = "lead-not-convertible"
    LEAD_NOT_DISQUALIFIABLE = "lead-not-disqualifiable"
    LEAD_NOT_EDITABLE = "lead-not-editable"
    LEAD_NOT_QUALIFIABLE = "lead-not-qualifiable"
    NOT_EMAIL = "not-email"
    NOT_MAILING = "not-mailing"
    NOT_TELEMARKETING = "not-telemarketing"
    OPPORTUNITY_CLOSED = "opportunity-closed"
    OPPORTUNITY_NO_STAGE = "opportunity-no-stage"
    OPPORTUNITY_NOT_LOSABLE = "opportunity-not-losable"
    OPPORTUNITY_NOT_WINNABLE = "opportunity-not-winnable"
    PARTY_DUPLICATE = "party-duplicate"
    PARTY_IN_USE = "party-in-use"
    PARTY_MERGE_FORBIDDEN = "party-merge-forbidden"
    PARTY_MERGE_REFUSED = "party-merge-refused"
    PARTY_MERGE_SAME = "party-merge-same"
    TARGET_EXCLUDED = "target-excluded"
    TARGET_EXISTS = "target-exists"


class MailServerUnavailable(Exception):
    """The mail server could not take messages now; the job retries the rest of its batch later."""
