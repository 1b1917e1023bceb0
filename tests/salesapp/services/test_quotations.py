import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_fsm_log.models import StateLog

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.choices import PriceSource
from salesapp.models import Customer, Quotation, QuotationRevision, QuotationRevisionLine, SalesOrder
from salesapp.selectors.quotations import revision_compare, revision_get
from salesapp.services.orders import OrderLineInput, order_create
from salesapp.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_cancel,
    quotation_copy,
    quotation_create,
    quotation_create_for_opportunity,
    quotation_line_add,
    quotation_line_remove,
    quotation_line_update,
    quotation_lose,
    quotation_revise,
    quotation_send,
    quotation_update,
    quotations_expire_due,
)
from tests.factories.marketing import OpportunityFactory, PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_agreement, make_customer

D = Decimal


def snapshot(quotation):
    quotation = Quotation.objects.get(pk=quotation.pk)
    return (
        quotation.state,
        quotation.revision_count,
        quotation.current_revision,
        quotation.amount_total,
        quotation.sales_order_id,
        list(quotation.lines.values_list("line_no", "quantity", "unit_price")),
        QuotationRevision.objects.filter(quotation=quotation).count(),
    )


@pytest.fixture
def items():
    return {
        "A": ItemFactory(number="A-100", unit_price=D("12.50")),
        "B": ItemFactory(number="B-200", unit_price=D("99.99"), item_type="service"),
    }


def test_create_for_a_prospect_prices_lines_and_numbers_the_quotation(clerk, items):
    # given
    prospect = PartyFactory(name="Prospect BV")

    # when
    quotation = make_quotation(party=prospect, lines=[(items["A"], "10"), (items["B"], "1", "90.00")], by=clerk)

    # then
    assert quotation.number.startswith("QT-")
    assert (quotation.state, quotation.customer_id, quotation.party_id) == ("draft", None, prospect.pk)
    assert quotation.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    lines = list(quotation.lines.order_by("line_no"))
    assert [(line.unit_price, line.price_source) for line in lines] == [
        (D("12.5000"), PriceSource.ITEM_PRICE),
        (D("90.0000"), PriceSource.MANUAL),
    ]
    # 125.00 + 90.00 at 21 % → tax 45.15
    assert (quotation.amount_net, quotation.amount_tax, quotation.amount_total) == (
        D("215.00"),
        D("45.15"),
        D("260.15"),
    )


def test_a_party_with_a_customer_account_is_quoted_as_the_customer(clerk):
    customer = make_customer()
    quotation = make_quotation(party=customer.party, by=clerk)
    assert (quotation.customer_id, quotation.party_id) == (customer.pk, None)


def test_create_refuses_a_recipient_missing_and_bad_lines_naming_the_fields(clerk, items):
    with pytest.raises(ValidationFailed) as refused:
        quotation_create(by=clerk, lines=[QuotationLineInput(item=items["A"], quantity=D("0"))])
    assert set(refused.value.field_errors) == {"customer", "lines[0].quantity"}
    assert Quotation.objects.count() == 0


def test_database_requires_customer_or_party_not_both(clerk):
    quotation = make_quotation(by=clerk)
    customer = make_customer()
    with pytest.raises(DatabaseError), transaction.atomic():
        Quotation.objects.filter(pk=quotation.pk).update(customer=customer)


def test_send_freezes_revision_one(clerk, items):
    quotation = make_quotation(lines=[(items["A"], "2")], by=clerk)

    sent = quotation_send(quotation=quotation, by=clerk)

    assert (sent.state, sent.revision_count, sent.current_revision) == ("sent", 1, 1)
    revision = QuotationRevision.objects.get(quotation=quotation)
    assert (revision.number, revision.amount_total) == (1, D("30.25"))
    assert list(revision.lines.values_list("item__number", "quantity", "unit_price")) == [
        ("A-100", D("2.000"), D("12.5000"))
    ]
    assert StateLog.objects.filter(object_id=quotation.pk, transition="send").count() == 1
    assert Activity.objects.filter(document_id=quotation.pk, party=quotation.party, done=True).count() == 1


