import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from procrastinate.contrib.django.models import ProcrastinateJob

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import QuotationEmail
from salesapp.services.quotation_mail import quotation_email_deliver, quotation_email_send
from salesapp.services.quotations import quotation_line_update, quotation_revise, quotation_send
from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_customer

D = Decimal


def sent_quotation(clerk, *, email="inkoop@bakker.example", language="en", revise=False):
    party = PartyFactory(name="Bakker BV", email=email, language=language)
    item = ItemFactory(number="A-100", unit_price=D("12.50"))
    quotation = make_quotation(party=party, lines=[(item, "2")], by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)
    if revise:
        quotation = quotation_revise(quotation=quotation, by=clerk)
        quotation_line_update(quotation_line=quotation.lines.get(), quantity=D("3"), by=clerk)
        quotation = quotation_send(quotation=quotation, by=clerk)
    return quotation


def nothing_queued():
    return (QuotationEmail.objects.count(), ProcrastinateJob.objects.count(), mail.outbox)


def test_the_revision_last_sent_is_emailed_with_its_pdf_by_a_job(clerk):
    # given: a quotation sent twice, now at r2
    quotation = sent_quotation(clerk, revise=True)

    # when
    email = quotation_email_send(quotation=quotation, by=clerk)

    # then: queued only; the job sends it
    assert (email.revision, email.to, email.status, mail.outbox) == (2, "inkoop@bakker.example", "queued", [])
    [run] = jobs_run_due()
    assert run.status == "succeeded"
    [message] = mail.outbox
    assert message.to == ["inkoop@bakker.example"]
    assert message.subject == f"Quotation {quotation.number} r2 from Northwind Trading B.V."
    assert "valid until" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{quotation.number}-r2.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    email.refresh_from_db()
    assert email.status == "sent"
    activity = Activity.objects.get(subject=f"Quotation {quotation.number} r2 sent to inkoop@bakker.example")
    assert (activity.activity_type, activity.party_id, activity.document_id, activity.done) == (
        "email",
        quotation.party_id,
        quotation.pk,
        True,
    )


def test_another_recipient_may_be_named(clerk):
    quotation = sent_quotation(clerk)
    quotation_email_send(quotation=quotation, to=" buyer@elsewhere.example ", by=clerk)
    jobs_run_due()
    assert [message.to for message in mail.outbox] == [["buyer@elsewhere.example"]]


def test_a_customer_quotation_goes_to_the_customers_party_in_its_language(clerk):
    customer = make_customer()
    customer.party.email, customer.party.language = "orders@klant.example", "nl"
    customer.party.save()
    quotation = make_quotation(customer=customer, lines=[(ItemFactory(), "1")], by=clerk)
    quotation = quotation_send(quotation=quotation, by=clerk)

    quotation_email_send(quotation=quotation, by=clerk)
    jobs_run_due()

    [message] = mail.outbox
    assert message.to == ["orders@klant.example"]
    assert message.subject.startswith(f"Offerte {quotation.number} r1")


def test_a_retried_job_never_mails_twice(clerk):
    # given: the email went
    email = quotation_email_send(quotation=sent_quotation(clerk), by=clerk)
    jobs_run_due()

    # when: the job runs again (a retry after a lost connection to the database, say)
    again = quotation_email_deliver(email_id=email.pk)

    # then
    assert (again.status, len(mail.outbox), Activity.objects.filter(activity_type="email").count()) == ("sent", 1, 1)


def test_without_an_address_it_is_refused_naming_the_field_and_nothing_is_queued(clerk):
    quotation = sent_quotation(clerk, email="")

    with pytest.raises(ValidationFailed) as refused:
        quotation_email_send(quotation=quotation, by=clerk)

    assert refused.value.field_errors == {
        "to": "Bakker BV has no email address: add one to the party, or name the recipient."
    }
    assert nothing_queued() == (0, 0, [])


def test_a_bad_address_is_refused(clerk):
    with pytest.raises(ValidationFailed) as refused:
        quotation_email_send(quotation=sent_quotation(clerk), to="not-an-address", by=clerk)
    assert refused.value.field_errors == {"to": "'not-an-address' is not an email address."}
    assert nothing_queued() == (0, 0, [])


def test_a_draft_is_not_emailed(clerk):
    quotation = make_quotation(party=PartyFactory(email="a@b.example"), by=clerk)

    with pytest.raises(TransitionRefused) as refused:
        quotation_email_send(quotation=quotation, by=clerk)

    assert refused.value.code == "quotation-not-emailable"
    assert refused.value.reason == (
        f"Quotation {quotation.number} is Draft: only a sent quotation is emailed (send it first)."
    )
    assert nothing_queued() == (0, 0, [])


def test_billing_may_not_email_quotations(clerk, billing):
    quotation = sent_quotation(clerk)
    with pytest.raises(ActionForbidden):
        quotation_email_send(quotation=quotation, by=billing)
    assert nothing_queued() == (0, 0, [])


class TroubledBackend(LocmemBackend):
    """locmem, with a mail server that refuses connections or answers every message with ``error``."""

    refuse_connections = False
    error: Exception | None = None

    def open(self):
        if TroubledBackend.refuse_connections:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

    def send_messages(self, messages):
        if TroubledBackend.error is not None:
            raise TroubledBackend.error
        return super().send_messages(messages)


@pytest.fixture
def troubled_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.TroubledBackend"
    TroubledBackend.refuse_connections, TroubledBackend.error = False, None
    return TroubledBackend


def test_an_unreachable_mail_server_claims_nothing_and_the_job_retries(clerk, troubled_mail):
    # given
    email = quotation_email_send(quotation=sent_quotation(clerk), by=clerk)
    troubled_mail.refuse_connections = True

    # when
    [run] = jobs_run_due()

    # then: waiting for its retry, nothing sent, nothing recorded
    email.refresh_from_db()
    assert (run.status, email.status, mail.outbox) == ("todo", "queued", [])
    assert not Activity.objects.filter(activity_type="email").exists()

    # and once the server is back, the retry sends it once
    troubled_mail.refuse_connections = False
    quotation_email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, len(mail.outbox)) == ("sent", 1)


def test_try_again_later_releases_the_claim_for_the_retry(clerk, troubled_mail):
    email = quotation_email_send(quotation=sent_quotation(clerk), by=clerk)
    troubled_mail.error = smtplib.SMTPDataError(451, b"Try again later")

    [run] = jobs_run_due()

    email.refresh_from_db()
    assert (run.status, email.status, email.sent_at) == ("todo", "queued", None)


def test_a_refused_message_is_recorded_as_failed_and_not_retried(clerk, troubled_mail):
    email = quotation_email_send(quotation=sent_quotation(clerk), by=clerk)
    troubled_mail.error = smtplib.SMTPRecipientsRefused({"inkoop@bakker.example": (550, b"No such user")})

    [run] = jobs_run_due()

    email.refresh_from_db()
    assert (run.status, email.status, email.sent_at) == ("succeeded", "failed", None)
    assert email.error.startswith("{'inkoop@bakker.example': (550")
    assert not Activity.objects.filter(activity_type="email").exists()
