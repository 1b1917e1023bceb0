"""Accepting a quotation of services into an invoice draft (the quotation converter "invoice"), and posting it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Sum

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.models import Invoice, JournalLine
from invoicing.services.invoices import invoice_post
from marketing.models import Activity, Opportunity
from salesapp.models import Customer, Quotation, SalesOrder
from salesapp.services.quotations import (
    QuotationLineInput,
    quotation_accept,
    quotation_create_for_opportunity,
    quotation_line_add,
    quotation_send,
)
from tests.factories.marketing import OpportunityFactory, PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, tax_code
from tests.factories.users import user_with_role

D = Decimal


@pytest.fixture
def services():
    return {
        "consult": ItemFactory(number="S-100", name="Consulting day", unit_price=D("80.00"), item_type="service"),
        "training": ItemFactory(
            number="S-200", name="Training", unit_price=D("45.50"), item_type="service", tax_code=tax_code("NL9")
        ),
        "printer": ItemFactory(number="P-100", name="Printer", unit_price=D("200.00")),
    }


@pytest.fixture
def sent_for_prospect(clerk, services):
    """A prospect's opportunity with a sent quotation of two services, one with a typed discount."""
    prospect = PartyFactory(name="Prospect BV")
    opportunity = OpportunityFactory(party=prospect)
    quotation = quotation_create_for_opportunity(opportunity=opportunity, by=clerk)
    quotation_line_add(
        quotation=quotation, line=QuotationLineInput(item=services["consult"], quantity=D("3")), by=clerk
    )
    quotation_line_add(
        quotation=quotation,
        line=QuotationLineInput(item=services["training"], quantity=D("2"), discount_percent=D("10")),
        by=clerk,
    )
    return quotation_send(quotation=quotation, by=clerk)


def snapshot(quotation):
    quotation = Quotation.objects.get(pk=quotation.pk)
    return (
        quotation.state,
        quotation.accepted_revision,
        quotation.customer_id,
        quotation.party_id,
        quotation.sales_order_id,
        quotation.opportunity.state if quotation.opportunity_id else None,
        Customer.objects.count(),
        Invoice.objects.count(),
        SalesOrder.objects.count(),
        Activity.objects.filter(subject__contains="accepted").count(),
    )


def test_accept_into_an_invoice_draft_for_a_prospect(clerk, sent_for_prospect, django_assert_max_num_queries):
    quotation = sent_for_prospect
    # A running server has the content types cached after its first request: measured warm, run alone or not.
    ContentType.objects.get_for_model(Opportunity)

    # when: measured at 33 statements (locks, the customer account with its tax group and its number, the
    # invoice, its lines and tax lines in one INSERT each, the opportunity won, the audit rows and the activity)
    with django_assert_max_num_queries(33):
        accepted = quotation_accept(quotation=quotation, revision=1, convert_to="invoice", by=clerk)

    # then: the prospect is a customer, billed by a draft without an order, linked to the quotation
    customer = Customer.objects.get(party__name="Prospect BV")
    invoice = accepted.converted_document
    assert (accepted.state, accepted.customer_id, accepted.party_id, accepted.sales_order_id) == (
        "accepted",
        customer.pk,
        None,
        None,
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.state, invoice.number, invoice.customer_id, invoice.order_id, invoice.basis) == (
        "draft",
        None,
        customer.pk,
        None,
        "direct",
    )
    assert invoice.quotation_id == quotation.pk
    assert list(
        invoice.lines.order_by("line_no").values_list(
            "line_no",
            "line_type",
            "item__number",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "discount_percent",
            "price_source",
            "tax_code__code",
            "net_amount",
            "revenue_account__number",
            "order_line",
        )
    ) == [
        (10, "service", "S-100", "Consulting day", D("3.000"), "pcs", D("80.0000"), D("0.00"), "item_price", "NL21",
         D("240.00"), "8100", None),
        (20, "service", "S-200", "Training", D("2.000"), "pcs", D("45.5000"), D("10.00"), "manual", "NL9",
         D("81.90"), "8100", None),
    ]  # fmt: skip
    # 240.00 at 21 % = 50.40; 91.00 less 10 % = 81.90 at 9 % = 7.371 → 7.37
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("321.90"), D("57.77"), D("379.67"))
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (
        accepted.amount_net,
        accepted.amount_tax,
        accepted.amount_total,
    )
    assert sorted(invoice.taxes.values_list("tax_code__code", "base", "amount")) == [
        ("NL21", D("240.00"), D("50.40")),
        ("NL9", D("81.90"), D("7.37")),
    ]
    # the opportunity is won by the invoice made from its quotation; the step is on the timeline
    accepted.opportunity.refresh_from_db()
    assert accepted.opportunity.state == "won"
    assert Activity.objects.filter(
        subject=f"Quotation {quotation.number} r1 accepted: invoice draft #{invoice.pk}"
    ).exists()
    assert SalesOrder.objects.count() == 0


