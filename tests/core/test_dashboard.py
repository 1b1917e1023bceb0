"""The start page shows the pipeline by stage next to the sales and invoicing figures."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from marketing.choices import CampaignState
from marketing.models import OpportunityStage
from salesapp.services.orders import order_confirm
from tests.factories.marketing import CampaignFactory, LeadFactory, OpportunityFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order


def test_dashboard_draws_the_pipeline_by_stage(client, clerk):
    # given: 20,000 in Prospecting (10 %) and 10,000 in Proposal (50 %), 2 open leads, 1 active campaign
    prospecting, proposal = (
        OpportunityStage.objects.get(name="Prospecting"),
        OpportunityStage.objects.get(name="Proposal"),
    )
    for _ in range(2):
        OpportunityFactory(stage=prospecting, expected_revenue=Decimal("10000.00"), probability=Decimal("10"))
    OpportunityFactory(stage=proposal, expected_revenue=Decimal("10000.00"), probability=Decimal("50"))
    LeadFactory.create_batch(2)
    CampaignFactory(state=CampaignState.ACTIVE)
    client.force_login(clerk)

    # when
    response = client.get(reverse("home"))

    # then: bars relative to the widest weighted revenue (Proposal's 5,000.00)
    html = response.content.decode()
    pipeline = response.context["pipeline"]
    assert [(c.stage.name, c.count, c.weighted_revenue) for c in pipeline.columns] == [
        ("Prospecting", 2, Decimal("2000.00")),
        ("Qualification", 0, Decimal("0")),
        ("Proposal", 1, Decimal("5000.00")),
        ("Negotiation", 0, Decimal("0")),
    ]
    assert [width for _column, width in response.context["pipeline_bars"]] == [40, 0, 100, 0]
    assert '2 open leads</a> · <a href="/marketing/campaigns/?state=active">1 active campaign</a>' in html
    assert "7,000.00" in html


def test_dashboard_leaves_the_pipeline_out_for_users_without_marketing_rights(client, django_user_model):
    # given: a user who may use the pages and nothing more
    visitor = django_user_model.objects.create_user(username="visitor", password="pw-123456")
    visitor.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="use_pages"))
    client.force_login(visitor)

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    assert "pipeline" not in response.context
    assert "Pipeline" not in response.content.decode().split("<main>", 1)[1]


def test_dashboard_sums_what_posted_invoices_still_have_open(client, clerk, billing):
    # given: a posted invoice of 121.00 with 21.00 paid, an old posted invoice of 12.10 (overdue), a draft
    # and a fully paid invoice, which counts nowhere
    customer = make_customer()

    def invoice(price, **post):
        order = make_order(customer=customer, lines=[(ItemFactory(unit_price=Decimal(price)), "1")], by=clerk)
        draft = invoice_create_from_order(order=order_confirm(order=order, by=clerk), basis="order", by=clerk)
        return invoice_post(invoice=draft, by=billing, store_pdf=False, **post)

    current = invoice("100.00")
    invoice("10.00", invoice_date=datetime.date(2020, 1, 1))
    paid = invoice("50.00")
    invoice_create_from_order(
        order=order_confirm(order=make_order(customer=customer, by=clerk), by=clerk), basis="order", by=clerk
    )
    for settled, amount in ((current, "21.00"), (paid, "60.50")):
        payment_register(
            customer=customer,
            amount=Decimal(amount),
            applications=[ApplicationInput(settled, Decimal(amount))],
            by=billing,
        )
    client.force_login(clerk)

    # when
    response = client.get(reverse("home"))

    # then: 100.00 + 12.10 open, one overdue, one draft
    assert (
        response.context["open_receivables"],
        response.context["overdue_count"],
        response.context["draft_invoices"],
    ) == (Decimal("112.10"), 1, 1)
    assert "EUR 112.10" in response.content.decode()


def test_dashboard_figures_are_aggregates_whose_query_count_does_not_grow(client, clerk):
    # given: the page drawn over a few rows, then over many more
    customer = make_customer()
    make_order(customer=customer, by=clerk)
    LeadFactory()
    OpportunityFactory()
    client.force_login(clerk)
    client.get(reverse("home"))  # content types and permissions are cached from here on
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(6):
        order_confirm(order=make_order(customer=make_customer(), by=clerk), by=clerk)
    LeadFactory.create_batch(10)
    OpportunityFactory.create_batch(10)

    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    assert len(many) == len(few)


def test_dashboard_counts_late_backorder_lines_value_waiting_and_items_short(client, clerk):
    # given: 2 desks on hand; one order waits for 3 of 5 (late), another for 1 (due later); a chair is plenty
    today = datetime.date.today()
    desk, chair = ItemFactory(number="D-1", stock=2), ItemFactory(number="C-1", stock=50)
    late = make_order(
        customer=make_customer(), lines=[(desk, "5", "100")], by=clerk, order_date=today - datetime.timedelta(days=9)
    )
    late.lines.update(requested_ship_date=today - datetime.timedelta(days=2))
    order_confirm(order=late, by=clerk)
    order_confirm(order=make_order(lines=[(desk, "1", "100"), (chair, "4", "10")], by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("home"))

    # then: 5 + 1 desks wait (6 > 2 on hand), worth 600; the chairs, 40, are covered
    summary = response.context["backorders"]
    assert (summary.late_lines, summary.items_short, summary.value_waiting) == (1, 1, {"EUR": Decimal("640.00")})
    html = response.content.decode()
    assert "1 late line" in html and "1 item short" in html and "EUR 640.00" in html
