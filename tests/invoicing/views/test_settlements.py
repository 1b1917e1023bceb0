"""Pages: apply a payment from its proposal, un-apply, set a credit note off, the aging report."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.models import Invoice, Payment, PaymentApplication
from invoicing.services.payments import ApplicationInput, payment_register
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

D = Decimal
TODAY = datetime.date.today()


@pytest.fixture
def open_documents(clerk, billing):
    customer = make_customer(party=PartyFactory(name="Contoso"), payment_terms_days=14)
    older, newer = (
        posted_invoice(by=clerk, post_by=billing, customer=customer, invoice_date=TODAY - datetime.timedelta(days=d))
        for d in (40, 10)
    )
    credit = posted_credit_note(invoice=newer, by=clerk, post_by=billing)
    return customer, older, newer, credit


def test_apply_page_is_prefilled_with_the_proposal_and_confirms_it(client, billing, open_documents):
    customer, older, newer, credit = open_documents
    payment = payment_register(customer=customer, amount=D("130"), reference=f"for {newer.number}", by=billing)
    client.force_login(billing)
    url = reverse("invoicing:payment_apply", args=[payment.pk])

    form = client.get(url).context["form"]

    # the named invoice first, then the oldest; the credit note is offered but not proposed
    assert [(document.pk, field.value()) for document, field in form.rows()] == [
        (newer.pk, D("121.00")),
        (older.pk, D("9.00")),
        (credit.pk, None),
    ]

    response = client.post(url, {f"amount_{newer.pk}": "121.00", f"amount_{older.pk}": "9.00"})

    assert response.status_code == 302
    assert Payment.objects.get(pk=payment.pk).amount_unapplied == D("0.00")
    detail = client.get(reverse("invoicing:payment_detail", args=[payment.pk])).content.decode()
    assert detail.count("Un-apply</button>") == 2


def test_apply_page_puts_the_service_refusal_on_the_document(client, billing, open_documents):
    customer, older, _newer, _credit = open_documents
    payment = payment_register(customer=customer, amount=D("500"), by=billing)
    client.force_login(billing)

    response = client.post(reverse("invoicing:payment_apply", args=[payment.pk]), {f"amount_{older.pk}": "130"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"amount_{older.pk}": [f"{older.number} has only 121.00 open; 130.00 applied."]
    }
    assert not PaymentApplication.objects.exists()


def test_unapply_button_takes_the_application_back(client, billing, open_documents):
    customer, older, _newer, _credit = open_documents
    payment = payment_register(customer=customer, amount=D("121"), applications=[ApplicationInput(older)], by=billing)
    client.force_login(billing)
    application = payment.applications.get()

    response = client.post(reverse("invoicing:payment_application_unapply", args=[application.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:payment_detail", args=[payment.pk])
    assert Invoice.objects.get(pk=older.pk).payment_state == "unpaid"
    html = client.get(response["Location"]).content.decode()
    assert "taken back by" in html and "Un-apply</button>" not in html
    # GET does nothing
    assert client.get(reverse("invoicing:payment_application_unapply", args=[application.pk])).status_code == 405


def test_set_off_page(client, billing, open_documents):
    _customer, older, newer, credit = open_documents
    client.force_login(billing)
    url = reverse("invoicing:credit_note_set_off", args=[credit.pk])

    form = client.get(url).context["form"]
    assert [(d.pk, f.value()) for d, f in form.rows()] == [(older.pk, D("121.00")), (newer.pk, None)]

    response = client.post(url, {f"amount_{older.pk}": "121.00"})

    assert response.status_code == 302
    assert Invoice.objects.get(pk=credit.pk).payment_state == "paid"
    html = client.get(reverse("invoicing:invoice_detail", args=[credit.pk])).content.decode()
    assert "Settled" in html and "Set off against" in html


def test_aging_page_query_count_and_csv(client, billing, clerk, django_assert_max_num_queries):
    for name in ("Alpha", "Beta", "Gamma"):
        customer = make_customer(party=PartyFactory(name=name), payment_terms_days=10)
        for days in (0, 50):
            posted_invoice(
                by=clerk,
                post_by=billing,
                customer=customer,
                invoice_date=TODAY - datetime.timedelta(days=days),
                store_pdf=False,
            )
    client.force_login(billing)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("invoicing:aging"), {"as_of": TODAY.isoformat()})

    assert response.status_code == 200
    assert [(r.customer_name, r.current, r.days_31_60, r.total) for r in response.context["page_obj"]] == [
        (name, D("121.00"), D("121.00"), D("242.00")) for name in ("Alpha", "Beta", "Gamma")
    ]
    searched = client.get(reverse("invoicing:aging"), {"q": "bet"})
    assert [r.customer_name for r in searched.context["page_obj"]] == ["Beta"]
    csv = b"".join(client.get(reverse("invoicing:aging"), {"export": "csv", "q": "gam"}).streaming_content).decode()
    assert csv.splitlines()[1].split(",")[1:] == [
        "Gamma",
        "EUR",
        "121.00",
        "0.00",
        "121.00",
        "0.00",
        "0.00",
        "242.00",
        "242.00",  # in the company currency
    ]