def test_the_invoice_draft_posts_a_balanced_entry_to_the_cent(clerk, billing, sent_for_prospect):
    accepted = quotation_accept(quotation=sent_for_prospect, revision=1, convert_to="invoice", by=clerk)

    # when
    invoice = invoice_post(invoice=accepted.converted_document, store_pdf=False, by=billing)

    # then: numbered, receivable = the accepted revision's total, revenue on services, tax per code
    invoice.refresh_from_db()
    revision = accepted.revisions.get(number=1)
    assert invoice.state == "posted" and invoice.number
    assert invoice.amount_total == revision.amount_total == D("379.67")
    postings = JournalLine.objects.filter(entry__invoice=invoice)
    totals = postings.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert totals == {"debit": D("379.67"), "credit": D("379.67")}
    assert sorted(postings.filter(credit__gt=0).values_list("account__number", "credit")) == [
        ("1600", D("50.40")),
        ("1610", D("7.37")),
        ("8100", D("321.90")),
    ]
    assert list(postings.filter(debit__gt=0).values_list("debit", "customer_id")) == [
        (D("379.67"), invoice.customer_id)
    ]


def test_a_quotation_with_goods_is_refused_naming_the_line_and_nothing_changes(clerk, services):
    # given: a prospect's quotation with a service and a printer
    opportunity = OpportunityFactory(party=PartyFactory())
    quotation = quotation_create_for_opportunity(opportunity=opportunity, by=clerk)
    for item in (services["consult"], services["printer"]):
        quotation_line_add(quotation=quotation, line=QuotationLineInput(item=item, quantity=D("1")), by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    before = snapshot(quotation)

    # when / then
    with pytest.raises(TransitionRefused, match=r"Line 20 \(P-100\) is not a service") as refused:
        quotation_accept(quotation=quotation, revision=1, convert_to="invoice", by=clerk)
    assert refused.value.code == "quotation-not-convertible"
    assert snapshot(quotation) == before

    # a sales order is still possible
    assert quotation_accept(quotation=quotation, revision=1, convert_to="order", by=clerk).sales_order_id


def test_an_unknown_conversion_is_refused_naming_the_choices(clerk, sent_for_prospect):
    before = snapshot(sent_for_prospect)

    with pytest.raises(ValidationFailed) as refused:
        quotation_accept(quotation=sent_for_prospect, revision=1, convert_to="credit_note", by=clerk)

    assert refused.value.code == "quotation-conversion-unknown"
    assert refused.value.field_errors == {
        "convert_to": "'credit_note' is not a document a quotation converts into: choose 'order' (Sales order), "
        "'invoice' (Invoice draft)."
    }
    assert snapshot(sent_for_prospect) == before


def test_converting_into_an_invoice_needs_the_right_to_make_invoices(clerk, sent_for_prospect):
    # given: a user who may accept quotations and make orders, not invoices
    clerk.groups.clear()
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["accept_quotation", "change_quotation", "add_salesorder"])
    )
    by = type(clerk).objects.get(pk=clerk.pk)
    before = snapshot(sent_for_prospect)

    with pytest.raises(ActionForbidden, match="not allowed to convert a quotation into this document: Invoice draft"):
        quotation_accept(quotation=sent_for_prospect, revision=1, convert_to="invoice", by=by)
    assert snapshot(sent_for_prospect) == before


def test_database_keeps_direct_invoices_apart_from_orders(clerk, sent_for_prospect, services):
    accepted = quotation_accept(quotation=sent_for_prospect, revision=1, convert_to="invoice", by=clerk)
    other = quotation_send(quotation=make_quotation(lines=[(services["consult"], "1")], by=clerk), by=clerk)
    order = quotation_accept(quotation=other, revision=1, by=clerk).sales_order
    invoice = accepted.converted_document

    with pytest.raises(IntegrityError, match="invoice_direct_has_no_order"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(order=order)
    with pytest.raises(IntegrityError, match="invoice_quotation_is_direct"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(basis="order")


def test_the_page_offers_an_invoice_draft_only_when_every_line_is_a_service(clerk, sent_for_prospect):
    from salesapp.selectors.quotations import quotation_convert_choices

    lines = list(sent_for_prospect.lines.select_related("item"))
    assert quotation_convert_choices(lines=lines, user=clerk) == [
        ("order", "Sales order"),
        ("invoice", "Invoice draft"),
    ]
    assert quotation_convert_choices(lines=lines, user=user_with_role("billing clerk", "biller")) == [
        ("invoice", "Invoice draft")
    ]
    printer_line = [*lines, type(lines[0])(line_no=30, item=ItemFactory(), line_type="item")]
    assert quotation_convert_choices(lines=printer_line, user=clerk) == [("order", "Sales order")]
