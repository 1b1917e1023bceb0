from django.core import mail

from core.jobs import jobs_run_due
from salesapp.models import QuotationEmail
from salesapp.services.quotations import quotation_send
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory

URL = "/api/v1/quotations/"


def test_email_action_queues_the_pdf_to_the_named_or_default_recipient(integrator, clerk):
    # given
    party = PartyFactory(name="Bakker BV", email="inkoop@bakker.example")
    quotation = quotation_send(quotation=make_quotation(party=party, lines=[(ItemFactory(), "1")], by=clerk), by=clerk)
    client = api_client(integrator)

    # when
    default = client.post(f"{URL}{quotation.pk}/email/", {}, format="json")
    named = client.post(f"{URL}{quotation.pk}/email/", {"to": "cfo@bakker.example"}, format="json")

    # then
    assert default.status_code == 202, default.content
    assert (default.json()["to"], default.json()["revision"], default.json()["status"]) == (
        "inkoop@bakker.example",
        1,
        "queued",
    )
    assert named.json()["to"] == "cfo@bakker.example"
    jobs_run_due()
    assert sorted(message.to[0] for message in mail.outbox) == ["cfo@bakker.example", "inkoop@bakker.example"]
    assert QuotationEmail.objects.filter(sent_at__isnull=False).count() == 2


def test_email_action_refusals_are_problems(integrator, clerk):
    client = api_client(integrator)
    draft = make_quotation(party=PartyFactory(email="a@b.example"), by=clerk)
    assert problem(client.post(f"{URL}{draft.pk}/email/", {}, format="json"), 409)["code"] == "quotation-not-emailable"
    nobody = quotation_send(quotation=make_quotation(party=PartyFactory(email=""), by=clerk), by=clerk)
    refused = problem(client.post(f"{URL}{nobody.pk}/email/", {}, format="json"), 400)
    assert "to" in str(refused)
    bad = client.post(f"{URL}{nobody.pk}/email/", {"to": "nope"}, format="json")
    assert bad.status_code == 400
    assert QuotationEmail.objects.count() == 0
