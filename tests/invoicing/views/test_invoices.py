import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from core.jobs import jobs_run_due
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.payments import ApplicationInput, payment_register
from marketing.services.activities import activity_create
from salesapp.services.orders import order_confirm
from tests.factories.invoicing import posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def lines_of(invoice) -> list[tuple]:
    return [(line.item.number, line.quantity, line.net_amount) for line in invoice.lines.order_by("line_no")]


def test_invoice_create_page_proposes_the_posted_packing_slips(client, clerk, delivered_in_part):
    # given
    order, slip = delivered_in_part
    client.force_login(clerk)

    # when
    response = client.get(reverse("invoicing:invoice_create"), {"order": order.pk})

    # then
    form = response.context["form"]
    html = response.content.decode()
    assert (form["basis"].value(), form["packing_slips"].value()) == ("packing_slips", [slip.pk])
    assert f"{slip.number} shipped {slip.ship_date.isoformat()}: 6 × A, 4 × B" in html
    assert f'value="{slip.pk}"' in html and "checked" in html


def test_invoice_create_from_packing_slips_makes_a_draft(client, clerk, delivered_in_part):
    # given
    order, slip = delivered_in_part
    client.force_login(clerk)

    # when
    response = client.post(
        f"{reverse('invoicing:invoice_create')}?order={order.pk}",
        {"basis": "packing_slips", "packing_slips": [slip.pk]},
    )

    # then
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert (invoice.state, invoice.number, invoice.basis, invoice.created_by) == ("draft", None, "packing_slips", clerk)
    assert lines_of(invoice) == [("A", D("6.000"), D("75.00")), ("B", D("4.000"), D("120.00"))]
    assert (invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (D("195.00"), D("26.55"), D("221.55"))
    assert messages_of(response) == [f"Draft invoice #{invoice.pk} created for order {order.number}."]


def test_invoice_create_on_order_basis_bills_the_undelivered_rest_too(client, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    client.force_login(clerk)

    # when: the basis switch reloads the form without packing slips, then the clerk posts it
    page = client.get(reverse("invoicing:invoice_create"), {"order": order.pk, "basis": "order"})
    client.post(f"{reverse('invoicing:invoice_create')}?order={order.pk}", {"basis": "order"})

    # then
    invoice = Invoice.objects.get()
    assert "Packing slips to invoice" not in page.content.decode()
    assert lines_of(invoice) == [("A", D("10.000"), D("125.00")), ("B", D("4.000"), D("120.00"))]
    assert invoice.amount_total == D("282.05")


def test_invoice_create_needs_a_packing_slip_when_invoicing_packing_slips(client, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    client.force_login(clerk)

    # when
    response = client.post(f"{reverse('invoicing:invoice_create')}?order={order.pk}", {"basis": "packing_slips"})

    # then
    assert response.context["form"].errors == {"packing_slips": ["Choose at least one packing slip."]}
    assert not Invoice.objects.exists()


def test_invoice_create_for_an_open_order_is_refused_with_the_reason(client, clerk):
    # given
    order = make_order(by=clerk)
    client.force_login(clerk)
    url = f"{reverse('invoicing:invoice_create')}?order={order.pk}"

    # when
    response = client.post(url, {"basis": "order"})

    # then
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])
    assert messages_of(response) == [f"Order {order.number} is open: confirm it first."]
    assert not Invoice.objects.exists()

    # and the form is not even offered
    response = client.get(url)
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])


def test_invoice_create_refuses_a_second_draft(client, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(clerk)
    url = f"{reverse('invoicing:invoice_create')}?order={order.pk}"
    assert f"draft invoice #{draft.pk}</a>" in client.get(url).content.decode()

    # when
    response = client.post(url, {"basis": "order"})

    # then
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])
    assert messages_of(response) == [
        f"Order {order.number} already has draft invoice #{draft.pk}: post or delete it first."
    ]
    assert Invoice.objects.count() == 1


