import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from salesapp.models import Quotation
from salesapp.services.quotations import quotation_accept, quotation_lose, quotation_revise, quotation_send
from tests.factories.marketing import OpportunityFactory, PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_clerk_creates_a_quotation_adds_lines_and_sends_it(client, clerk):
    # given
    client.force_login(clerk)
    prospect = PartyFactory(name="Prospect BV")
    item = ItemFactory(number="A-100", unit_price=D("12.50"))

    # when: created, one line added, sent
    created = client.post(reverse("salesapp:quotation_create"), {"party": prospect.pk}, follow=True)
    quotation = Quotation.objects.get()
    assert created.redirect_chain[-1][0] == reverse("salesapp:quotation_detail", args=[quotation.pk])
    client.post(
        reverse("salesapp:quotation_line_add", args=[quotation.pk]),
        {"add-item": item.pk, "add-quantity": "4", "add-unit_price": "", "add-discount_percent": ""},
    )
    page = client.post(reverse("salesapp:quotation_send", args=[quotation.pk]), follow=True)

    # then: r1 on the page, with the accept action naming it
    quotation.refresh_from_db()
    assert (quotation.state, quotation.current_revision, quotation.amount_net) == ("sent", 1, D("50.00"))
    assert f"Quotation {quotation.number} sent." in messages_of(page)
    content = page.content.decode()
    assert "Accept r1" in content and "Item sales price" in content


def test_bad_line_shows_the_error_beside_the_field(client, clerk):
    client.force_login(clerk)
    quotation = make_quotation(lines=[], by=clerk)
    response = client.post(
        reverse("salesapp:quotation_line_add", args=[quotation.pk]),
        {"add-item": ItemFactory(active=False).pk, "add-quantity": "1"},
    )
    assert response.status_code == 400
    assert response.context["line_form"].errors
    assert quotation.lines.count() == 0


def test_accept_from_the_page_lands_on_the_order(client, clerk):
    client.force_login(clerk)
    quotation = quotation_send(quotation=make_quotation(by=clerk), by=clerk)

    response = client.post(reverse("salesapp:quotation_accept", args=[quotation.pk]), {"revision": "1"}, follow=True)

    quotation.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("salesapp:order_detail", args=[quotation.sales_order_id])


def test_stale_accept_from_the_page_says_why(client, clerk):
    client.force_login(clerk)
    item = ItemFactory()
    quotation = quotation_send(quotation=make_quotation(lines=[(item, "1")], by=clerk), by=clerk)
    quotation_revise(quotation=quotation, by=clerk)
    client.post(reverse("salesapp:quotation_line_add", args=[quotation.pk]), {"add-item": item.pk, "add-quantity": "2"})
    quotation_send(quotation=quotation, by=clerk)

    response = client.post(reverse("salesapp:quotation_accept", args=[quotation.pk]), {"revision": "1"}, follow=True)

    assert any("customer was last sent r2" in message for message in messages_of(response))
    assert Quotation.objects.get(pk=quotation.pk).state == "sent"


def test_compare_page_shows_both_revisions(client, clerk):
    client.force_login(clerk)
    item = ItemFactory(number="A-100")
    quotation = quotation_send(quotation=make_quotation(lines=[(item, "1")], by=clerk), by=clerk)
    quotation_revise(quotation=quotation, by=clerk)
    client.post(reverse("salesapp:quotation_line_add", args=[quotation.pk]), {"add-item": item.pk, "add-quantity": "2"})
    quotation_send(quotation=quotation, by=clerk)

    response = client.get(reverse("salesapp:quotation_compare", args=[quotation.pk]), {"a": 1, "b": 2})

    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [line.kind for line in comparison.lines] == ["same", "added"]
    assert client.get(reverse("salesapp:quotation_compare", args=[quotation.pk]), {"a": 1, "b": 9}).status_code == 400


