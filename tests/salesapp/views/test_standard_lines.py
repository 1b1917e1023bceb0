from decimal import Decimal

from django.urls import reverse

from salesapp.models import StandardLineSet
from tests.factories.salesapp import ItemFactory, make_customer, make_line_set, make_order

D = Decimal
HTMX = {"HX-Request": "true"}


def form_data(name, rows, *, customer="", active="on"):
    data = {
        "name": name,
        "customer": customer,
        "active": active,
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, (item, quantity) in enumerate(rows):
        data[f"lines-{index}-item"] = item.pk if item else ""
        data[f"lines-{index}-quantity"] = quantity
    return data


def test_manager_creates_and_edits_a_set(client, manager):
    paper, toner = ItemFactory(number="PAPER"), ItemFactory(number="TONER")
    client.force_login(manager)
    response = client.post(reverse("salesapp:line_set_create"), form_data("Monthly", [(paper, "10"), (None, "")]))
    line_set = StandardLineSet.objects.get()
    assert response.url == reverse("salesapp:line_set_detail", args=[line_set.pk])
    assert list(line_set.lines.values_list("line_no", "item__number", "quantity")) == [(10, "PAPER", D("10.000"))]
    # the edit form shows the lines; saving replaces them
    page = client.get(reverse("salesapp:line_set_update", args=[line_set.pk]))
    assert page.context["lines"].initial == [{"item": paper, "quantity": D("10.000")}]
    client.post(
        reverse("salesapp:line_set_update", args=[line_set.pk]), form_data("Monthly", [(toner, "2"), (paper, "5")])
    )
    assert list(line_set.lines.values_list("item__number", "quantity")) == [
        ("TONER", D("2.000")),
        ("PAPER", D("5.000")),
    ]
    detail = client.get(reverse("salesapp:line_set_detail", args=[line_set.pk])).content.decode()
    assert "TONER" in detail and "All customers" in detail


def test_a_zero_quantity_is_refused_beside_its_row(client, manager):
    client.force_login(manager)
    response = client.post(reverse("salesapp:line_set_create"), form_data("Monthly", [(ItemFactory(), "0")]))
    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors["quantity"] == ["Quantity must be greater than zero."]
    assert StandardLineSet.objects.count() == 0


def test_set_list_filters_and_clerks_only_read(client, clerk):
    make_line_set(name="Monthly", lines=[(ItemFactory(), "1"), (ItemFactory(), "2")])
    make_line_set(name="Weekly", active=False)
    client.force_login(clerk)
    response = client.get(reverse("salesapp:line_set_list"), {"active": "yes"})
    assert [(row.name, row.line_count) for row in response.context["page_obj"]] == [("Monthly", 2)]
    assert reverse("salesapp:line_set_create") not in response.content.decode()
    assert client.get(reverse("salesapp:line_set_create")).status_code == 403


def test_clerk_inserts_a_set_on_the_order_page(client, clerk):
    customer = make_customer()
    paper = ItemFactory(number="PAPER", unit_price=D("4.00"))
    mine = make_line_set(name="Monthly", lines=[(paper, "10")], customer=customer)
    make_line_set(name="Someone else's", customer=make_customer())
    order = make_order(customer=customer, by=clerk)
    client.force_login(clerk)
    page = client.get(reverse("salesapp:order_detail", args=[order.pk]))
    assert [name for _pk, name in page.context["insert_form"].fields["line_set"].choices][1:] == ["Monthly"]
    response = client.post(
        reverse("salesapp:order_standard_lines_insert", args=[order.pk]), {"insert-line_set": mine.pk}, headers=HTMX
    )
    assert "1 line of Monthly added." in response.content.decode()
    assert list(order.lines.order_by("line_no").values_list("item__number", "net_amount"))[-1] == ("PAPER", D("40.00"))


def test_inserting_another_customers_set_says_why(client, clerk):
    other = make_line_set(name="Theirs", customer=make_customer())
    order = make_order(by=clerk)
    count = order.lines.count()
    client.force_login(clerk)
    response = client.post(
        reverse("salesapp:order_standard_lines_insert", args=[order.pk]), {"insert-line_set": other.pk}, follow=True
    )
    assert "is for customer" in response.content.decode()
    assert order.lines.count() == count
