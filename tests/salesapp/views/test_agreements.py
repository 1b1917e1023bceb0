import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from salesapp.models import SalesAgreement, SalesOrder
from salesapp.services.agreements import agreement_release, agreement_update
from tests.factories.agreements import make_sales_agreement, this_year
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_manager_creates_adds_lines_and_activates_an_agreement(client, manager):
    # given
    client.force_login(manager)
    customer = make_customer()
    item = ItemFactory(number="A-100", unit_price=D("12.50"))
    valid_from, valid_to = this_year()

    # when: created, a line added, activated
    created = client.post(
        reverse("salesapp:agreement_create"),
        {
            "customer": customer.pk,
            "commitment_type": "product_quantity",
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
            "currency": "",
            "default_discount_percent": "2",
            "description": "Frame 2027",
        },
        follow=True,
    )
    agreement = SalesAgreement.objects.get()
    assert created.redirect_chain[-1][0] == reverse("salesapp:agreement_detail", args=[agreement.pk])
    added = client.post(
        reverse("salesapp:agreement_line_add", args=[agreement.pk]),
        {"add-item": item.pk, "add-committed_quantity": "100", "add-unit_price": "11", "add-discount_percent": ""},
    )
    assert added.status_code == 302
    page = client.post(reverse("salesapp:agreement_activate", args=[agreement.pk]), follow=True)

    # then
    agreement.refresh_from_db()
    assert (agreement.state, agreement.version_count, agreement.currency) == ("effective", 1, customer.currency)
    assert f"Sales agreement {agreement.number} is effective." in messages_of(page)
    content = page.content.decode()
    assert "First version: the agreement became effective." in content
    assert "A-100" in content
    assert 'id="agreement-release"' in content


def test_a_line_that_does_not_fit_is_shown_with_its_error(client, manager):
    client.force_login(manager)
    agreement = make_sales_agreement(by=manager)
    response = client.post(
        reverse("salesapp:agreement_line_add", args=[agreement.pk]),
        {"add-item": ItemFactory().pk, "add-committed_quantity": "", "add-unit_price": "11"},
    )
    assert response.status_code == 400
    assert response.context["line_form"].errors == {
        "committed_quantity": ["Enter the quantity the customer commits to."]
    }
    assert agreement.lines.count() == 0


def test_clerk_releases_an_order_from_the_page(client, clerk, manager):
    # given
    item = ItemFactory(number="A-100")
    agreement = make_sales_agreement(
        lines=[{"item": item, "committed_quantity": "100", "unit_price": "11"}], effective=True, by=manager
    )
    line = agreement.lines.get()
    client.force_login(clerk)

    # when: a date outside validity first, then a good one
    late = agreement.valid_to + datetime.timedelta(days=1)
    refused = client.post(
        reverse("salesapp:agreement_release", args=[agreement.pk]),
        {f"release-quantity_{line.pk}": "5", "release-requested_ship_date": late.isoformat()},
    )
    assert refused.status_code == 400
    assert list(refused.context["release_form"].errors) == ["requested_ship_date"]
    assert SalesOrder.objects.count() == 0
    released = client.post(
        reverse("salesapp:agreement_release", args=[agreement.pk]),
        {f"release-quantity_{line.pk}": "5", "release-requested_ship_date": timezone.localdate().isoformat()},
        follow=True,
    )

    # then: the new order's page
    order = SalesOrder.objects.get()
    assert released.redirect_chain[-1][0] == reverse("salesapp:order_detail", args=[order.pk])
    assert (order.agreement_id, order.lines.get().agreement_line_id) == (agreement.pk, line.pk)


def test_clerks_do_not_maintain_agreements(client, clerk, manager):
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], by=manager
    )
    client.force_login(clerk)
    assert client.get(reverse("salesapp:agreement_create")).status_code == 403
    assert client.post(reverse("salesapp:agreement_activate", args=[agreement.pk])).status_code == 403
    page = client.get(reverse("salesapp:agreement_detail", args=[agreement.pk]))
    assert page.status_code == 200
    assert page.context["line_form"] is None
    assert SalesAgreement.objects.get(pk=agreement.pk).state == "on_hold"


def test_effective_edits_record_versions_from_the_edit_pages(client, manager):
    client.force_login(manager)
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(number="A-1"), "committed_quantity": "5", "unit_price": "1"}],
        effective=True,
        by=manager,
    )
    line = agreement.lines.get()
    form = client.get(reverse("salesapp:agreement_update", args=[agreement.pk]))
    assert "customer" not in form.context["form"].fields
    client.post(
        reverse("salesapp:agreement_update", args=[agreement.pk]),
        {
            "valid_from": agreement.valid_from.isoformat(),
            "valid_to": agreement.valid_to.isoformat(),
            "default_discount_percent": "4",
            "description": "",
        },
    )
    client.post(
        reverse("salesapp:agreement_line_update", args=[agreement.pk, line.pk]),
        {"committed_quantity": "8", "unit_price": "1", "discount_percent": ""},
    )
    assert [v.changes for v in agreement.versions.order_by("number")][1:] == [
        ["Default discount %: 0 → 4"],
        ["Line 10 (A-1): committed quantity 5 → 8"],
    ]


