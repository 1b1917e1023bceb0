from decimal import Decimal

from django.core import mail
from django.urls import reverse

from core.jobs import jobs_run_due
from salesapp.models import QuotationEmail
from salesapp.services.quotations import quotation_send
from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory

D = Decimal


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def sent(clerk, *, email):
    party = PartyFactory(name="Bakker BV", email=email)
    return quotation_send(quotation=make_quotation(party=party, lines=[(ItemFactory(), "1")], by=clerk), by=clerk)


def test_send_by_email_asks_naming_the_recipient_then_queues_and_lists_it(client, clerk):
    # given
    client.force_login(clerk)
    quotation = sent(clerk, email="inkoop@bakker.example")

    # when: the page offers it, with a confirmation naming the recipient
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert f"Email r1 of quotation {quotation.number}, with its PDF, to inkoop@bakker.example?" in page
    response = client.post(reverse("salesapp:quotation_email", args=[quotation.pk]), follow=True)

    # then
    assert f"Quotation {quotation.number} r1 is being emailed to inkoop@bakker.example." in messages_of(response)
    assert [(email.to, email.status) for email in QuotationEmail.objects.all()] == [("inkoop@bakker.example", "queued")]
    jobs_run_due()
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert 'id="quotation-emails"' in page and ">sent<" in page
    assert len(mail.outbox) == 1


def test_without_an_address_the_page_says_why_and_a_post_is_refused(client, clerk):
    client.force_login(clerk)
    quotation = sent(clerk, email="")

    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert "Send by email</strong>: Bakker BV has no email address" in page
    response = client.post(reverse("salesapp:quotation_email", args=[quotation.pk]), follow=True)

    assert "to: Bakker BV has no email address: add one to the party, or name the recipient." in messages_of(response)
    assert QuotationEmail.objects.count() == 0


def test_a_draft_does_not_offer_it(client, clerk):
    client.force_login(clerk)
    quotation = make_quotation(party=PartyFactory(email="a@b.example"), by=clerk)
    page = client.get(reverse("salesapp:quotation_detail", args=[quotation.pk])).content.decode()
    assert "Send by email" not in page


def test_billing_may_not_email_from_the_page(client, clerk, billing):
    quotation = sent(clerk, email="inkoop@bakker.example")
    client.force_login(billing)
    response = client.post(reverse("salesapp:quotation_email", args=[quotation.pk]))
    assert response.status_code == 403
    assert QuotationEmail.objects.count() == 0
