"""Row locks of marketing's documents: each service that changes one takes a fresh, locked copy first
(DESIGN.md §2.4); a party is locked before the documents that hang on it."""

from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party


def lock_activity(activity_id: int) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("owner").get(pk=activity_id)


def lock_target(target_id: int) -> CampaignTarget:
    return (
        CampaignTarget.objects.select_for_update(of=("self",))
        .select_related("campaign", "party", "lead", "opportunity")
        .get(pk=target_id)
    )


def lock_campaign(campaign_id: int) -> Campaign:
    """A fresh copy of the campaign, locked: every change to a campaign or its targets starts here."""
    return Campaign.objects.select_for_update(of=("self",)).select_related("owner").get(pk=campaign_id)


def lock_lead(lead_id: int) -> Lead:
    return Lead.objects.select_for_update(of=("self",)).select_related("party", "campaign", "owner").get(pk=lead_id)


def lock_opportunity(opportunity_id: int) -> Opportunity:
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("party", "stage", "owner", "campaign")
        .get(pk=opportunity_id)
    )


def lock_party(party_id: int) -> Party:
    return Party.objects.select_for_update(of=("self",)).get(pk=party_id)