def test_draft_invoice_page_offers_post_delete_and_pro_forma(client, billing, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(billing)

    # when
    response = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))

    # then
    html = response.content.decode()
    assert f"Draft invoice #{invoice.pk}" in html
    assert f'action="{reverse("invoicing:invoice_post", args=[invoice.pk])}"' in html
    assert f'action="{reverse("invoicing:invoice_delete", args=[invoice.pk])}"' in html
    assert "Pro forma PDF" in html
    # a later step is not offered, and not explained either: the draft's own actions are what counts now
    assert "Register payment" not in html
    assert "Payments can be registered once the invoice is posted." not in html
    assert 'data-confirm="Post this invoice?' in html
    assert f'<a href="{reverse("salesapp:order_detail", args=[order.pk])}">{order.number}</a>' in html
    assert '<td>NL21</td><td class="num">21</td><td class="num">75.00</td><td class="num">15.75</td>' in html
    assert "set at posting: 14 days after the invoice date" in html


def test_sales_clerk_sees_why_a_draft_cannot_be_posted_by_them(client, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(clerk)

    # when
    html = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    refused = client.post(reverse("invoicing:invoice_post", args=[invoice.pk]))

    # then
    assert reverse("invoicing:invoice_post", args=[invoice.pk]) not in html
    assert "<strong>Post</strong>: Your role does not allow this action." in html
    assert refused.status_code == 403
    invoice.refresh_from_db()
    assert invoice.state == "draft"


def test_post_invoice_from_the_page(client, billing, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(billing)

    # when
    response = client.post(reverse("invoicing:invoice_post", args=[invoice.pk]))

    # then: numbered, due in 14 days, the order still waits for 4 A
    invoice.refresh_from_db()
    order.refresh_from_db()
    today = timezone.localdate()
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert messages_of(response) == ["Invoice posted."]
    assert (invoice.state, invoice.number, invoice.invoice_date, invoice.due_date) == (
        "posted",
        "INV-000001",
        today,
        today + datetime.timedelta(days=14),
    )
    assert order.state == "confirmed"

    # and the page shows the posted invoice, its journal entry and why it cannot change
    html = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Invoice INV-000001" in html
    assert '<span class="badge unpaid">Unpaid</span>' in html
    assert f'href="{reverse("invoicing:payment_create")}?invoice={invoice.pk}"' in html
    # posting is a step done: not offered again, and not explained as a refusal
    assert reverse("invoicing:invoice_post", args=[invoice.pk]) not in html
    assert "cannot be posted again" not in html
    assert reverse("invoicing:invoice_post", args=[invoice.pk]) not in html
    assert '<td class="num">221.55</td>' in html  # receivable debit
    assert "<strong>Post</strong>: Draft &rarr; Posted" in html


def test_posting_twice_is_refused_with_the_reason(client, billing, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(billing)
    client.post(reverse("invoicing:invoice_post", args=[invoice.pk]))

    # when
    response = client.post(reverse("invoicing:invoice_post", args=[invoice.pk]))

    # then
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert messages_of(response) == [
        "Invoice posted.",
        "Invoice INV-000001 is posted and cannot be posted again: correct it with a credit note.",
    ]
    invoice.refresh_from_db()
    assert invoice.number == "INV-000001"


def test_post_and_delete_are_post_only(client, billing, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(billing)

    # when / then
    assert client.get(reverse("invoicing:invoice_post", args=[invoice.pk])).status_code == 405
    assert client.get(reverse("invoicing:invoice_delete", args=[invoice.pk])).status_code == 405
    invoice.refresh_from_db()
    assert invoice.state == "draft"


def test_delete_a_draft_and_refuse_to_delete_a_posted_invoice(client, billing, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    draft = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(billing)

    # when
    response = client.post(reverse("invoicing:invoice_delete", args=[draft.pk]))

    # then
    assert response["Location"] == reverse("salesapp:order_detail", args=[order.pk])
    assert messages_of(response) == ["Draft invoice deleted."]
    assert not Invoice.objects.exists()

    # when: a posted invoice
    posted = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=clerk), by=billing)
    response = client.post(reverse("invoicing:invoice_delete", args=[posted.pk]))

    # then
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[posted.pk])
    assert messages_of(response) == [
        "Draft invoice deleted.",
        f"Invoice {posted.number} is posted and cannot be deleted: correct it with a credit note.",
    ]
    assert list(Invoice.objects.values_list("pk", "state", "number", "amount_total")) == [
        (posted.pk, "posted", "INV-000001", D("221.55"))
    ]
    assert posted.lines.count() == 2


def test_invoice_list_searches_and_filters(client, clerk, billing):
    # given
    acme = make_customer(party=PartyFactory(name="Acme BV"), payment_terms_days=14)
    beta = make_customer(party=PartyFactory(name="Beta BV"))
    overdue = posted_invoice(
        by=clerk,
        post_by=billing,
        quantity="2",
        price="50.00",
        customer=acme,
        invoice_date=timezone.localdate() - datetime.timedelta(30),
    )
    current = posted_invoice(by=clerk, post_by=billing, quantity="2", price="50.00", customer=beta)
    draft_order = order_confirm(order=make_order(customer=beta, by=clerk), by=clerk)
    draft = invoice_create_from_order(order=draft_order, basis="order", by=clerk)
    client.force_login(billing)
    url = reverse("invoicing:invoice_list")

    def pks(**params):
        return [invoice.pk for invoice in client.get(url, params).context["page_obj"]]

    # when / then
    assert pks() == [draft.pk, current.pk, overdue.pk]
    assert pks(q="INV-000002") == [current.pk]
    assert pks(q="acme") == [overdue.pk]
    assert pks(q=draft_order.number) == [draft.pk]
    assert pks(state="draft") == [draft.pk]
    assert pks(state="posted", payment_state="unpaid") == [current.pk, overdue.pk]
    assert pks(overdue="on") == [overdue.pk]
    html = client.get(url).content.decode()
    assert f"Draft #{draft.pk}" in html
    assert html.count('<span class="badge overdue">Overdue</span>') == 1


def test_invoice_list_query_count_does_not_grow_with_rows(client, clerk, billing, django_assert_max_num_queries):
    # given
    customer = make_customer()
    posted_invoice(by=clerk, post_by=billing, quantity="2", price="50.00", customer=customer)
    client.force_login(billing)
    url = reverse("invoicing:invoice_list")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200

    # when
    for _ in range(26):
        posted_invoice(by=clerk, post_by=billing, quantity="2", price="50.00", customer=make_customer())

    # then
    with django_assert_max_num_queries(6):
        response = client.get(url, {"overdue": ""})
    assert len(response.context["page_obj"]) == 25


def test_invoice_detail_query_count_does_not_grow_with_lines(client, clerk, billing, django_assert_max_num_queries):
    # given: a posted invoice with 1 line, no payment
    small = posted_invoice(by=clerk, post_by=billing, quantity="2", price="50.00")
    client.force_login(billing)
    # 10 for the invoice itself, 2 for its credit notes and corrections, 1 for the open activities about it
    with django_assert_max_num_queries(13):
        assert client.get(reverse("invoicing:invoice_detail", args=[small.pk])).status_code == 200

    # when: 12 lines over 3 tax codes, paid in two parts
    items = [ItemFactory(tax_code=tax_code(code)) for code in ("NL21", "NL9", "NL0") for _ in range(4)]
    order = order_confirm(order=make_order(lines=[(item, "1") for item in items], by=clerk), by=clerk)
    big = invoice_post(invoice=invoice_create_from_order(order=order, basis="order", by=clerk), by=billing)
    for amount in (D("10.00"), big.amount_total - D("10.00")):
        payment_register(
            customer=big.customer,
            amount=amount,
            applications=[ApplicationInput(invoice=big, amount=amount)],
            by=billing,
        )

    # then
    assert (big.lines.count(), big.taxes.count(), big.payment_applications.count()) == (12, 3, 2)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("invoicing:invoice_detail", args=[big.pk])).status_code == 200


def test_invoice_pdf_is_served_inline(client, clerk, delivered_in_part):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_create_from_order(order=order, basis="packing_slips", by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="pro-forma-{invoice.pk}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_posted_invoice_page_says_the_pdf_is_being_prepared_until_its_job_ran(
    client, clerk, billing, delivered_in_part, django_assert_max_num_queries
):
    # given: posted just now, its PDF job still waiting
    order, _slip = delivered_in_part
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=clerk), by=billing)
    client.force_login(clerk)
    link_url = reverse("invoicing:invoice_pdf_link", args=[invoice.pk])

    # when
    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    with django_assert_max_num_queries(6):
        link = client.get(link_url, headers={"HX-Request": "true"})

    # then: the page says so and asks again, counting down, the button is there all the same (it renders on demand)
    assert f'hx-get="{link_url}?polls_left=" hx-trigger="every 5s" hx-swap="outerHTML"' in page
    assert f'hx-get="{link_url}?polls_left=23" hx-trigger="every 5s" hx-swap="outerHTML"' in link.content.decode()
    for html in (page, link.content.decode()):
        assert "PDF being prepared" in html
        assert f'href="{reverse("invoicing:invoice_pdf", args=[invoice.pk])}"' in html

    # when: two minutes of asking, and no worker ran the job
    last = client.get(link_url, {"polls_left": "1"}, headers={"HX-Request": "true"}).content.decode()
    stopped = client.get(link_url, {"polls_left": "0"}, headers={"HX-Request": "true"}).content.decode()

    # then: one more ask, then it stops and says why
    assert f'hx-get="{link_url}?polls_left=0"' in last and "PDF being prepared" in last
    assert "hx-get" not in stopped and "PDF being prepared" not in stopped
    assert "the job worker may not be running" in stopped
    assert f'href="{reverse("invoicing:invoice_pdf", args=[invoice.pk])}"' in stopped

    # when: the job has run
    jobs_run_due()
    page = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    link = client.get(link_url, headers={"HX-Request": "true"}).content.decode()

    # then: the PDF button alone, nothing asks again
    for html in (page, link):
        assert "PDF being prepared" not in html and link_url not in html
        assert f'href="{reverse("invoicing:invoice_pdf", args=[invoice.pk])}"' in html


