"""The invoicing admin: invoices, payments and journal entries are read-only; posting is an action."""

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from invoicing.models import Invoice, JournalEntry, LedgerAccount, Payment, PaymentApplication, TaxCodeAccount
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import draft_invoice, posted_invoice
from tests.factories.salesapp import make_customer
from tests.factories.users import builder

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def paid_in_part(clerk, billing) -> Invoice:
    """A posted invoice of 121.00 with 50.00 paid."""
    invoice = posted_invoice(by=clerk, post_by=billing, quantity="4", price="25.00")
    payment_register(
        customer=invoice.customer,
        amount=D("50.00"),
        reference="Bank statement 2026-041",
        applications=[ApplicationInput(invoice=invoice, amount=D("50.00"))],
        by=billing,
    )
    invoice.refresh_from_db()
    return invoice


def changelist_query_count(client, model, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(12) as captured:
        response = client.get(url(model))
    assert response.status_code == 200
    return len(captured)


def test_invoicing_changelists_keep_a_constant_query_count(
    client, administrator, clerk, billing, django_assert_max_num_queries
):
    # given
    client.force_login(administrator)
    paid_in_part(clerk, billing)
    draft_invoice(by=clerk, quantity="4", price="25.00")
    models = (Invoice, Payment, JournalEntry, LedgerAccount, TaxCodeAccount)
    first = {model: changelist_query_count(client, model, django_assert_max_num_queries) for model in models}

    # when: four more posted, partly paid invoices and drafts
    for _ in range(4):
        paid_in_part(clerk, billing)
        draft_invoice(by=clerk, quantity="4", price="25.00")

    # then
    again = {model: changelist_query_count(client, model, django_assert_max_num_queries) for model in models}
    assert again == first
    assert (Invoice.objects.count(), Payment.objects.count(), JournalEntry.objects.count()) == (10, 5, 10)


def test_every_invoicing_change_page_loads(client, administrator, clerk, billing):
    # given
    client.force_login(administrator)
    invoice = paid_in_part(clerk, billing)
    objects = [
        invoice,
        draft_invoice(by=clerk, quantity="4", price="25.00"),
        invoice.payment_applications.get().payment,
        JournalEntry.objects.get(invoice=invoice),
        LedgerAccount.objects.get(number="1300"),
        TaxCodeAccount.objects.get(tax_code__code="NL21"),
    ]

    # when
    responses = [client.get(url(type(obj), "change", obj.pk)) for obj in objects]

    # then
    assert [r.status_code for r in responses] == [200] * 6
    invoice_page = responses[0].content.decode()
    assert "Bank statement 2026-041" not in invoice_page
    assert invoice.number in invoice_page
    assert ">post<" in invoice_page
    assert ">pay_partially<" in invoice_page


def test_post_action_posts_through_the_service(client, administrator, clerk):
    # given
    client.force_login(administrator)
    invoice = draft_invoice(by=clerk, quantity="4", price="25.00")

    # when
    response = client.post(url(Invoice), {"action": "post_invoices", "_selected_action": [invoice.pk]})

    # then
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.amount_total) == ("posted", "INV-000001", D("121.00"))
    assert invoice.invoice_date == timezone.localdate()
    assert invoice.order.state == "invoiced"
    log = StateLog.objects.for_(invoice).get()
    assert (log.transition, log.by) == ("post", administrator)
    assert JournalEntry.objects.filter(invoice=invoice).count() == 1
    assert messages_of(response) == [("success", "1 invoice posted.")]


def test_post_action_reports_an_already_posted_invoice(client, administrator, clerk, billing):
    # given
    client.force_login(administrator)
    posted = posted_invoice(by=clerk, post_by=billing, quantity="4", price="25.00")

    # when
    response = client.post(url(Invoice), {"action": "post_invoices", "_selected_action": [posted.pk]})

    # then
    assert messages_of(response) == [
        (
            "error",
            f"{posted.number}: Invoice {posted.number} is posted and cannot be posted again: "
            "correct it with a credit note.",
        )
    ]
    assert StateLog.objects.for_(posted).count() == 1
    assert JournalEntry.objects.filter(invoice=posted).count() == 1


