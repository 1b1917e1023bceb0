"""The sales admin: master data through services, documents read-only, actions calling services."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django_fsm_log.models import StateLog

from salesapp.models import Customer, Item, PackingSlip, SalesOrder, TaxCode
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code
from tests.factories.users import builder

CANCEL_HINT = " Close the undelivered remainder instead, or create a returned order for what came back."

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def changelist_query_count(client, model, django_assert_max_num_queries, limit: int) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url(model))
    assert response.status_code == 200
    return len(captured)


def delivered_in_part(clerk, customer=None):
    """A confirmed order with 2 of its 5 units shipped on a posted packing slip."""
    order = order_confirm(order=make_order(customer=customer, lines=[(ItemFactory(), "5")], by=clerk), by=clerk)
    line = order.lines.get()
    slip = packing_slip_create(order=order, quantities={line.pk: D("2")}, by=clerk)
    return order, packing_slip_post(packing_slip=slip, by=clerk)


def test_sales_changelists_keep_a_constant_query_count(client, administrator, clerk, django_assert_max_num_queries):
    # given: one of everything
    client.force_login(administrator)
    delivered_in_part(clerk)
    models = (TaxCode, Customer, Item, SalesOrder, PackingSlip)
    first = {model: changelist_query_count(client, model, django_assert_max_num_queries, 12) for model in models}

    # when: four more orders, customers, items and packing slips
    for _ in range(4):
        delivered_in_part(clerk)

    # then: every changelist still loads with the same number of queries
    again = {model: changelist_query_count(client, model, django_assert_max_num_queries, 12) for model in models}
    assert again == first
    assert SalesOrder.objects.count() == 5


def test_every_sales_change_page_loads(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order, slip = delivered_in_part(clerk)
    line_item = order.lines.get().item
    objects = [TaxCode.objects.get(code="NL21"), order.customer, line_item, order, slip]

    # when
    responses = [client.get(url(type(obj), "change", obj.pk)) for obj in objects]

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 200]
    assert "0 of 1 lines delivered, 0 invoiced" in responses[3].content.decode()


def test_order_change_page_is_read_only_and_shows_the_timeline(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order = order_confirm(order=make_order(by=clerk), by=clerk)

    # when
    page = client.get(url(SalesOrder, "change", order.pk))
    posted = client.post(url(SalesOrder, "change", order.pk), {"customer_reference": "changed"})
    add = client.get(url(SalesOrder, "add"))

    # then
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "State changes" in page.content.decode()
    assert ">confirm<" in page.content.decode()
    assert posted.status_code == 403
    assert add.status_code == 403
    order.refresh_from_db()
    assert order.customer_reference == ""


def test_confirm_action_confirms_through_the_service(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order = make_order(by=clerk)

    # when
    response = client.post(url(SalesOrder), {"action": "confirm_orders", "_selected_action": [order.pk]})

    # then
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "confirmed"
    log = StateLog.objects.for_(order).get()
    assert (log.transition, log.source_state, log.state, log.by) == ("confirm", "open", "confirmed", administrator)
    assert messages_of(response) == [("success", "1 order confirmed.")]


def test_refused_confirm_shows_the_reason_and_changes_nothing(client, administrator, clerk):
    # given: one confirmable order and one of a customer blocked after ordering
    client.force_login(administrator)
    fine = make_order(by=clerk)
    customer = make_customer()
    blocked = make_order(customer=customer, by=clerk)
    customer_update(customer=customer, blocked=True, blocked_reason="Unpaid invoices over 90 days", by=builder())

    # when
    response = client.post(url(SalesOrder), {"action": "confirm_orders", "_selected_action": [fine.pk, blocked.pk]})

    # then
    blocked.refresh_from_db()
    fine.refresh_from_db()
    assert (fine.state, blocked.state) == ("confirmed", "open")
    assert StateLog.objects.for_(blocked).count() == 0
    assert messages_of(response) == [
        ("error", f"{blocked.number}: Customer {customer.number} is blocked: Unpaid invoices over 90 days."),
        ("success", "1 order confirmed."),
    ]


def test_cancel_action_refuses_a_partially_shipped_order(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order, _slip = delivered_in_part(clerk)
    untouched = make_order(by=clerk)

    # when
    response = client.post(url(SalesOrder), {"action": "cancel_orders", "_selected_action": [order.pk, untouched.pk]})

    # then
    order.refresh_from_db()
    untouched.refresh_from_db()
    assert (order.state, untouched.state) == ("confirmed", "canceled")
    assert untouched.cancel_reason == "Canceled in the admin."
    assert messages_of(response) == [
        (
            "error",
            f"{order.number}: 2 units already shipped: the order can no longer be canceled." + CANCEL_HINT,
        ),
        ("success", "1 order canceled."),
    ]


def test_post_action_posts_a_packing_slip(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order = order_confirm(order=make_order(lines=[(ItemFactory(), "3")], by=clerk), by=clerk)
    slip = packing_slip_create(order=order, by=clerk)

    # when
    response = client.post(url(PackingSlip), {"action": "post_packing_slips", "_selected_action": [slip.pk]})

    # then
    slip.refresh_from_db()
    order.refresh_from_db()
    assert (slip.state, slip.number, order.state) == ("posted", "PS-000001", "delivered")
    assert StateLog.objects.for_(slip).get().transition == "post"
    assert messages_of(response) == [("success", "1 packing slip posted.")]


def test_draft_packing_slip_is_deleted_through_the_service_and_a_posted_one_is_not(client, administrator, clerk):
    # given
    client.force_login(administrator)
    order, posted = delivered_in_part(clerk)
    draft = packing_slip_create(order=order, by=clerk)

    # when
    deleted = client.post(url(PackingSlip, "delete", draft.pk), {"post": "yes"})
    refused = client.get(url(PackingSlip, "delete", posted.pk))

    # then
    assert deleted.status_code == 302
    assert not PackingSlip.objects.filter(pk=draft.pk).exists()
    assert refused.status_code == 403
    assert PackingSlip.objects.filter(pk=posted.pk).exists()


def test_customer_added_in_admin_gets_its_number_from_the_series(client, administrator):
    # given
    client.force_login(administrator)
    party = PartyFactory(name="Fjällbacka Kontorsmöbler AB")

    # when
    response = client.post(
        url(Customer, "add"),
        {
            "party": party.pk,
            "currency": "EUR",
            "payment_terms_days": "14",
            "credit_limit": "5000.00",
            "blocked_reason": "",
        },
    )

    # then
    assert response.status_code == 302
    customer = Customer.objects.get(party=party)
    assert (customer.number, customer.payment_terms_days, customer.credit_limit) == ("C00001", 14, D("5000.00"))
    assert customer.created_by == administrator


def test_blocking_a_customer_without_a_reason_is_refused_with_the_service_reason(client, administrator):
    # given
    client.force_login(administrator)
    customer = make_customer()

    # when
    response = client.post(
        url(Customer, "change", customer.pk),
        {"currency": "EUR", "payment_terms_days": "30", "credit_limit": "0", "blocked": "on", "blocked_reason": ""},
    )

    # then
    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.blocked is False
    assert messages_of(response) == [("error", "blocked_reason: Say why the customer is blocked.")]


def test_item_added_in_admin_is_created_through_the_service(client, administrator):
    # given
    client.force_login(administrator)

    # when
    response = client.post(
        url(Item, "add"),
        {
            "number": "CHR-100",
            "name": "Ergonomic office chair",
            "item_type": "stocked",
            "unit": "pcs",
            "unit_price": "289.00",
            "tax_code": tax_code("NL21").pk,
            "active": "on",
        },
    )

    # then
    assert response.status_code == 302
    item = Item.objects.get(number="CHR-100")
    assert (item.name, item.unit_price, item.tax_code.code, item.created_by) == (
        "Ergonomic office chair",
        D("289.0000"),
        "NL21",
        administrator,
    )


def test_orders_are_not_added_in_the_admin_so_no_type_is_chosen_there(client, administrator):
    # given
    client.force_login(administrator)

    # when
    add_page = client.get(url(SalesOrder, "add"))
    posted = client.post(url(SalesOrder, "add"), {"customer": make_customer().pk, "order_type": "returned_order"})

    # then: orders are entered on the order pages or through the API, where the type is checked
    assert (add_page.status_code, posted.status_code) == (403, 403)
    assert SalesOrder.objects.count() == 0


def test_quotation_admin_shows_revisions_and_accepts_through_the_service(client, administrator):
    from salesapp.models import Quotation, QuotationRevision
    from salesapp.services.quotations import quotation_send
    from tests.factories.quotations import make_quotation

    # given: one sent quotation and one draft
    client.force_login(administrator)
    sent = quotation_send(quotation=make_quotation(), by=builder())
    draft = make_quotation()

    # when
    assert client.get(url(Quotation, "change", sent.pk)).status_code == 200
    revision = QuotationRevision.objects.get(quotation=sent)
    assert client.get(url(QuotationRevision, "change", revision.pk)).status_code == 200
    response = client.post(
        url(Quotation), {"action": "accept_current_revision", "_selected_action": [sent.pk, draft.pk]}
    )

    # then: the sent one is accepted into an order, the draft refused with its reason
    assert (Quotation.objects.get(pk=sent.pk).state, Quotation.objects.get(pk=draft.pk).state) == ("accepted", "draft")
    assert ("success", "1 quotation accepted.") in messages_of(response)
    assert any(level == "error" and draft.number in text for level, text in messages_of(response))


def test_cancel_action_cancels_posted_slips_through_the_service(client, administrator, clerk):
    # given: a posted slip and a draft
    client.force_login(administrator)
    order = order_confirm(order=make_order(lines=[(ItemFactory(stock=8), "5")], by=clerk), by=clerk)
    line = order.lines.get()
    posted = packing_slip_post(
        packing_slip=packing_slip_create(order=order, quantities={line.pk: Decimal("2")}, by=clerk), by=clerk
    )
    draft = packing_slip_create(order=order, quantities={line.pk: Decimal("1")}, by=clerk)

    # when
    response = client.post(
        url(PackingSlip), {"action": "cancel_packing_slips", "_selected_action": [posted.pk, draft.pk]}
    )

    # then
    posted.refresh_from_db()
    draft.refresh_from_db()
    assert (posted.state, posted.cancel_reason, draft.state) == ("canceled", "Canceled in the admin.", "draft")
    assert messages_of(response) == [
        ("error", f"{draft}: Only a posted packing slip can be canceled; this one is Draft."),
        ("success", "1 packing slip canceled."),
    ]
