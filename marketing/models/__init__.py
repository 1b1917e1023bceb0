from marketing.models.activities import Activity
from marketing.models.campaigns import Campaign, CampaignTarget, Segment
from marketing.models.leads import Lead
from marketing.models.opportunities import Opportunity, OpportunityStage
from marketing.models.parties import Address, Contact, Party, Tag, Unsubscription

__all__ = [
    "Activity",
    "Address",
    "Campaign",
    "CampaignTarget",
    "Contact",
    "Lead",
    "Opportunity",
    "OpportunityStage",
    "Party",
    "Segment",
    "Tag",
    "Unsubscription",
]
