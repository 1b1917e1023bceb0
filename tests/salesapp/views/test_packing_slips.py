from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from salesapp.models import PackingSlip
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal
# Session, user, two permission reads, count and page rows: none of them grows with the rows.
LIST_QUERIES = 6


@pytest.fixture
def items(db):
    return (
        ItemFactory(number="A-100", name="Anvil", unit_price=D("12.50"), tax_code=tax_code("NL21")),
        ItemFactory(number="B-200", name="Bucket", unit_price=D("30.00"), tax_code=tax_code("NL9")),
    )


@pytest.fixture
def order(clerk, items):
    """A confirmed order for 10 A-100 and 4 B-200."""
    created = make_order(customer=make_customer(), lines=[(items[0], "10"), (items[1], "4")], by=clerk)
    return order_confirm(order=created, by=clerk)


def lines_of(order):
    return list(order.lines.order_by("line_no"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def create_url(order) -> str:
    return f"{reverse('salesapp:packing_slip_create')}?order={order.pk}"


# --- create -------------------------------------------------------------------------------------------------------


def test_create_page_offers_every_deliver_remainder(client, clerk, order):
    # given: 6 A-100 already shipped
    line_a, line_b = lines_of(order)
    packing_slip_post(packing_slip=packing_slip_create(order=order, quantities={line_a.pk: D("6")}, by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(create_url(order))

    # then
    assert response.status_code == 200
    assert response.context["refusal"] is None
    form = response.context["form"]
    assert [(line.pk, field.value()) for line, field, _disposition in form.rows()] == [
        (line_a.pk, D("4")),
        (line_b.pk, D("4")),
    ]
    html = response.content.decode()
    assert f'name="quantity_{line_a.pk}" value="4"' in html
    assert "autofocus" in str(form[f"quantity_{line_a.pk}"])


def test_create_page_shows_what_each_line_can_ship_from_stock(client, clerk, manager):
    # given: 3 desks on hand, 2 of them promised to an earlier order; a service ships without stock
    desk, service = ItemFactory(number="D-1", stock=3), ItemFactory(number="S-1", item_type="service")
    order_confirm(order=make_order(lines=[(desk, "2")], by=clerk), by=clerk)
    order = order_confirm(order=make_order(lines=[(desk, "5"), (service, "1")], by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(create_url(order))

    # then: the desk line has its 1 reserved (nothing else is free), shown as short; the service has no figure
    assert [line.available for line, _field, _disposition in response.context["form"].rows()] == [D("1"), None]
    assert '<span class="badge negative">1</span>' in response.content.decode()


def test_create_with_partial_quantities(client, clerk, order):
    # given
    line_a, line_b = lines_of(order)
    client.force_login(clerk)

    # when: 6 of 10 A-100 now, no B-200
    response = client.post(
        create_url(order),
        {f"quantity_{line_a.pk}": "6", f"quantity_{line_b.pk}": "0", "ship_date": "2030-02-01"},
        follow=True,
    )

    # then: a draft slip with one line; nothing delivered until it is posted
    slip = PackingSlip.objects.get()
    assert response.redirect_chain == [(reverse("salesapp:packing_slip_detail", args=[slip.pk]), 302)]
    assert messages_of(response) == ["Draft packing slip created: check it and post it to ship."]
    assert (slip.order_id, slip.state, slip.number, str(slip.ship_date), slip.created_by) == (
        order.pk,
        "draft",
        None,
        "2030-02-01",
        clerk,
    )
    assert [(line.order_line_id, line.quantity) for line in slip.lines.all()] == [(line_a.pk, D("6.000"))]
    assert [line.qty_delivered for line in lines_of(order)] == [D("0.000"), D("0.000")]


def test_create_refuses_over_delivery_on_the_line(client, clerk, order):
    # given
    line_a, line_b = lines_of(order)
    client.force_login(clerk)

    # when: 11 A-100 asked, 10 ordered
    response = client.post(
        create_url(order),
        {f"quantity_{line_a.pk}": "11", f"quantity_{line_b.pk}": "2", "ship_date": "2030-02-01"},
    )

    # then: nothing created, the error on the A-100 row, what was typed still there
    assert response.status_code == 200
    assert PackingSlip.objects.count() == 0
    form = response.context["form"]
    assert form.errors == {f"quantity_{line_a.pk}": ["Only 10 pcs of A-100 left to deliver; 11 asked."]}
    html = response.content.decode()
    assert f'name="quantity_{line_a.pk}" value="11"' in html
    assert f'name="quantity_{line_b.pk}" value="2"' in html


def test_create_needs_a_quantity_on_some_line(client, clerk, order):
    # given
    line_a, line_b = lines_of(order)
    client.force_login(clerk)

    # when
    response = client.post(
        create_url(order), {f"quantity_{line_a.pk}": "0", f"quantity_{line_b.pk}": "", "ship_date": "2030-02-01"}
    )

    # then
    assert PackingSlip.objects.count() == 0
    assert response.context["form"].non_field_errors() == ["Enter a quantity to deliver on at least one line."]


def test_create_for_an_open_order_explains_why_not(client, clerk, items):
    # given
    open_order = make_order(customer=make_customer(), lines=[(items[0], "1")], by=clerk)
    client.force_login(clerk)

    # when
    page = client.get(create_url(open_order))
    post = client.post(
        create_url(open_order), {f"quantity_{open_order.lines.get().pk}": "1", "ship_date": "2030-02-01"}
    )

    # then
    reason = f"Order {open_order.number} is open: confirm it first."
    assert page.context["refusal"] == reason
    assert reason in page.content.decode()
    assert 'type="submit"' not in page.content.decode().split("<main>")[1]
    assert PackingSlip.objects.count() == 0
    assert post.context["form"].non_field_errors() == [reason]


def test_create_without_an_order_is_404(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("salesapp:packing_slip_create")).status_code == 404
    assert client.get(reverse("salesapp:packing_slip_create"), {"order": "x"}).status_code == 404


# --- detail, post, delete -----------------------------------------------------------------------------------------


def test_draft_detail_offers_post_and_delete(client, clerk, order):
    # given
    line_a, _line_b = lines_of(order)
    slip = packing_slip_create(order=order, quantities={line_a.pk: D("2.5")}, by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))

    # then
    assert response.status_code == 200
    assert (response.context["can_post"], response.context["can_delete"], response.context["refusals"]) == (
        True,
        True,
        [],
    )
    html = response.content.decode()
    assert "Packing slip Draft" in html
    assert reverse("salesapp:packing_slip_post", args=[slip.pk]) in html
    assert reverse("salesapp:packing_slip_delete", args=[slip.pk]) in html
    assert reverse("salesapp:order_detail", args=[order.pk]) in html
    assert [(line.order_line.item.number, line.quantity) for line in response.context["lines"]] == [
        ("A-100", D("2.500"))
    ]
    assert '<td class="num">2.5</td>' in html


def test_post_a_slip_delivers_and_numbers_it(client, clerk, order):
    # given: everything still to deliver
    slip = packing_slip_create(order=order, by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:packing_slip_post", args=[slip.pk]), follow=True)

    # then: numbered, posted, the order fully delivered
    slip.refresh_from_db()
    order.refresh_from_db()
    assert (slip.state, slip.number) == ("posted", "PS-000001")
    assert order.state == "delivered"
    assert [line.qty_delivered for line in lines_of(order)] == [D("10.000"), D("4.000")]
    assert messages_of(response) == ["Packing slip posted: the order's delivered quantities are updated."]
    assert (response.context["can_post"], response.context["can_delete"]) == (False, False)
    assert [(e.transition, e.source_state, e.state, e.by) for e in response.context["transitions"]] == [
        ("post", "draft", "posted", clerk)
    ]
    assert "Packing slip PS-000001" in response.content.decode()


def test_post_twice_is_refused_with_the_reason(client, clerk, order):
    # given
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:packing_slip_post", args=[slip.pk]), follow=True)

    # then
    assert messages_of(response) == ["Packing slip PS-000001 is already posted."]


def test_post_refused_when_another_slip_delivered_the_lines_first(client, clerk, order):
    # given: two drafts for the whole order; the first is posted
    first = packing_slip_create(order=order, by=clerk)
    second = packing_slip_create(order=order, by=clerk)
    packing_slip_post(packing_slip=first, by=clerk)
    client.force_login(clerk)

    # when
    page = client.get(reverse("salesapp:packing_slip_detail", args=[second.pk]))
    response = client.post(reverse("salesapp:packing_slip_post", args=[second.pk]), follow=True)

    # then
    reason = f"Order {order.number} is fully delivered."
    assert (page.context["can_post"], [(str(label), text) for label, text in page.context["refusals"]]) == (
        False,
        [("Post", reason)],
    )
    second.refresh_from_db()
    assert second.state == "draft"
    assert messages_of(response) == [reason]


def test_delete_a_draft_returns_to_the_order(client, clerk, order):
    # given
    slip = packing_slip_create(order=order, by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:packing_slip_delete", args=[slip.pk]), follow=True)

    # then
    assert PackingSlip.objects.count() == 0
    assert response.redirect_chain == [(reverse("salesapp:order_detail", args=[order.pk]), 302)]
    assert messages_of(response) == ["Draft packing slip deleted."]


def test_delete_a_posted_slip_is_refused(client, clerk, order):
    # given
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.post(reverse("salesapp:packing_slip_delete", args=[slip.pk]), follow=True)

    # then
    assert PackingSlip.objects.filter(pk=slip.pk, state="posted").exists()
    assert response.redirect_chain == [(reverse("salesapp:packing_slip_detail", args=[slip.pk]), 302)]
    assert messages_of(response) == ["Packing slip PS-000001 is posted and cannot be deleted."]


# --- list ---------------------------------------------------------------------------------------------------------


def test_list_searches_and_filters(client, clerk, order, items):
    # given: a posted slip of ``order`` and a draft of another customer's order
    posted = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    other_customer = make_customer()
    other_customer.party.name = "Zeta Logistics"
    other_customer.party.save()
    other_order = order_confirm(order=make_order(customer=other_customer, lines=[(items[0], "1")]), by=clerk)
    draft = packing_slip_create(order=other_order, by=clerk)
    client.force_login(clerk)
    url = reverse("salesapp:packing_slip_list")

    # when / then
    assert [s.pk for s in client.get(url).context["page_obj"]] == [draft.pk, posted.pk]
    assert [s.pk for s in client.get(url, {"q": "PS-000001"}).context["page_obj"]] == [posted.pk]
    assert [s.pk for s in client.get(url, {"q": "zeta"}).context["page_obj"]] == [draft.pk]
    assert [s.pk for s in client.get(url, {"q": order.number}).context["page_obj"]] == [posted.pk]
    assert [s.pk for s in client.get(url, {"state": "draft"}).context["page_obj"]] == [draft.pk]
    assert [s.pk for s in client.get(url, {"order": other_order.pk}).context["page_obj"]] == [draft.pk]
    html = client.get(url).content.decode()
    assert f"Draft #{draft.pk}" in html
    assert "Zeta Logistics" in html


def test_list_paginates_and_keeps_a_constant_query_count(client, clerk, items, django_assert_max_num_queries):
    # given: 3 slips of 3 orders
    client.force_login(clerk)

    def slips(count):
        for _ in range(count):
            confirmed = order_confirm(order=make_order(customer=make_customer(), lines=[(items[0], "1")]), by=clerk)
            packing_slip_create(order=confirmed, by=clerk)

    slips(3)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("salesapp:packing_slip_list"))

    # when: 30 slips of 30 orders
    slips(27)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("salesapp:packing_slip_list"))

    # then
    assert len(response.context["page_obj"]) == 25
    assert len(client.get(reverse("salesapp:packing_slip_list"), {"page": 2}).context["page_obj"]) == 5


# --- permissions --------------------------------------------------------------------------------------------------


def test_billing_clerk_reads_slips_but_cannot_create_post_or_delete(client, clerk, billing, order):
    # given
    slip = packing_slip_create(order=order, by=clerk)
    client.force_login(billing)

    # when
    listing = client.get(reverse("salesapp:packing_slip_list"))
    detail = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))
    create = client.post(create_url(order), {f"quantity_{lines_of(order)[0].pk}": "1", "ship_date": "2030-02-01"})
    post = client.post(reverse("salesapp:packing_slip_post", args=[slip.pk]))
    delete = client.post(reverse("salesapp:packing_slip_delete", args=[slip.pk]))

    # then
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert (create.status_code, post.status_code, delete.status_code) == (403, 403, 403)
    slip.refresh_from_db()
    assert (PackingSlip.objects.count(), slip.state) == (1, "draft")
    assert (detail.context["can_post"], detail.context["can_delete"]) == (False, False)


def test_post_is_offered_only_with_the_post_permission(client, clerk, order, django_user_model):
    # given: a user who may change packing slips but not post them (the post transition asks for that)
    slip = packing_slip_create(order=order, by=clerk)
    editor = django_user_model.objects.create_user(username="editor", password="pw-123456")
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="salesapp", codename__in=["view_packingslip", "change_packingslip"]
        ),
        Permission.objects.get(content_type__app_label="core", codename="use_pages"),
    )
    client.force_login(editor)

    # when
    response = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))

    # then: no Post button; the status bar stands on Draft
    assert response.context["can_post"] is False
    assert reverse("salesapp:packing_slip_post", args=[slip.pk]) not in response.content.decode()
    assert [(str(step["label"]), step["css"]) for step in response.context["steps"]] == [
        ("Draft", "current"),
        ("Posted", ""),
    ]


def test_posted_slip_status_bar_stands_on_posted(client, clerk, order):
    # given
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    client.force_login(clerk)

    # when
    response = client.get(reverse("salesapp:packing_slip_detail", args=[slip.pk]))

    # then
    assert [(str(step["label"]), step["css"]) for step in response.context["steps"]] == [
        ("Draft", "done"),
        ("Posted", "current"),
    ]


def test_create_refuses_a_negative_quantity_on_the_line(client, clerk, order):
    # given
    line_a, line_b = lines_of(order)
    client.force_login(clerk)

    # when
    response = client.post(
        create_url(order),
        {f"quantity_{line_a.pk}": "-3", f"quantity_{line_b.pk}": "2", "ship_date": "2030-02-01"},
    )

    # then: nothing created or delivered, the error on the A-100 row
    assert response.status_code == 200
    assert PackingSlip.objects.count() == 0
    assert response.context["form"].errors == {
        f"quantity_{line_a.pk}": ["Enter zero or more to ship for line 10; -3 is below zero."]
    }
    assert [line.qty_delivered for line in lines_of(order)] == [D("0"), D("0")]
