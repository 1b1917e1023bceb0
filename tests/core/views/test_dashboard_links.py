"""Every dashboard figure links to the list that shows exactly the rows it counts."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from core import roles
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from marketing.choices import CampaignState, LeadState
from salesapp.services.orders import order_confirm
from tests.factories.marketing import ActivityFactory, CampaignFactory, LeadFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role


def rows(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(row.pk for row in response.context["page_obj"])


def test_order_and_invoice_figures_link_to_their_rows(client, clerk, billing, administrator):
    # given: an open and a confirmed order; invoices: open (partly paid), overdue, paid, and a draft
    customer = make_customer()

    def posted(price, **post):
        order = make_order(customer=customer, lines=[(ItemFactory(unit_price=Decimal(price)), "1")], by=clerk)
        draft = invoice_create_from_order(order=order_confirm(order=order, by=clerk), basis="order", by=clerk)
        return invoice_post(invoice=draft, by=billing, store_pdf=False, **post)

    open_invoice = posted("100.00")
    overdue = posted("10.00", invoice_date=datetime.date(2020, 1, 1))
    paid = posted("50.00")
    draft = invoice_create_from_order(
        order=order_confirm(order=make_order(customer=customer, by=clerk), by=clerk), basis="order", by=clerk
    )
    open_order = make_order(customer=customer, by=clerk)
    for settled, amount in ((open_invoice, "21.00"), (paid, "60.50")):
        payment_register(
            customer=customer,
            amount=Decimal(amount),
            applications=[ApplicationInput(settled, Decimal(amount))],
            by=billing,
        )
    client.force_login(administrator)

    # when
    context = client.get(reverse("home")).context

    # then: each link lists what its figure counts
    assert rows(client, context["open_receivables_url"]) == sorted([open_invoice.pk, overdue.pk])
    assert rows(client, context["overdue_url"]) == [overdue.pk]
    assert context["overdue_count"] == 1
    assert rows(client, context["draft_invoices_url"]) == [draft.pk]
    assert context["draft_invoices"] == 1
    by_state = {value: (count, url) for _label, count, value, url in context["orders_by_state"]}
    assert by_state["open"][0] == 1
    assert rows(client, by_state["open"][1]) == [open_order.pk]
    # posting an invoice of the whole order makes it invoiced; the draft's order is still confirmed
    assert by_state["confirmed"][0] == 1
    assert rows(client, by_state["confirmed"][1]) == [draft.order_id]
    assert by_state["invoiced"][0] == 3
    assert rows(client, by_state["invoiced"][1]) == sorted([open_invoice.order_id, overdue.order_id, paid.order_id])
    assert rows(client, by_state["canceled"][1]) == []


def test_marketing_figures_link_to_their_rows(client, clerk):
    # given: 2 open leads (new, qualified) and a disqualified one; an active and a planned campaign; the clerk's
    # overdue call, a call later today, one tomorrow and a colleague's overdue call
    new, qualified = LeadFactory(state=LeadState.NEW), LeadFactory(state=LeadState.QUALIFIED)
    LeadFactory(state=LeadState.DISQUALIFIED)
    active = CampaignFactory(state=CampaignState.ACTIVE)
    CampaignFactory(state=CampaignState.PLANNED)
    now = timezone.now()
    end_of_today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23, 59)))
    overdue = ActivityFactory(owner=clerk, due_at=now - datetime.timedelta(hours=2))
    today = ActivityFactory(owner=clerk, due_at=max(end_of_today, now + datetime.timedelta(seconds=30)))
    ActivityFactory(owner=clerk, due_at=now + datetime.timedelta(days=2))
    ActivityFactory(owner=user_with_role(roles.SALES_CLERK, "colleague"), due_at=now - datetime.timedelta(hours=2))
    client.force_login(clerk)

    # when
    context = client.get(reverse("home")).context

    # then
    assert context["open_leads"] == 2
    assert rows(client, context["open_leads_url"]) == sorted([new.pk, qualified.pk])
    assert context["active_campaigns"] == 1
    assert rows(client, context["active_campaigns_url"]) == [active.pk]
    assert context["followups"]["overdue"] == 1
    assert rows(client, context["followups_overdue_url"]) == [overdue.pk]
    assert rows(client, context["followups_today_url"]) == ([today.pk] if context["followups"]["today"] else [])
