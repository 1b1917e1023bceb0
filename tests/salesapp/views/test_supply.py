import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from salesapp.models import InboundSupplyLine, Item, StockMove
from salesapp.services.stock import stock_adjust
from salesapp.services.supply import supply_line_receive
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory
from tests.factories.supply import make_supply_line

D = Decimal
TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=10)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_manager_enters_edits_and_receives_a_supply_line(client, manager):
    # given
    client.force_login(manager)
    vendor, item = PartyFactory(name="Acme"), ItemFactory(number="A-1", stock=0)
    assert client.get(reverse("salesapp:supply_create")).status_code == 200
    # when: entered
    created = client.post(
        reverse("salesapp:supply_create"),
        {"vendor": vendor.pk, "item": item.pk, "quantity": "10", "expected_date": LATER.isoformat(), "reference": ""},
        follow=True,
    )
    line = InboundSupplyLine.objects.get()
    assert created.redirect_chain[-1][0] == reverse("salesapp:supply_detail", args=[line.pk])
    # the receive form offers what is still to come, today
    form = created.context["receive_form"]
    assert (form.initial["quantity"], form.initial["received_on"]) == (D("10"), TODAY)
    # edited
    edited = client.post(
        reverse("salesapp:supply_update", args=[line.pk]),
        {"vendor": vendor.pk, "item": item.pk, "quantity": "8", "expected_date": LATER.isoformat(), "reference": "P"},
        follow=True,
    )
    assert f"Supply line {line.number} saved." in messages_of(edited)
    # received in part
    received = client.post(
        reverse("salesapp:supply_receive", args=[line.pk]),
        {"quantity": "3", "received_on": TODAY.isoformat()},
        follow=True,
    )
    # then
    assert f"Received 3 pcs on {line.number}: the goods are on hand." in messages_of(received)
    assert received.context["receive_form"].initial["quantity"] == D("5")
    assert [move.quantity for move in received.context["moves"]] == [D("3")]
    line.refresh_from_db()
    assert (line.quantity, line.qty_received, line.reference, line.state) == (D("8"), D("3"), "P", "open")
    assert Item.objects.get(pk=item.pk).on_hand == D("3")


def test_over_receipt_and_bad_fields_show_on_the_page(client, manager):
    client.force_login(manager)
    line = make_supply_line(quantity="5")
    over = client.post(
        reverse("salesapp:supply_receive", args=[line.pk]), {"quantity": "6", "received_on": TODAY.isoformat()}
    )
    assert over.status_code == 302
    page = client.get(reverse("salesapp:supply_detail", args=[line.pk]))
    assert any("Only 5 pcs" in text for text in messages_of(page))
    bad = client.post(
        reverse("salesapp:supply_create"),
        {
            "vendor": line.vendor_id,
            "item": ItemFactory(item_type="service").pk,
            "quantity": "1",
            "expected_date": "1999-01-01",
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "only stocked items" in errors["item"][0] and "between 2000-01-01" in errors["expected_date"][0]
    line.refresh_from_db()
    assert line.qty_received == 0 and InboundSupplyLine.objects.count() == 1


def test_cancel_short_closes_a_partly_received_line(client, manager):
    client.force_login(manager)
    line = make_supply_line(quantity="10")
    supply_line_receive(supply_line=line, quantity="4", by=manager)
    page = client.get(reverse("salesapp:supply_detail", args=[line.pk]))
    assert "data-confirm" in page.content.decode() and "Short-close" in page.content.decode()
    response = client.post(reverse("salesapp:supply_cancel", args=[line.pk]), follow=True)
    assert f"Supply line {line.number} is short-closed: 4 of 10 came in, the rest will not come." in messages_of(
        response
    )
    line.refresh_from_db()
    assert (line.state, line.quantity) == ("received", D("4"))


def test_list_filters_late_csv_and_constant_queries(client, manager, clerk, django_assert_max_num_queries):
    # given
    client.force_login(manager)
    acme, item = PartyFactory(name="Acme"), ItemFactory(stock=0)
    late = make_supply_line(vendor=acme, item=item, expected_date=TODAY - datetime.timedelta(days=2))
    soon = make_supply_line(vendor=acme, expected_date=LATER, reference="PO-77")
    other = make_supply_line(expected_date=TODAY - datetime.timedelta(days=1))
    done = make_supply_line(expected_date=TODAY - datetime.timedelta(days=5), quantity="1")
    supply_line_receive(supply_line=done, quantity="1", by=manager)
    url = reverse("salesapp:supply_list")

    def numbers(**query):
        return [line.number for line in client.get(url, query).context["page_obj"]]

    # then
    assert numbers() == [done.number, late.number, other.number, soon.number]
    assert numbers(late="on") == [late.number, other.number]
    assert numbers(vendor=acme.pk) == [late.number, soon.number]
    assert numbers(item=item.pk) == [late.number]
    assert numbers(state="received") == [done.number]
    assert numbers(q="po-77") == [soon.number]
    csv = client.get(url, {"vendor": acme.pk, "export": "csv"})
    rows = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].split(",")[:3] == ["Number", "Vendor", "Item"] and len(rows) == 3
    assert "PO-77" in rows[2]
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for _ in range(10):
        make_supply_line()
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(url).context["page_obj"]) == 14
    # a clerk reads the list but cannot enter supply
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert client.get(reverse("salesapp:supply_create")).status_code == 403


