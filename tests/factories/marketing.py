import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from marketing.choices import ActivityType, AddressPurpose, CampaignType, LeadSource, TargetSource
from marketing.models import (
    Activity,
    Address,
    Campaign,
    CampaignTarget,
    Contact,
    Lead,
    Opportunity,
    OpportunityStage,
    Party,
    Segment,
    Tag,
)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = "organization"
    name = factory.Sequence(lambda n: f"Customer Company {n}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    street = factory.Sequence(lambda n: f"Main Street {n}")
    postcode = "1011 AB"
    city = "Amsterdam"
    country = "NL"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    party = factory.SubFactory(PartyFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    job_title = "Purchaser"
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    phone = "+31 20 555 0100"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    party = factory.SubFactory(PartyFactory)
    purpose = AddressPurpose.DELIVERY
    street = factory.Sequence(lambda n: f"Dock Road {n}")
    postcode = "3011 AA"
    city = "Rotterdam"
    country = "NL"


# Documents with a state machine are made through their services in tests (so numbers, logs and rules
# apply); these factories make rows directly for read-side tests (lists, query counts, admin).
class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    number = factory.Sequence(lambda n: f"LD-T{n:05d}")
    company_name = factory.Sequence(lambda n: f"Lead Company {n}")
    contact_name = factory.Sequence(lambda n: f"Lead Person {n}")
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    city = "Utrecht"
    country = "NL"
    source = LeadSource.WEB


def default_stage() -> OpportunityStage:
    return OpportunityStage.objects.order_by("sequence").first()


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    number = factory.Sequence(lambda n: f"OP-T{n:05d}")
    name = factory.Sequence(lambda n: f"Deal {n}")
    party = factory.SubFactory(PartyFactory)
    stage = factory.LazyFunction(default_stage)
    expected_revenue = Decimal("10000.00")
    probability = Decimal("10")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    number = factory.Sequence(lambda n: f"CM-T{n:04d}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    campaign_type = CampaignType.TELEMARKETING
    budget = Decimal("5000.00")


class CampaignTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignTarget

    campaign = factory.SubFactory(CampaignFactory)
    source = TargetSource.PROSPECT
    party = factory.SubFactory(PartyFactory)
    name = factory.LazyAttribute(lambda target: target.party.name if target.party else "Target")
    email = factory.LazyAttribute(lambda target: target.party.email if target.party else "")
    city = "Amsterdam"
    country = "NL"


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n}")
    filters = factory.LazyFunction(lambda: {"roles": ["prospect"]})


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    activity_type = ActivityType.CALL
    subject = factory.Sequence(lambda n: f"Call about offer {n}")
    party = factory.SubFactory(PartyFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
