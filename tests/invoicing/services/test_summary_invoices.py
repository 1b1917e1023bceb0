"""Summary invoices: a draft claims its slip lines until it is posted or deleted; posting refuses a slip line
invoiced meanwhile by its order's own invoice, and the database refuses a second claim made behind the services."""

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import TransitionRefused
from invoicing.errors import ErrorCode
from invoicing.models import Invoice, InvoiceLine
from invoicing.services.invoices import invoice_create_from_order, invoice_delete, invoice_post
from invoicing.services.summary_invoices import summary_invoice_create
from salesapp.models import PackingSlipLine
from tests.factories.summary_invoicing import month_of_slips

pytestmark = pytest.mark.django_db


def _slip_line_ids(slips):
    return list(PackingSlipLine.objects.filter(packing_slip__in=slips).order_by("pk").values_list("pk", flat=True))


def test_deleting_a_draft_frees_its_slip_lines(manager, billing):
    # given
    customer, _orders, slips = month_of_slips(manager)
    ids = _slip_line_ids(slips)
    draft = summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=ids, by=manager)
    with pytest.raises(TransitionRefused) as refused:
        summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=ids[:1], by=manager)
    assert refused.value.code == ErrorCode.SLIP_LINE_ON_DRAFT

    # when
    invoice_delete(invoice=draft, by=billing)
    again = summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=ids[:1], by=manager)

    # then
    assert list(again.lines.values_list("packing_slip_line_id", "draft_claim")) == [(ids[0], True)]


def test_posting_refuses_a_slip_invoiced_meanwhile_and_changes_nothing(manager, billing):
    # given: a summary draft, then the first order invoiced on its own
    customer, orders, slips = month_of_slips(manager)
    draft = summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=_slip_line_ids(slips), by=manager)
    invoice_post(invoice=invoice_create_from_order(order=orders[0], by=billing), by=billing)
    before = list(PackingSlipLine.objects.order_by("pk").values_list("qty_invoiced", flat=True))

    # when
    with pytest.raises(TransitionRefused) as refused:
        invoice_post(invoice=draft, by=billing)

    # then
    assert refused.value.code == "over-invoiced"
    draft.refresh_from_db()
    assert (draft.state, draft.number) == ("draft", None)
    assert list(PackingSlipLine.objects.order_by("pk").values_list("qty_invoiced", flat=True)) == before
    assert Invoice.objects.filter(state="posted").count() == 1


def test_the_database_refuses_a_second_claim_made_behind_the_services(manager):
    # given
    customer, _orders, slips = month_of_slips(manager)
    draft = summary_invoice_create(customer=customer, currency="EUR", slip_line_ids=_slip_line_ids(slips), by=manager)
    line = draft.lines.order_by("line_no").first()

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO invoicing_invoiceline (line_no, line_type, item_id, description, quantity, unit, unit_price,"
            " discount_percent, price_source, tax_code_id, net_amount, invoice_id, order_line_id, packing_slip_line_id,"
            " revenue_account_id, draft_claim) SELECT 99, line_type, item_id, description, quantity, unit, unit_price,"
            " discount_percent, price_source, tax_code_id, net_amount, invoice_id, order_line_id, packing_slip_line_id,"
            " revenue_account_id, true FROM invoicing_invoiceline WHERE id = %s",
            [line.pk],
        )
    assert InvoiceLine.objects.filter(packing_slip_line=line.packing_slip_line, draft_claim=True).count() == 1
