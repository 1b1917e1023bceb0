"""Sales agreements in the admin: saved through the services, lifecycle as actions, versions read-only."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from salesapp.models import SalesAgreement, SalesAgreementVersion
from tests.factories.agreements import make_sales_agreement, this_year
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal


def url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_an_agreement_added_in_the_admin_is_numbered_by_the_service(client, administrator):
    customer = make_customer(currency="SEK")
    valid_from, valid_to = this_year()
    client.force_login(administrator)
    assert client.get(url(SalesAgreement, "add")).status_code == 200
    response = client.post(
        url(SalesAgreement, "add"),
        {
            "customer": customer.pk,
            "commitment_type": "none",
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
            "currency": "SEK",
            "default_discount_percent": "1.5",
            "description": "",
            **{f"{prefix}-{key}": value for prefix in ("lines", "versions") for key, value in _empty_inline().items()},
            **{f"django_fsm_log-statelog-content_type-object_id-{k}": v for k, v in _empty_inline().items()},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = SalesAgreement.objects.get()
    assert (agreement.number, agreement.state, agreement.default_discount_percent) == (
        "SA-000001",
        "on_hold",
        D("1.50"),
    )
    assert agreement.created_by == administrator


def _empty_inline() -> dict:
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_lifecycle_actions_call_the_services_and_report_refusals(client, administrator):
    ready = make_sales_agreement(lines=[{"item": ItemFactory(), "committed_quantity": "5", "unit_price": "1"}])
    empty = make_sales_agreement(commitment_type="none")
    client.force_login(administrator)
    response = client.post(
        url(SalesAgreement), {"action": "activate", "_selected_action": [ready.pk, empty.pk]}, follow=True
    )
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"{empty.number}: Add at least one line before activating the agreement." in texts
    assert "1 agreement activated." in texts
    assert SalesAgreement.objects.get(pk=ready.pk).state == "effective"
    assert SalesAgreementVersion.objects.filter(agreement=ready).count() == 1
    page = client.get(url(SalesAgreement, "change", ready.pk))
    assert page.status_code == 200
    assert "First version: the agreement became effective." in page.content.decode()
    assert client.get(url(SalesAgreementVersion)).status_code == 200
