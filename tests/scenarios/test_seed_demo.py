"""seed_demo builds a demo company through the services once; running it again changes nothing."""

import datetime
from decimal import Decimal
from io import StringIO

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from django_fsm_log.models import StateLog
from rest_framework.authtoken.models import Token

from core import extensions, roles
from invoicing.models import Invoice, JournalEntry, JournalLine, Payment
from invoicing.selectors.billing_runs import billing_preview
from marketing.models import (
    Activity,
    Address,
    Campaign,
    CampaignTarget,
    Contact,
    Lead,
    Opportunity,
    Party,
    Segment,
    Tag,
    Unsubscription,
)
from marketing.selectors.activities import followup_counts
from salesapp.models import (
    Customer,
    Item,
    PackingSlip,
    ProductRelation,
    Quotation,
    QuotationRevision,
    SalesOrder,
    SalesOrderLine,
    StandardLineSet,
    TaxDetermination,
    TradeAgreementLine,
)

D = Decimal


def counts() -> dict[str, int]:
    return {
        "parties": Party.objects.count(),
        "customers": Customer.objects.count(),
        "items": Item.objects.count(),
        "quotations": Quotation.objects.count(),
        "quotation revisions": QuotationRevision.objects.count(),
        "orders": SalesOrder.objects.count(),
        "packing slips": PackingSlip.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "journal entries": JournalEntry.objects.count(),
        "state changes": StateLog.objects.count(),
        "contacts": Contact.objects.count(),
        "addresses": Address.objects.count(),
        "tags": Tag.objects.count(),
        "segments": Segment.objects.count(),
        "leads": Lead.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "campaigns": Campaign.objects.count(),
        "campaign targets": CampaignTarget.objects.count(),
        "unsubscriptions": Unsubscription.objects.count(),
        "activities": Activity.objects.count(),
        "users": User.objects.count(),
        "tokens": Token.objects.count(),
    }