def test_import_page_all_or_nothing(client, manager):
    client.force_login(manager)
    vendor = PartyFactory(name="Acme")
    ItemFactory(number="A-1", stock=0)
    url = reverse("salesapp:supply_import")
    assert client.get(url).status_code == 200
    bad = f"vendor;item;quantity;expected_date\nAcme;A-1;2;{LATER.isoformat()}\nAcme;NOPE;2;{LATER.isoformat()}\n"
    refused = client.post(url, {"file": SimpleUploadedFile("s.csv", bad.encode(), "text/csv")})
    assert refused.status_code == 400
    assert "line 3: item: 'NOPE' does not exist." in refused.context["form"].errors["file"]
    assert not InboundSupplyLine.objects.exists()
    good = f"vendor;item;quantity;expected_date\n{vendor.pk};A-1;2;{LATER.isoformat()}\n"
    imported = client.post(url, {"file": SimpleUploadedFile("s.csv", good.encode(), "text/csv")}, follow=True)
    assert "1 supply line imported." in messages_of(imported)
    assert InboundSupplyLine.objects.get().quantity == D("2")


def test_item_page_shows_stock_supply_and_moves_and_takes_an_adjustment(client, manager, clerk):
    # given: 25 moves
    item = ItemFactory(stock=4)
    for _ in range(24):
        stock_adjust(item=item, quantity="1", reason="Count", by=manager)
    line = make_supply_line(item=item, quantity="6", expected_date=LATER)
    client.force_login(manager)
    url = reverse("salesapp:item_detail", args=[item.pk])
    # when
    page = client.get(url)
    # then
    assert [supply.number for supply in page.context["open_supply"]] == [line.number]
    assert len(page.context["moves_page"]) == 20 and page.context["moves_page"].paginator.count == 25
    assert len(client.get(url, {"page": 2}).context["moves_page"]) == 5
    assert page.context["adjustment_form"] is not None
    adjusted = client.post(
        reverse("salesapp:item_stock_adjust", args=[item.pk]), {"quantity": "-3", "reason": "Damaged"}, follow=True
    )
    assert f"Stock of {item.number} adjusted by -3." in messages_of(adjusted)
    refused = client.post(reverse("salesapp:item_stock_adjust", args=[item.pk]), {"quantity": "1", "reason": ""})
    assert refused.status_code == 400 and refused.context["adjustment_form"].errors["reason"]
    item.refresh_from_db()
    assert item.on_hand == D("25") and StockMove.objects.filter(item=item).count() == 26
    # a clerk sees the stock but not the adjustment
    client.force_login(clerk)
    assert client.get(url).context["adjustment_form"] is None
    denied = client.post(reverse("salesapp:item_stock_adjust", args=[item.pk]), {"quantity": "1", "reason": "x"})
    assert denied.status_code == 403
    exported = client.get(reverse("salesapp:item_list"), {"export": "csv"})
    listed = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "On hand" in listed.splitlines()[0]


def test_vendor_autocomplete_and_item_page_queries(client, manager, django_assert_max_num_queries):
    client.force_login(manager)
    PartyFactory(name="Acme Supplies")
    found = client.get(reverse("marketing:party_suggestions"), {"q": "acme"})
    assert found.status_code == 200 and "Acme Supplies" in found.content.decode()
    item = ItemFactory(stock=1)
    url = reverse("salesapp:item_detail", args=[item.pk])
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(5):
        make_supply_line(item=item)
        stock_adjust(item=item, quantity="1", reason="Count", by=manager)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert len(page.context["open_supply"]) == 5 and len(page.context["moves_page"]) == 6