def test_list_filters_csv_and_constant_queries(client, manager, clerk, django_assert_max_num_queries):
    # given: agreements for two customers, with releases
    client.force_login(manager)
    mine = make_customer()
    for customer in (mine, make_customer(), mine):
        agreement = make_sales_agreement(
            customer=customer,
            lines=[{"item": ItemFactory(), "committed_quantity": "10", "unit_price": "1"}],
            effective=True,
            by=manager,
        )
        agreement_release(
            agreement=agreement,
            lines=[(agreement.lines.get(), D("4"))],
            requested_ship_date=timezone.localdate(),
            by=clerk,
        )
    make_sales_agreement(customer=mine, commitment_type="none", by=manager)

    # when / then: three rows read in as many queries as one
    one = make_customer()
    make_sales_agreement(customer=one, commitment_type="none", by=manager)
    client.get(reverse("salesapp:agreement_list"), {"customer": one.pk})  # warm the session and content types
    with django_assert_max_num_queries(10) as single:
        client.get(reverse("salesapp:agreement_list"), {"customer": one.pk})
    with django_assert_max_num_queries(len(single)):
        page = client.get(reverse("salesapp:agreement_list"), {"customer": mine.pk})
    assert len(page.context["page_obj"]) == 3
    assert [a.fulfilment.total.released_percent for a in page.context["page_obj"]] == [0, 40, 40]
    effective = client.get(reverse("salesapp:agreement_list"), {"state": "effective", "expiring": "400"})
    assert len(effective.context["page_obj"]) == 3
    csv = client.get(reverse("salesapp:agreement_list"), {"export": "csv", "customer": mine.pk})
    assert csv["Content-Type"].startswith("text/csv")
    assert len(b"".join(csv.streaming_content).decode().strip().splitlines()) == 4


def test_follow_up_lists_ended_agreements_short_of_their_commitment(client, manager, clerk):
    # given: an agreement released 4 of 10, then ended yesterday (its end moved forward); another one met
    client.force_login(manager)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    agreements = []
    for released in ("4", "10"):
        agreement = make_sales_agreement(
            lines=[{"item": ItemFactory(), "committed_quantity": "10", "unit_price": "1"}],
            effective=True,
            valid_from=today - datetime.timedelta(days=30),
            by=manager,
        )
        agreement_release(
            agreement=agreement, lines=[(agreement.lines.get(), D(released))], requested_ship_date=today, by=clerk
        )
        agreement_update(agreement=agreement, valid_to=yesterday, by=manager)
        agreements.append(agreement)

    # when
    page = client.get(reverse("salesapp:agreement_followup"))

    # then: only the short one, with what it still owes
    assert list(page.context["page_obj"]) == [agreements[0]]
    assert page.context["page_obj"][0].fulfilment.total.remaining == D("6.000")


def test_follow_up_shows_the_shortfall_of_the_short_lines_not_netted_by_a_line_released_beyond(client, manager, clerk):
    # given: line 1 released 15 of 10, line 2 released 2 of 10; the agreement then ended
    client.force_login(manager)
    today = timezone.localdate()
    agreement = make_sales_agreement(
        lines=[
            {"item": ItemFactory(), "committed_quantity": "10", "unit_price": "1"},
            {"item": ItemFactory(), "committed_quantity": "10", "unit_price": "1"},
        ],
        effective=True,
        valid_from=today - datetime.timedelta(days=30),
        by=manager,
    )
    first, second = agreement.lines.order_by("line_no")
    agreement_release(
        agreement=agreement, lines=[(first, D("15")), (second, D("2"))], requested_ship_date=today, by=clerk
    )
    agreement_update(agreement=agreement, valid_to=today - datetime.timedelta(days=1), by=manager)

    # when
    page = client.get(reverse("salesapp:agreement_followup"))

    # then: 8 short (not 20 − 17 = 3)
    (listed,) = page.context["page_obj"]
    assert listed.fulfilment.short == D("8.000")
    assert '<td class="num">8</td>' in page.content.decode()


def test_an_agreement_on_hold_of_a_customer_blocked_since_can_still_be_edited(client, manager):
    # given: an agreement on hold; its customer is blocked afterwards
    client.force_login(manager)
    agreement = make_sales_agreement(
        lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}], by=manager
    )
    customer = agreement.customer
    customer.blocked, customer.blocked_reason = True, "Insolvent"
    customer.save()

    # when: the manager moves its end date
    response = client.post(
        reverse("salesapp:agreement_update", args=[agreement.pk]),
        {
            "customer": customer.pk,
            "commitment_type": agreement.commitment_type,
            "valid_from": agreement.valid_from.isoformat(),
            "valid_to": (agreement.valid_to - datetime.timedelta(days=1)).isoformat(),
            "currency": agreement.currency,
            "default_discount_percent": "0",
            "description": "",
        },
    )

    # then
    assert response.status_code == 302, response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.valid_to == this_year()[1] - datetime.timedelta(days=1)