def test_send_without_lines_is_refused_and_nothing_changes(clerk):
    quotation = make_quotation(lines=[], by=clerk)
    before = snapshot(quotation)
    with pytest.raises(TransitionRefused, match="Add at least one line"):
        quotation_send(quotation=quotation, by=clerk)
    assert snapshot(quotation) == before


def test_billing_may_not_send(clerk, billing):
    quotation = make_quotation(by=clerk)
    before = snapshot(quotation)
    with pytest.raises(ActionForbidden):
        quotation_send(quotation=quotation, by=billing)
    assert snapshot(quotation) == before


def test_edits_only_while_draft(clerk, items):
    quotation = quotation_send(quotation=make_quotation(lines=[(items["A"], "2")], by=clerk), by=clerk)
    before = snapshot(quotation)
    with pytest.raises(TransitionRefused, match="only changes while it is a draft"):
        quotation_line_add(quotation=quotation, line=QuotationLineInput(item=items["B"], quantity=D("1")), by=clerk)
    with pytest.raises(TransitionRefused):
        quotation_update(quotation=quotation, terms="new", by=clerk)
    assert snapshot(quotation) == before


def test_revise_then_send_makes_r2_only_when_changed(clerk, items):
    quotation = make_quotation(lines=[(items["A"], "2")], by=clerk)
    quotation_send(quotation=quotation, by=clerk)

    # revised and sent again unchanged: still r1
    quotation_revise(quotation=quotation, by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    assert (quotation.revision_count, quotation.current_revision) == (1, 1)

    # revised, a line changed: r2
    quotation_revise(quotation=quotation, by=clerk)
    line = quotation.lines.get()
    quotation_line_update(quotation_line=line, quantity=D("3"), by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    assert (quotation.revision_count, quotation.current_revision) == (2, 2)
    assert revision_get(quotation=quotation, number=1).amount_total == D("30.25")
    # 3 × 12.50 = 37.50 + 21 % 7.88
    assert revision_get(quotation=quotation, number=2).amount_total == D("45.38")


def test_revisions_are_guarded_by_the_database(clerk, items):
    # given: a sent quotation (r1)
    quotation = quotation_send(quotation=make_quotation(lines=[(items["A"], "2")], by=clerk), by=clerk)
    revision = QuotationRevision.objects.get(quotation=quotation)

    # when / then: the application's own connection cannot change or delete it, nor its lines
    for statement in (
        f"UPDATE salesapp_quotationrevision SET amount_total = 0 WHERE id = {revision.pk}",
        f"DELETE FROM salesapp_quotationrevision WHERE id = {revision.pk}",
        f"UPDATE salesapp_quotationrevisionline SET quantity = 99 WHERE revision_id = {revision.pk}",
        f"DELETE FROM salesapp_quotationrevisionline WHERE revision_id = {revision.pk}",
    ):
        with pytest.raises(DatabaseError, match="frozen as sent"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert QuotationRevisionLine.objects.get(revision=revision).quantity == D("2.000")


def test_compare_revisions(clerk, items):
    c = ItemFactory(number="C-300", unit_price=D("5.00"))
    quotation = make_quotation(lines=[(items["A"], "2"), (items["B"], "1")], by=clerk)
    quotation_send(quotation=quotation, by=clerk)
    quotation_revise(quotation=quotation, by=clerk)
    line_a, line_b = quotation.lines.order_by("line_no")
    quotation_line_update(quotation_line=line_a, unit_price=D("11.00"), by=clerk)
    quotation_line_remove(quotation_line=line_b, by=clerk)
    quotation_line_add(quotation=quotation, line=QuotationLineInput(item=c, quantity=D("4")), by=clerk)
    quotation_send(quotation=quotation, by=clerk)

    comparison = revision_compare(
        revision_get(quotation=quotation, number=1), revision_get(quotation=quotation, number=2)
    )

    assert [(line.item, line.kind, line.changed) for line in comparison.lines] == [
        ("A-100", "changed", ("unit_price",)),
        ("B-200", "removed", ()),
        ("C-300", "added", ()),
    ]
    # r1: 25.00 + 99.99 = 124.99 → 151.24; r2: 22.00 + 20.00 = 42.00 → 50.82
    assert comparison.total_delta == D("50.82") - D("151.24")


def test_accept_a_stale_revision_is_refused_and_nothing_changes(clerk, items):
    quotation = make_quotation(lines=[(items["A"], "2")], by=clerk)
    quotation_send(quotation=quotation, by=clerk)
    quotation_revise(quotation=quotation, by=clerk)
    quotation_line_update(quotation_line=quotation.lines.get(), quantity=D("5"), by=clerk)
    quotation_send(quotation=quotation, by=clerk)
    before = snapshot(quotation)

    with pytest.raises(TransitionRefused, match="customer was last sent r2") as refused:
        quotation_accept(quotation=quotation, revision=1, by=clerk)
    assert refused.value.code == "quotation-revision-stale"
    with pytest.raises(ValidationFailed) as unknown:
        quotation_accept(quotation=quotation, revision=7, by=clerk)
    assert set(unknown.value.field_errors) == {"revision"}
    assert snapshot(quotation) == before
    assert SalesOrder.objects.count() == 0


def test_accept_converts_a_prospect_into_a_customer_and_an_order(clerk, items):
    # given: a prospect's opportunity and a quotation for it, with a typed price
    prospect = PartyFactory(name="Prospect BV")
    opportunity = OpportunityFactory(party=prospect)
    quotation = quotation_create_for_opportunity(opportunity=opportunity, by=clerk)
    quotation_line_add(quotation=quotation, line=QuotationLineInput(item=items["A"], quantity=D("10")), by=clerk)
    quotation_line_add(
        quotation=quotation,
        line=QuotationLineInput(item=items["B"], quantity=D("1"), unit_price=D("90"), discount_percent=D("10")),
        by=clerk,
    )
    quotation = quotation_send(quotation=quotation, by=clerk)

    # when
    accepted = quotation_accept(quotation=quotation, revision=1, by=clerk)

    # then: a customer, an order with the same lines, prices and sources, the opportunity won
    customer = Customer.objects.get(party=prospect)
    order = accepted.sales_order
    assert (accepted.state, accepted.accepted_revision, accepted.customer_id, accepted.party_id) == (
        "accepted",
        1,
        customer.pk,
        None,
    )
    assert (order.customer_id, order.opportunity_id, order.customer_reference) == (
        customer.pk,
        opportunity.pk,
        quotation.number,
    )
    assert list(
        order.lines.order_by("line_no").values_list(
            "item__number", "quantity", "unit_price", "discount_percent", "price_source"
        )
    ) == [
        ("A-100", D("10.000"), D("12.5000"), D("0.00"), "item_price"),
        ("B-200", D("1.000"), D("90.0000"), D("10.00"), "manual"),
    ]
    # 125.00 + 81.00 = 206.00, tax 43.26
    assert (order.amount_net, order.amount_total) == (accepted.amount_net, accepted.amount_total)
    assert order.amount_total == D("249.26")
    opportunity.refresh_from_db()
    assert opportunity.state == "won"
    assert SalesOrder.objects.get(pk=order.pk).quotation.pk == quotation.pk


def test_a_quotation_past_its_date_refuses_acceptance_before_the_job_ran(clerk, items):
    quotation = quotation_send(quotation=make_quotation(lines=[(items["A"], "1")], by=clerk), by=clerk)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    before = snapshot(quotation)

    with pytest.raises(TransitionRefused, match="can no longer be accepted"):
        quotation_accept(quotation=quotation, revision=1, by=clerk)
    assert snapshot(quotation) == before


def test_expiry_job_expires_sent_quotations_past_their_date(clerk, items):
    # given: one sent quotation past its date, one still valid, one draft past its date
    past = timezone.localdate() - datetime.timedelta(days=1)
    late = quotation_send(quotation=make_quotation(lines=[(items["A"], "1")], by=clerk), by=clerk)
    valid = quotation_send(quotation=make_quotation(lines=[(items["A"], "1")], by=clerk), by=clerk)
    draft = make_quotation(lines=[(items["A"], "1")], by=clerk)
    Quotation.objects.filter(pk__in=[late.pk, draft.pk]).update(valid_until=past)

    # when: the daily job is due
    from core.jobs import job_enqueue
    from salesapp.jobs import quotations_expire_daily

    job_enqueue(quotations_expire_daily, timestamp=0)
    runs = jobs_run_due()

    # then
    assert [run.status for run in runs if run.task_name == "salesapp.quotations_expire_daily"] == ["succeeded"]
    states = dict(Quotation.objects.filter(pk__in=[late.pk, valid.pk, draft.pk]).values_list("pk", "state"))
    assert states == {late.pk: "expired", valid.pk: "sent", draft.pk: "draft"}
    assert quotations_expire_due(by=clerk) == []


def test_lose_needs_a_reason_from_the_list(clerk, items):
    quotation = make_quotation(by=clerk)
    before = snapshot(quotation)
    with pytest.raises(ValidationFailed) as refused:
        quotation_lose(quotation=quotation, reason="bored", by=clerk)
    assert set(refused.value.field_errors) == {"reason"}
    assert snapshot(quotation) == before

    lost = quotation_lose(quotation=quotation, reason="price", note="20 % too high", by=clerk)
    assert (lost.state, lost.lost_reason, lost.lost_note) == ("lost", "price", "20 % too high")


def test_cancel_then_nothing_else(clerk, items):
    quotation = quotation_cancel(quotation=make_quotation(by=clerk), by=clerk)
    before = snapshot(quotation)
    with pytest.raises(TransitionRefused, match="only a draft can be sent"):
        quotation_send(quotation=quotation, by=clerk)
    assert snapshot(quotation) == before


def test_copy_makes_a_new_draft_with_the_lines(clerk, items):
    quotation = make_quotation(lines=[(items["A"], "2"), (items["B"], "1", "80")], by=clerk)
    quotation_send(quotation=quotation, by=clerk)

    copy = quotation_copy(quotation=quotation, by=clerk)

    assert copy.pk != quotation.pk and copy.state == "draft" and copy.revision_count == 0
    assert list(copy.lines.order_by("line_no").values_list("quantity", "unit_price", "price_source")) == [
        (D("2.000"), D("12.5000"), "item_price"),
        (D("1.000"), D("80.0000"), "manual"),
    ]


def test_typing_a_price_on_a_quotation_needs_the_override_permission(clerk, billing, items):
    # given: a draft with an engine-priced line
    quotation = make_quotation(lines=[(items["A"], "2")], by=clerk)
    line = quotation.lines.get()
    before = list(quotation.lines.values_list("pk", "unit_price", "discount_percent", "price_source"))

    # when: a role without the permission types a price or a discount
    with pytest.raises(ActionForbidden) as on_create:
        quotation_create(
            party=PartyFactory(),
            lines=[QuotationLineInput(item=items["A"], quantity=D("1"), unit_price=D("1"))],
            by=billing,
        )
    with pytest.raises(ActionForbidden) as on_add:
        quotation_line_add(
            quotation=quotation,
            line=QuotationLineInput(item=items["B"], quantity=D("1"), discount_percent=D("50")),
            by=billing,
        )
    with pytest.raises(ActionForbidden) as on_update:
        quotation_line_update(quotation_line=line, unit_price=D("0.01"), by=billing)

    # then: each refusal names the field, nothing changed
    assert [r.value.field for r in (on_create, on_add, on_update)] == [
        "lines[0].unit_price",
        "discount_percent",
        "unit_price",
    ]
    assert {r.value.code for r in (on_create, on_add, on_update)} == {"price-override-forbidden"}
    assert list(quotation.lines.values_list("pk", "unit_price", "discount_percent", "price_source")) == before
    assert Quotation.objects.count() == 1
    # asking the engine again (a quantity only) is anyone's to do
    assert quotation_line_update(quotation_line=line, quantity=D("3"), by=billing).quantity == D("3")


def test_a_price_carried_over_with_its_source_is_not_a_typed_one(billing, items):
    # given: a line whose price was decided on the document it comes from (as acceptance passes it on)
    carried = OrderLineInput(
        item=items["B"], quantity=D("1"), unit_price=D("90"), discount_percent=D("0"), price_source="manual"
    )

    # when: created by a role that may not type prices
    order = order_create(customer=make_customer(), lines=[carried], by=billing)

    # then: the price and its source stay as they were
    assert list(order.lines.values_list("unit_price", "price_source")) == [(D("90.0000"), "manual")]


def test_changing_the_quantity_asks_the_engine_for_price_and_discount_again(clerk):
    # given: 5 % off from 10 units, a line of 1 unit
    item = ItemFactory(unit_price=D("10"))
    make_agreement(kind="discount", item=item, from_quantity=D("10"), discount_percent=D("5"))
    quotation = make_quotation(customer=make_customer(), lines=[(item, "1")], by=clerk)
    line = quotation.lines.get()
    assert (line.discount_percent, line.price_source) == (D("0.00"), "item_price")

    # when: the quantity crosses the break
    changed = quotation_line_update(quotation_line=line, quantity=D("20"), by=clerk)

    # then: the agreed discount, still the engine's
    assert (changed.unit_price, changed.discount_percent, changed.price_source) == (
        D("10.0000"),
        D("5.00"),
        "all_customers_agreement",
    )


def test_a_clerk_accepts_for_a_prospect_on_the_templates_terms_without_credit_rights(clerk, items, settings):
    # given: the company's template gives new customers 14 days in SEK; a clerk may not set credit terms himself
    settings.SALESFLOW_CUSTOMER_TEMPLATE = {
        **settings.SALESFLOW_CUSTOMER_TEMPLATE,
        "currency": "SEK",
        "payment_terms_days": 14,
    }
    assert not clerk.has_perm("salesapp.change_customer_credit")
    prospect = PartyFactory(name="Template Terms AB")
    quotation = quotation_send(quotation=make_quotation(party=prospect, lines=[(items["A"], "2")], by=clerk), by=clerk)

    # when
    accepted = quotation_accept(quotation=quotation, revision=1, by=clerk)

    # then: the account has the template's currency and terms, and the order is in that currency
    customer = Customer.objects.get(party=prospect)
    assert (customer.currency, customer.payment_terms_days, customer.credit_limit) == ("SEK", 14, D("0.00"))
    assert (accepted.customer_id, accepted.sales_order.currency) == (customer.pk, "SEK")


def test_a_prospect_that_became_a_customer_meanwhile_accepts_as_that_customer(clerk, items):
    # given: a prospect's quotation sent, then the party got a customer account another way
    prospect = PartyFactory(name="Later Customer BV")
    quotation = make_quotation(party=prospect, lines=[(items["A"], "2")], by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    customer = make_customer(party=prospect)

    # when
    accepted = quotation_accept(quotation=quotation, revision=1, by=clerk)

    # then: no second account; the order is that customer's
    assert Customer.objects.filter(party=prospect).count() == 1
    assert accepted.sales_order.customer_id == customer.pk


def test_quotation_dates_outside_the_document_window_are_refused_naming_the_field(clerk):
    far = datetime.date(2150, 1, 1)
    with pytest.raises(ValidationFailed) as refused:
        quotation_create(party=PartyFactory(), lines=[], valid_until=far, requested_ship_date=far, by=clerk)
    assert set(refused.value.field_errors) == {"valid_until", "requested_ship_date"}