def test_a_posted_invoice_pdf_downloads_before_its_job_ran_and_is_stored_then(
    client, clerk, billing, delivered_in_part
):
    # given
    order, _slip = delivered_in_part
    invoice = invoice_post(invoice=invoice_create_from_order(order=order, basis="packing_slips", by=clerk), by=billing)
    client.force_login(clerk)

    # when: downloaded before the job ran
    response = client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    invoice.refresh_from_db()
    stored = invoice.pdf.name
    runs = jobs_run_due()
    invoice.refresh_from_db()

    # then: rendered on demand and stored; the job then finds it stored and leaves it
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert stored.startswith("invoices/")  # (the in-memory storage of the tests may add a suffix)
    # (the delivery's shipping notice and the invoice's PDF)
    assert [run.status for run in runs] == ["succeeded", "succeeded"]
    assert invoice.pdf.name == stored


def test_invoice_page_plans_reminder_calls_about_the_invoice(client, billing, clerk):
    # given: a call about a posted invoice, planned through the service
    invoice = posted_invoice(by=clerk, post_by=billing, quantity="2", price="50.00")
    activity_create(
        by=clerk,
        activity_type="call",
        subject="Remind about the overdue invoice",
        party=invoice.customer.party,
        document=invoice,
    )
    client.force_login(billing)

    # when
    response = client.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))

    # then
    assert [a.subject for a in response.context["activities"]] == ["Remind about the overdue invoice"]
    assert response.context["activity_query"] == (
        f"party={invoice.customer.party_id}&document=invoicing.invoice%3A{invoice.pk}"
    )