def test_posted_invoice_cannot_be_changed_or_deleted(client, administrator, clerk, billing):
    # given
    client.force_login(administrator)
    posted = posted_invoice(by=clerk, post_by=billing, quantity="4", price="25.00")

    # when
    page = client.get(url(Invoice, "change", posted.pk))
    change = client.post(url(Invoice, "change", posted.pk), {"due_date": "2099-01-01"})
    delete_page = client.get(url(Invoice, "delete", posted.pk))
    delete = client.post(url(Invoice, "delete", posted.pk), {"post": "yes"})

    # then
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "deletelink" not in page.content.decode()
    assert (change.status_code, delete_page.status_code, delete.status_code) == (403, 403, 403)
    posted.refresh_from_db()
    assert posted.due_date == timezone.localdate() + datetime.timedelta(days=30)


def test_draft_invoice_is_deleted_through_the_service(client, administrator, clerk):
    # given
    client.force_login(administrator)
    draft = draft_invoice(by=clerk, quantity="4", price="25.00")
    order = draft.order

    # when
    response = client.post(url(Invoice, "delete", draft.pk), {"post": "yes"})

    # then: the order may be invoiced again
    assert response.status_code == 302
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert invoice_create_from_order(order=order, basis="order", by=clerk).amount_total == D("121.00")


def test_no_invoice_or_journal_entry_is_added_by_hand(client, administrator):
    # given
    client.force_login(administrator)

    # when
    responses = [client.get(url(model, "add")) for model in (Invoice, JournalEntry, Payment)]

    # then
    assert [r.status_code for r in responses] == [403, 403, 403]


def test_journal_entry_cannot_be_changed_or_deleted(client, administrator, clerk, billing):
    # given
    client.force_login(administrator)
    invoice = posted_invoice(by=clerk, post_by=billing, quantity="4", price="25.00")
    entry = JournalEntry.objects.get(invoice=invoice)

    # when
    change = client.post(url(JournalEntry, "change", entry.pk), {"description": "rewritten"})
    delete = client.post(url(JournalEntry, "delete", entry.pk), {"post": "yes"})

    # then
    assert (change.status_code, delete.status_code) == (403, 403)
    entry.refresh_from_db()
    assert entry.description == f"Customer invoice {invoice.number} {invoice.customer.party.name}"


def test_overdue_filter_lists_posted_unpaid_invoices_past_their_due_date(client, administrator, clerk, billing):
    # given: one invoice 20 days past due, one due in 30 days, one paid
    client.force_login(administrator)
    late_customer = make_customer(payment_terms_days=14)
    late = invoice_post(
        invoice=draft_invoice(by=clerk, customer=late_customer, quantity="4", price="25.00"),
        invoice_date=timezone.localdate() - datetime.timedelta(days=34),
        by=billing,
    )
    current = posted_invoice(by=clerk, post_by=billing, quantity="4", price="25.00")
    paid = invoice_post(
        invoice=draft_invoice(by=clerk, customer=late_customer, quantity="4", price="25.00"),
        invoice_date=timezone.localdate() - datetime.timedelta(days=34),
        by=billing,
    )
    payment_register(
        customer=late_customer,
        amount=D("121.00"),
        applications=[ApplicationInput(invoice=paid, amount=D("121.00"))],
        by=builder(),
    )

    # when
    overdue = client.get(url(Invoice), {"overdue": "yes"})
    not_overdue = client.get(url(Invoice), {"overdue": "no"})

    # then
    assert [invoice.number for invoice in overdue.context["cl"].result_list] == [late.number]
    assert sorted(invoice.number for invoice in not_overdue.context["cl"].result_list) == sorted(
        [current.number, paid.number]
    )


def test_unapply_action_takes_an_application_back_through_the_service(client, administrator, clerk, billing):
    invoice = posted_invoice(by=clerk, post_by=billing)
    payment = payment_register(
        customer=invoice.customer, amount=invoice.amount_total, applications=[ApplicationInput(invoice)], by=billing
    )
    application = payment.applications.get()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:invoicing_paymentapplication_changelist"),
        {"action": "unapply", "_selected_action": [application.pk]},
        follow=True,
    )

    assert "1 application taken back." in response.content.decode()
    application = PaymentApplication.objects.get(pk=application.pk)
    assert (application.unapplied_by, application.invoice.payment_state) == (administrator, "unpaid")
