"""The actions marketing's document pages offer besides the documents' transitions (core.extensions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import extensions
from core.extensions import DocumentAction
from core.transitions import Refusal
from marketing.models import Campaign, Lead, Opportunity
from marketing.services.activities import activity_refusal_reason


def _activity_rules(action: str) -> tuple[Refusal, ...]:
    # Activities have no state machine: their one rule set lives in the activity services.
    return (
        Refusal(
            lambda activity: activity_refusal_reason(activity, action) is None,
            lambda activity: activity_refusal_reason(activity, action),
        ),
    )


def register() -> None:
    for action in (
        DocumentAction(
            model="marketing.lead",
            name="edit",
            label=_("Edit"),
            url=lambda lead: reverse("marketing:lead_update", args=[lead.pk]),
            permissions=("marketing.change_lead",),
            rules=Lead.EDIT_RULES,
            order=5,
            secondary=True,
        ),
        DocumentAction(
            model="marketing.opportunity",
            name="edit",
            label=_("Edit"),
            url=lambda opportunity: reverse("marketing:opportunity_update", args=[opportunity.pk]),
            permissions=("marketing.change_opportunity",),
            rules=Opportunity.EDIT_RULES,
            order=5,
            secondary=True,
        ),
        DocumentAction(
            model="marketing.opportunity",
            name="stage",
            label=_("Change stage"),
            url=lambda opportunity: reverse("marketing:opportunity_stage", args=[opportunity.pk]),
            permissions=("marketing.change_opportunity",),
            rules=Opportunity.EDIT_RULES,
            method="page",
            template="marketing/includes/opportunity_stage_form.html",
            order=6,
        ),
        DocumentAction(
            model="marketing.campaign",
            name="edit",
            label=_("Edit"),
            url=lambda campaign: reverse("marketing:campaign_update", args=[campaign.pk]),
            permissions=("marketing.change_campaign",),
            rules=Campaign.EDIT_RULES,
            order=5,
            secondary=True,
        ),
        DocumentAction(
            model="marketing.activity",
            name="update",
            label=_("Edit"),
            url=lambda activity: reverse("marketing:activity_update", args=[activity.pk]),
            permissions=("marketing.change_activity",),
            rules=_activity_rules("update"),
            order=5,
            secondary=True,
        ),
        DocumentAction(
            model="marketing.activity",
            name="complete",
            label=_("Complete"),
            url=lambda activity: reverse("marketing:activity_complete", args=[activity.pk]),
            permissions=("marketing.change_activity",),
            rules=_activity_rules("complete"),
            order=10,
        ),
        DocumentAction(
            model="marketing.activity",
            name="reopen",
            label=_("Reopen"),
            url=lambda activity: reverse("marketing:activity_reopen", args=[activity.pk]),
            permissions=("marketing.change_activity",),
            rules=_activity_rules("reopen"),
            method="post",
            order=20,
        ),
        DocumentAction(
            model="marketing.activity",
            name="delete",
            label=_("Delete"),
            url=lambda activity: reverse("marketing:activity_delete", args=[activity.pk]),
            permissions=("marketing.delete_activity",),
            rules=_activity_rules("delete"),
            method="post",
            confirm=_("Delete this activity? This cannot be undone."),
            order=90,
        ),
    ):
        extensions.register_document_action(action)
