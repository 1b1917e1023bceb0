"""The number series admin: a counter may be set up, never wound back."""

from django.urls import reverse

from core.models import NumberSeries
from core.numbering import number_take


def test_number_series_changelist_and_change_page_load(client, administrator, django_assert_max_num_queries):
    # given
    client.force_login(administrator)
    series = NumberSeries.objects.get(code="invoice")

    # when
    with django_assert_max_num_queries(8):
        changelist = client.get(reverse("admin:core_numberseries_changelist"))
    change = client.get(reverse("admin:core_numberseries_change", args=[series.pk]))

    # then
    assert changelist.status_code == 200
    assert change.status_code == 200
    assert "INV-000001" in changelist.content.decode()


def test_next_value_cannot_be_lowered_once_the_series_exists(client, administrator):
    # given: two invoice numbers already taken
    client.force_login(administrator)
    number_take(code="invoice")
    number_take(code="invoice")
    series = NumberSeries.objects.get(code="invoice")

    # when: the form tries to reset the counter and rename the code
    response = client.post(
        reverse("admin:core_numberseries_change", args=[series.pk]),
        {"code": "renamed", "name": "Customer invoices 2026", "prefix": "INV-", "width": "6", "next_value": "1"},
    )

    # then: the name changed, the code and counter did not
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.code, series.name, series.next_value) == ("invoice", "Customer invoices 2026", 3)


def test_new_series_can_be_set_up_with_its_first_value(client, administrator):
    # given
    client.force_login(administrator)

    # when
    response = client.post(
        reverse("admin:core_numberseries_add"),
        {"code": "dunning_letter", "name": "Dunning letters", "prefix": "DL-", "width": "5", "next_value": "100"},
    )

    # then
    assert response.status_code == 302
    assert number_take(code="dunning_letter") == "DL-00100"


def test_number_series_cannot_be_deleted(client, administrator):
    # given
    client.force_login(administrator)
    series = NumberSeries.objects.get(code="invoice")

    # when
    response = client.get(reverse("admin:core_numberseries_delete", args=[series.pk]))

    # then
    assert response.status_code == 403
    assert NumberSeries.objects.filter(code="invoice").exists()