def test_list_filters_and_csv(client, clerk, django_assert_max_num_queries):
    client.force_login(clerk)
    customer = make_customer()
    mine = make_quotation(customer=customer, by=clerk)
    make_quotation(by=clerk)
    soon = quotation_send(
        quotation=make_quotation(by=clerk, valid_until=timezone.localdate() + datetime.timedelta(days=3)), by=clerk
    )
    for _ in range(5):
        make_quotation(by=clerk)

    with django_assert_max_num_queries(8):
        everything = client.get(reverse("salesapp:quotation_list"))
    assert len(everything.context["page_obj"]) == 8
    by_customer = client.get(reverse("salesapp:quotation_list"), {"customer": customer.pk})
    assert [q.pk for q in by_customer.context["page_obj"]] == [mine.pk]
    expiring = client.get(reverse("salesapp:quotation_list"), {"expiring": 7})
    assert [q.pk for q in expiring.context["page_obj"]] == [soon.pk]
    csv = client.get(reverse("salesapp:quotation_list"), {"export": "csv", "customer": customer.pk})
    assert mine.number in b"".join(csv.streaming_content).decode()


def test_detail_page_query_count_does_not_grow_with_lines(client, clerk, django_assert_max_num_queries):
    client.force_login(clerk)
    quotation = make_quotation(lines=[(ItemFactory(), "1") for _ in range(8)], by=clerk)
    quotation_send(quotation=quotation, by=clerk)
    client.get(reverse("salesapp:quotation_detail", args=[quotation.pk]))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk]))
    assert response.status_code == 200


def test_pdf_opens_with_the_revision_number(client, clerk):
    client.force_login(clerk)
    quotation = quotation_send(quotation=make_quotation(by=clerk), by=clerk)
    response = client.get(reverse("salesapp:quotation_pdf", args=[quotation.pk]))
    assert response.content.startswith(b"%PDF")
    assert f"{quotation.number}-r1.pdf" in response["Content-Disposition"]


def test_quotation_from_an_opportunity_page(client, clerk):
    client.force_login(clerk)
    opportunity = OpportunityFactory()
    page = client.get(reverse("marketing:opportunity_detail", args=[opportunity.pk]))
    assert "Create quotation" in page.content.decode()
    response = client.post(reverse("salesapp:quotation_create_for_opportunity", args=[opportunity.pk]))
    quotation = Quotation.objects.get()
    assert response.url == reverse("salesapp:quotation_detail", args=[quotation.pk])
    assert quotation.opportunity_id == opportunity.pk


def test_conversion_report_and_dashboard_panel(client, clerk, manager):
    client.force_login(clerk)
    accepted = quotation_send(quotation=make_quotation(by=clerk), by=clerk)
    quotation_accept(quotation=accepted, revision=1, by=clerk)
    quotation_lose(quotation=make_quotation(by=clerk), reason="price", by=clerk)
    expiring = quotation_send(
        quotation=make_quotation(by=manager, valid_until=timezone.localdate() + datetime.timedelta(days=2)), by=clerk
    )

    report = client.get(reverse("salesapp:quotation_conversion"))
    by_owner = report.context["tables"][0][1]
    assert [(row.label, row.accepted, row.decided, row.rate) for row in by_owner] == [(clerk.username, 1, 2, D("50.0"))]
    home = client.get("/")
    assert [q.pk for q in home.context["quotations_expiring"]] == [expiring.pk]


def test_pdf_of_a_named_revision_and_of_one_that_does_not_exist(client, clerk):
    # given: r1 and r2 sent
    client.force_login(clerk)
    item = ItemFactory()
    quotation = quotation_send(quotation=make_quotation(lines=[(item, "1")], by=clerk), by=clerk)
    quotation_revise(quotation=quotation, by=clerk)
    client.post(reverse("salesapp:quotation_line_add", args=[quotation.pk]), {"add-item": item.pk, "add-quantity": "2"})
    quotation_send(quotation=quotation, by=clerk)
    url = reverse("salesapp:quotation_pdf", args=[quotation.pk])

    # when / then: r1 is found, r7 is not
    assert f"{quotation.number}-r1.pdf" in client.get(url, {"revision": "1"})["Content-Disposition"]
    assert client.get(url, {"revision": "7"}).status_code == 404


def test_compare_names_the_revision_that_does_not_exist(client, clerk):
    client.force_login(clerk)
    quotation = quotation_send(quotation=make_quotation(by=clerk), by=clerk)

    response = client.get(reverse("salesapp:quotation_compare", args=[quotation.pk]), {"a": 1, "b": 9})

    assert response.status_code == 400
    assert response.context["form"].errors == {"b": ["There is no revision r9."]}
