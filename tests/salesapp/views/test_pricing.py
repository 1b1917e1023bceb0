from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from salesapp.models import TradeAgreementLine
from tests.factories.salesapp import ItemFactory, ItemGroupFactory, PriceGroupFactory, make_agreement, make_customer

D = Decimal


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("prices.csv", text.encode(), content_type="text/csv")


def listed(response) -> list[int]:
    return [line.pk for line in response.context["page_obj"]]


def test_the_list_filters_and_exports_and_stays_at_constant_queries(client, clerk, django_assert_max_num_queries):
    # given
    group = PriceGroupFactory(code="RETAIL")
    customer = make_customer()
    desk, lamp = ItemFactory(number="DESK"), ItemFactory(number="LAMP")
    everyone = make_agreement(item=desk, unit_price=D("40"))
    grouped = make_agreement(applies_to="price_group", price_group=group, item=lamp, unit_price=D("9"), currency="SEK")
    own = make_agreement(
        kind="discount",
        applies_to="customer",
        customer=customer,
        item=lamp,
        discount_percent=D("5"),
        valid_to="2030-01-31",
    )
    old = make_agreement(item=lamp, unit_price=D("8"), active=False)
    client.force_login(clerk)
    url = reverse("salesapp:trade_agreement_list")
    # then
    assert sorted(listed(client.get(url))) == sorted([everyone.pk, grouped.pk, own.pk, old.pk])
    assert listed(client.get(url, {"kind": "discount"})) == [own.pk]
    assert listed(client.get(url, {"applies_to": "price_group"})) == [grouped.pk]
    assert listed(client.get(url, {"customer": customer.pk})) == [own.pk]
    assert listed(client.get(url, {"price_group": group.pk})) == [grouped.pk]
    assert sorted(listed(client.get(url, {"item": lamp.pk, "active": "yes"}))) == sorted([grouped.pk, own.pk])
    assert listed(client.get(url, {"currency": "SEK"})) == [grouped.pk]
    assert listed(client.get(url, {"active": "no"})) == [old.pk]
    assert own.pk not in listed(client.get(url, {"valid_on": "2030-02-01"}))
    assert listed(client.get(url, {"q": "desk"})) == [everyone.pk]
    exported = b"".join(client.get(url, {"q": "desk", "export": "csv"}).streaming_content).decode()
    assert exported.splitlines() == [
        "Kind,For,Item or group,Currency,Unit,From quantity,Valid from,Valid to,Unit price,Discount %,Active",
        "Price,All customers,DESK,EUR,,0.000,,,40.0000,,Yes",
    ]
    for n in range(10):
        make_agreement(item=ItemFactory(), unit_price=D(n))
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_clerks_read_the_list_but_do_not_maintain_it(client, clerk):
    line = make_agreement(item=ItemFactory(), unit_price=D("4"))
    client.force_login(clerk)
    page = client.get(reverse("salesapp:trade_agreement_list")).content.decode()
    assert reverse("salesapp:trade_agreement_create") not in page
    assert client.get(reverse("salesapp:trade_agreement_create")).status_code == 403
    assert client.post(reverse("salesapp:trade_agreement_deactivate", args=[line.pk])).status_code == 403
    line.refresh_from_db()
    assert line.active


def test_a_manager_creates_edits_and_deactivates_a_line(client, manager):
    item = ItemFactory(number="DESK")
    client.force_login(manager)
    form = {
        "kind": "price",
        "applies_to": "all",
        "item": item.pk,
        "currency": "EUR",
        "unit": "",
        "from_quantity": "10",
        "unit_price": "39.90",
        "active": "on",
    }
    response = client.post(reverse("salesapp:trade_agreement_create"), form)
    assert response.status_code == 302
    line = TradeAgreementLine.objects.get()
    assert (line.item, line.from_quantity, line.unit_price, line.created_by) == (item, D("10"), D("39.90"), manager)
    response = client.post(reverse("salesapp:trade_agreement_update", args=[line.pk]), {**form, "unit_price": "37"})
    assert response.status_code == 302
    client.post(reverse("salesapp:trade_agreement_deactivate", args=[line.pk]))
    line.refresh_from_db()
    assert (line.unit_price, line.active) == (D("37"), False)


def test_a_contradictory_line_is_shown_on_its_field_and_not_saved(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("salesapp:trade_agreement_create"),
        {
            "kind": "price",
            "applies_to": "customer",
            "item": ItemFactory().pk,
            "currency": "EUR",
            "from_quantity": "0",
            "unit_price": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"customer": ["This field is required for this line."]}
    assert not TradeAgreementLine.objects.exists()


def test_the_price_list_import_creates_every_line(client, manager):
    group = PriceGroupFactory(code="RETAIL")
    customer = make_customer()
    ItemFactory(number="DESK")
    ItemGroupFactory(code="CHAIRS")
    client.force_login(manager)
    text = (
        "item;item_group;customer;price_group;from_quantity;price;discount;valid_from\n"
        "DESK;;;RETAIL;10;39,50;;2030-01-01\n"
        f"DESK;;{customer.number};;;35;;\n"
        ";CHAIRS;;;;;7.5;\n"
    )
    response = client.post(reverse("salesapp:price_list_import"), {"file": upload(text)})
    assert response.status_code == 302
    assert sorted(
        (
            line.kind,
            line.applies_to,
            line.price_group,
            line.customer,
            line.from_quantity,
            line.unit_price,
            line.discount_percent,
        )
        for line in TradeAgreementLine.objects.all()
    ) == [
        ("discount", "all", None, None, D("0"), None, D("7.50")),
        ("price", "customer", None, customer, D("0"), D("35"), None),
        ("price", "price_group", group, None, D("10"), D("39.5"), None),
    ]


def test_the_price_list_import_lists_every_bad_line_and_imports_nothing(client, manager):
    ItemFactory(number="DESK")
    client.force_login(manager)
    text = (
        "item,price_group,price,valid_from,valid_to\n"
        "DESK,,10,,\nNOPE,,1,,\nDESK,GOLD,x,,\nDESK,,5,2030-02-01,2030-01-01\n"
    )
    response = client.post(reverse("salesapp:price_list_import"), {"file": upload(text)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "3 lines of the file are wrong: nothing was imported.",
        "line 3: item: 'NOPE' does not exist.",
        "line 4: price_group: 'GOLD' does not exist. price: 'x' is not a number.",
        "line 5: valid_to: The line cannot end before it starts.",
    ]
    assert not TradeAgreementLine.objects.exists()


def test_the_import_needs_the_add_permission(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("salesapp:price_list_import"), {"file": upload("item;price\nDESK;1\n")})
    assert response.status_code == 403