def per_state(queryset, field: str = "state") -> dict[str, int]:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_complete_demo_company_once(db):
    # when
    first_output = seed()
    first = counts()

    # then: at least the promised amounts, built through the services
    assert first["parties"] >= 30
    assert first["customers"] >= 25
    assert first["parties"] - first["customers"] >= 1
    assert first["items"] >= 50
    assert ProductRelation.objects.filter(kind="up_sell").exists()
    assert ProductRelation.objects.filter(kind="cross_sell").exists()
    assert ProductRelation.objects.filter(price_group__code="KEY").count() == 1
    assert StandardLineSet.objects.filter(customer__isnull=True).exists()
    assert StandardLineSet.objects.filter(customer__isnull=False).exists()
    # quotations in every stage, through the services: r2 sent after a revision, an order and an invoice draft
    # from the accepted ones, a lost one with its reason, one expired by the service the daily job runs
    assert per_state(Quotation.objects) == {"draft": 1, "sent": 2, "accepted": 2, "lost": 1, "expired": 1}
    assert (first["quotations"], first["quotation revisions"]) == (7, 7)
    assert Quotation.objects.filter(state="sent", current_revision=2, revision_count=2).count() == 1
    assert Quotation.objects.filter(state="draft", party__isnull=False, customer__isnull=True).count() == 1
    assert Quotation.objects.filter(state="accepted", sales_order__state="open").count() == 1
    assert Invoice.objects.filter(basis="direct", state="draft", quotation__state="accepted").count() == 1
    assert Quotation.objects.get(state="lost").lost_reason == "competitor"
    assert Quotation.objects.get(state="expired").valid_until < timezone.localdate()
    assert first["orders"] >= 100
    assert set(per_state(SalesOrder.objects)) == {"open", "confirmed", "delivered", "invoiced", "canceled"}
    assert SalesOrder.objects.filter(state="confirmed", lines__qty_delivered__gt=0).exists()
    assert not SalesOrder.objects.annotate(n=Count("lines")).filter(n__gt=6).exists()
    # two subscriptions: a monthly one with two periods due today, a quarterly one from next month
    subscriptions = SalesOrder.objects.filter(order_type="subscription").order_by("pk")
    assert [(order.billing_period, order.state) for order in subscriptions] == [
        ("monthly", "confirmed"),
        ("quarterly", "confirmed"),
    ]
    assert len(billing_preview(bill_until=timezone.localdate()).billable) == 2
    assert set(per_state(Invoice.objects)) == {"draft", "posted"}
    # one return received and credited, one on its way
    assert list(
        SalesOrder.objects.filter(order_type="returned_order").order_by("pk").values_list("state", flat=True)
    ) == ["invoiced", "confirmed"]
    assert Invoice.objects.filter(kind="credit_note", state="posted", amount_total__lt=0).count() == 1
    assert set(per_state(Invoice.objects.filter(state="posted"), "payment_state")) == {
        "unpaid",
        "partially_paid",
        "paid",
    }
    assert set(Invoice.objects.values_list("basis", flat=True)) == {"order", "packing_slips", "direct"}
    overdue = Invoice.objects.filter(state="posted", due_date__lt=timezone.localdate()).exclude(payment_state="paid")
    assert overdue.exists()
    assert Customer.objects.filter(blocked=True).exclude(blocked_reason="").count() == 1
    assert set(Customer.objects.values_list("payment_terms_days", flat=True)) == {14, 30, 60}
    # prices and taxes from the pricing engine: agreements, quantity breaks, reverse charge by tax group
    assert TradeAgreementLine.objects.filter(item__number="CON-3001").count() == 2
    assert TaxDetermination.objects.count() == 8
    lines = SalesOrderLine.objects.all()
    assert {"item_price", "all_customers_agreement", "manual"} <= set(lines.values_list("price_source", flat=True))
    assert lines.filter(tax_code__code="EURC", order__customer__tax_group__code="EU").exists()
    assert (
        not lines.filter(tax_code__code="EURC")
        .exclude(order__customer__party__vat_number="")
        .filter(order__customer__party__country="NL")
        .exists()
    )
    oldest = SalesOrder.objects.order_by("order_date").first().order_date
    assert 90 <= (timezone.localdate() - oldest).days <= 120
    # every posting balanced, every transition recorded with who did it
    assert JournalEntry.objects.count() == Invoice.objects.filter(state="posted").count() + Payment.objects.count()
    debit = sum(JournalLine.objects.values_list("debit", flat=True))
    credit = sum(JournalLine.objects.values_list("credit", flat=True))
    assert debit == credit
    assert not StateLog.objects.filter(by__isnull=True).exists()
    assert not Invoice.objects.filter(state="posted", kind="invoice", amount_paid__gt=F("amount_total")).exists()
    # one login per role, the administrator with the keys to the admin
    demo_users = {user.username: user for user in User.objects.filter(groups__isnull=False).prefetch_related("groups")}
    assert {name: [g.name for g in user.groups.all()] for name, user in demo_users.items()} == {
        "clerk": [roles.SALES_CLERK],
        "manager": [roles.SALES_MANAGER],
        "billing": [roles.BILLING_CLERK],
        "integrator": [roles.INTEGRATOR],
        "admin": [roles.ADMINISTRATOR],
    }
    assert all(user.check_password("demo1234") for user in demo_users.values())
    assert (demo_users["admin"].is_staff, demo_users["admin"].is_superuser) == (True, True)
    assert (demo_users["clerk"].is_staff, demo_users["clerk"].is_superuser) == (False, False)
    token = Token.objects.get(user__username="integrator")
    assert f"Integrator API token: {token.key}" in first_output
    assert "clerk" in first_output and "demo1234" in first_output

    # then: the marketing module has something on every page
    assert (first["leads"], first["opportunities"], first["campaigns"], first["segments"]) == (30, 25, 4, 4)
    assert per_state(Lead.objects) == {"new": 10, "qualified": 6, "converted": 8, "disqualified": 6}
    assert per_state(Opportunity.objects) == {"open": 17, "won": 5, "lost": 3}
    assert per_state(Campaign.objects) == {"planned": 1, "active": 1, "completed": 1, "canceled": 1}
    assert set(Lead.objects.values_list("source", flat=True)) == {"trade_show", "web", "referral", "import", "campaign"}
    assert not Lead.objects.filter(state="disqualified", disqualify_reason="").exists()
    assert not Opportunity.objects.filter(state="lost", lost_reason="").exists()
    assert not Campaign.objects.filter(state="canceled", cancel_reason="").exists()
    assert Lead.objects.filter(state="converted", opportunities__isnull=False).distinct().count() == 8
    open_stages = Opportunity.objects.filter(state="open").values_list("stage__name", flat=True)
    assert set(open_stages) == {"Prospecting", "Qualification", "Proposal", "Negotiation"}
    # every won deal has its confirmed order; the campaigns show what they brought in
    won = Opportunity.objects.filter(state="won")
    assert SalesOrder.objects.filter(opportunity__in=won).exclude(state="open").count() == 5
    assert Invoice.objects.filter(order__opportunity__in=won, state="posted").count() == 2
    email = Campaign.objects.get(campaign_type="email")
    calls = Campaign.objects.get(campaign_type="telemarketing")
    revenue = extensions.campaign_revenue([email.pk, calls.pk])
    assert {figure.key: figure.amount for figure in revenue[email.pk]} == {
        "orders_confirmed": 2,
        "ordered_revenue": D("12186.40"),
        "invoiced_revenue": D("4042.40"),
    }
    assert {figure.key: figure.amount for figure in revenue[calls.pk]} == {
        "orders_confirmed": 1,
        "ordered_revenue": D("7698.00"),
        "invoiced_revenue": D("7698.00"),
    }
    # the email went out to every target and two of them unsubscribed; the call round is under way
    assert (email.state, email.targets.count(), email.targets.filter(email_sent_at__isnull=False).count()) == (
        "completed",
        25,
        25,
    )
    assert email.targets.filter(response="unsubscribed").count() == 2
    assert calls.state == "active"
    assert set(calls.targets.values_list("assigned_to__username", flat=True)) == {"clerk", "manager"}
    assert calls.activities.filter(done=True).count() == 18
    assert per_state(calls.targets.exclude(response=""), "response") == {
        "positive": 4,
        "negative": 5,
        "no_answer": 2,
        "unsubscribed": 1,
    }
    assert (
        calls.targets.exclude(created_lead=None).count(),
        calls.targets.exclude(created_opportunity=None).count(),
    ) == (
        2,
        2,
    )
    mailing = Campaign.objects.get(state="planned")
    assert (mailing.campaign_type, mailing.targets.count()) == ("mailing", 38)
    assert all(D("500") <= budget <= D("15000") for budget in Campaign.objects.values_list("budget", flat=True))
    # contact persons, tags and addresses on the organizations; prospects without a customer account
    assert (
        not Contact.objects.values("party").annotate(primary=Count("pk", filter=Q(is_primary=True))).exclude(primary=1)
    )
    assert Party.objects.filter(tags__name="key account").count() == 5
    assert Address.objects.filter(purpose="delivery").exists() and Address.objects.filter(purpose="invoice").exists()
    assert Party.objects.filter(customer__isnull=True, country__in=["NL", "BE", "SE", "DE"]).count() >= 24
    # the clerk has follow-ups overdue, today and ahead
    clerk = User.objects.get(username="clerk")
    assert followup_counts(user=clerk) == {"overdue": 4, "today": 3, "upcoming": 9, "no_date": 0}
    assert Activity.objects.filter(owner__username="manager").exists()
    assert Activity.objects.filter(follow_up_of__follow_up_of__isnull=False).exists()
    assert first["activities"] >= 50
    # a lived-in history: spread over the last four months, in order, the timelines telling the same story
    now = timezone.now()
    oldest_lead = Lead.objects.order_by("created_at").first().created_at
    assert 90 <= (now - oldest_lead).days <= 120
    # numbers run with the calendar (the imported leads share their moment)
    assert list(Lead.objects.order_by("created_at", "number").values_list("number", flat=True)) == list(
        Lead.objects.order_by("number").values_list("number", flat=True)
    )
    for model in (Lead, Opportunity, Campaign, CampaignTarget, Activity):
        assert not model.objects.filter(created_at__gt=now).exists()
    assert not Activity.objects.filter(Q(done_at__lt=F("created_at")) | Q(done_at__gt=now)).exists()
    assert not Lead.objects.filter(Q(qualified_at__lt=F("created_at")) | Q(converted_at__lt=F("qualified_at"))).exists()
    lead_type = ContentType.objects.get_for_model(Lead)
    for lead in Lead.objects.filter(state="converted"):
        logged = StateLog.objects.get(content_type=lead_type, object_id=lead.pk, transition="convert")
        assert logged.timestamp == lead.converted_at
    assert calls.activated_at.date() == timezone.localdate() - datetime.timedelta(days=21)

    # when: seeded again, after someone changed a demo password
    clerk = demo_users["clerk"]
    clerk.set_password("forgotten")
    clerk.save()
    second_output = seed()

    # then: nothing duplicated, the password is the demo one again
    assert counts() == first
    assert "already present" in second_output
    clerk.refresh_from_db()
    assert clerk.check_password("demo1234")
    assert Token.objects.get(user__username="integrator").key == token.key
