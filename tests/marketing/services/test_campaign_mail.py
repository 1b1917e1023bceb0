import smtplib
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from core.actors import system_actor
from core.errors import TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from core.models import JobFailure
from marketing.choices import CampaignType
from marketing.errors import MailServerUnavailable
from marketing.jobs import campaign_email_batch
from marketing.models import CampaignTarget, Unsubscription
from marketing.selectors.campaigns import EmailProgress, campaign_email_progress
from marketing.services.campaign_mail import (
    campaign_email_batch_deliver,
    campaign_email_render,
    campaign_email_send,
)
from marketing.services.campaign_targets import campaign_targets_add, target_unsubscribe
from marketing.services.campaigns import campaign_activate, campaign_cancel, campaign_create, campaign_update
from tests.factories.marketing import ContactFactory, PartyFactory

SUBJECT = "Autumn offer for {{ target.name }}"
BODY = (
    "Dear {{ target.contact_name|default:'customer' }},\n\nChairs for {{ target.city }} & more.\n\n{{ campaign.name }}"
)


def email_campaign(by, parties, *, active=True, **overrides):
    values = {"name": "Autumn chairs", "email_subject": SUBJECT, "email_body": BODY, **overrides}
    campaign = campaign_create(by=by, campaign_type=CampaignType.EMAIL, **values)
    campaign_targets_add(campaign=campaign, by=by, parties=parties)
    return campaign_activate(campaign=campaign, by=by) if active else campaign


def target_of(campaign, party) -> CampaignTarget:
    return CampaignTarget.objects.get(campaign=campaign, party=party)


def test_each_target_gets_its_own_email_from_the_job(clerk, settings):
    # given
    settings.SALESFLOW_BASE_URL = "https://crm.example.com"
    party = PartyFactory(name="Anker <Koffie>", city="Schiedam", language="nl")
    ContactFactory(party=party, name="Joost Anker", email="joost@anker.nl", is_primary=True)
    campaign = email_campaign(clerk, [party])
    target = target_of(campaign, party)

    # when: queued by the clerk, sent by the job
    queued = campaign_email_send(campaign=campaign, by=clerk)
    assert (queued, len(mail.outbox)) == (1, 0)
    assert list(ProcrastinateJob.objects.values_list("task_name", "args")) == [
        ("marketing.campaign_email_batch", {"campaign_id": campaign.pk, "target_ids": [target.pk]})
    ]
    runs = jobs_run_due()

    # then
    [message] = mail.outbox
    link = "https://crm.example.com" + reverse("marketing:unsubscribe", args=[target.unsubscribe_token])
    assert message.to == ["joost@anker.nl"]
    assert message.from_email == "sales@salesflow.example"
    assert message.subject == "Autumn offer for Anker <Koffie>"
    assert message.body.startswith("Dear Joost Anker,\n\nChairs for Schiedam & more.\n\nAutumn chairs\n\n-- \n")
    assert link in message.body
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<p>Dear Joost Anker,</p>" in html and "Chairs for Schiedam &amp; more." in html
    assert f'<a href="{link}">' in html
    # the footer speaks the target's language
    assert '<html lang="nl">' in html
    target.refresh_from_db()
    assert (target.status, target.email_sent_at is not None, target.contacted_at is not None) == (
        "contacted",
        True,
        True,
    )
    assert [run.status for run in runs] == ["succeeded"]


def test_the_email_goes_once_and_skips_excluded_unsubscribed_and_addressless_targets(clerk):
    # given
    reachable = PartyFactory(name="Reachable", email="buyer@reachable.nl")
    without = PartyFactory(name="No address", email="")
    left = PartyFactory(name="Left", email="left@example.com")
    later = PartyFactory(name="Later", email="Later@Example.com")
    campaign = email_campaign(clerk, [reachable, without, left, later])
    target_unsubscribe(target=target_of(campaign, left), by=system_actor())
    # unsubscribed through another campaign after this one's targets were chosen
    Unsubscription.objects.create(email="later@example.com")

    # when: sent twice, the second time before the first one's job ran, and once more after
    first = campaign_email_send(campaign=campaign, by=clerk)
    second = campaign_email_send(campaign=campaign, by=clerk)
    jobs_run_due()
    third = campaign_email_send(campaign=campaign, by=clerk)
    jobs_run_due()

    # then
    assert (first, second, third) == (1, 0, 0)
    assert [message.to for message in mail.outbox] == [["buyer@reachable.nl"]]
    assert list(campaign.targets.order_by("name").values_list("name", "status", "excluded_reason")) == [
        ("Later", "excluded", "Unsubscribed before the email was sent."),
        ("Left", "responded", ""),
        ("No address", "excluded", "No email address."),
        ("Reachable", "contacted", ""),
    ]


def test_only_active_email_campaigns_send(clerk):
    # given
    party = PartyFactory()
    planned = email_campaign(clerk, [party], active=False)
    telemarketing = campaign_create(by=clerk, name="Calls", campaign_type=CampaignType.TELEMARKETING)

    # when / then
    with pytest.raises(TransitionRefused) as not_active:
        campaign_email_send(campaign=planned, by=clerk)
    with pytest.raises(TransitionRefused) as not_email:
        campaign_email_send(campaign=telemarketing, by=clerk)
    assert not_active.value.reason == f"Campaign {planned.number} is Planned: email is sent while it is active."
    assert not_email.value.reason == (
        f"Campaign {telemarketing.number} is a telemarketing campaign: only email campaigns send email."
    )
    assert mail.outbox == []
    assert target_of(planned, party).email_sent_at is None


def test_an_email_without_text_is_not_sent(clerk):
    # given
    party = PartyFactory()
    campaign = email_campaign(clerk, [party])
    campaign_update(campaign=campaign, by=clerk, email_subject="", email_body=" ")

    # when
    with pytest.raises(ValidationFailed) as refused:
        campaign_email_send(campaign=campaign, by=clerk)

    # then
    assert refused.value.field_errors == {
        "email_subject": "Write the subject of the email first.",
        "email_body": "Write the text of the email first.",
    }
    assert mail.outbox == []
    assert target_of(campaign, party).status == "pending"
    assert not ProcrastinateJob.objects.exists()


def test_the_text_cannot_reach_beyond_the_target_data(clerk):
    # given: a text that tries to walk from the target to its campaign's creator
    party = PartyFactory(name="Anker")
    campaign = email_campaign(clerk, [party], email_body="{{ target.campaign.created_by.password }}|{{ target.name }}")

    # when
    email = campaign_email_render(campaign=campaign, target=target_of(campaign, party))

    # then
    assert email.text.startswith("|Anker\n")


class FailingBackend(LocmemBackend):
    """The locmem backend, with a mail server that fails at the Nth message it is handed (counted over the
    whole test), with the error set by the test; or refuses connections altogether."""

    handed = 0
    fail_at: int | None = None
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    refuse_connections = False

    def open(self):
        if FailingBackend.refuse_connections:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().open()

    def send_messages(self, messages):
        for _message in messages:
            FailingBackend.handed += 1
            if FailingBackend.handed == FailingBackend.fail_at:
                raise FailingBackend.error
        return super().send_messages(messages)


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.handed, FailingBackend.fail_at, FailingBackend.refuse_connections = 0, None, False
    FailingBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    return FailingBackend


def parties(count: int) -> list:
    return [PartyFactory(name=f"Party {n:03d}", email=f"p{n:03d}@example.com") for n in range(count)]


def test_targets_are_sent_in_batches_of_fifty(clerk):
    # given: 120 reachable targets
    campaign = email_campaign(clerk, parties(120))

    # when
    queued = campaign_email_send(campaign=campaign, by=clerk)

    # then: three jobs of 50, 50 and 20 targets, in name order; nothing sent yet
    batches = [job.args["target_ids"] for job in ProcrastinateJob.objects.order_by("id")]
    assert (queued, [len(batch) for batch in batches], mail.outbox) == (120, [50, 50, 20], [])
    in_order = list(campaign.targets.order_by("name", "id").values_list("pk", flat=True))
    assert [pk for batch in batches for pk in batch] == in_order
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=0, failed=0, remaining=120)

    # when: the jobs run
    jobs_run_due()

    # then
    assert len(mail.outbox) == 120
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=120, failed=0, remaining=0)


def test_each_target_is_marked_sent_before_its_message_goes(clerk, failing_mail):
    # given: a mail server that drops the connection at the second message
    campaign = email_campaign(clerk, parties(2))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 2
    seen_when_handed = []
    original = failing_mail.send_messages

    def watching(self, messages):
        # What the database says at the moment the message is handed to the server.
        seen_when_handed.append(CampaignTarget.objects.get(email=messages[0].to[0]).email_sent_at is not None)
        return original(self, messages)

    failing_mail.send_messages = watching
    try:
        jobs_run_due()
    finally:
        failing_mail.send_messages = original

    # then: both were stamped before they were handed over
    assert seen_when_handed == [True, True]


def test_a_retry_after_a_mid_batch_failure_never_sends_twice(clerk, failing_mail):
    # given: five targets in one batch; the mail server drops the connection at the third message
    campaign = email_campaign(clerk, parties(5))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 3

    # when: the job runs and fails
    [first] = jobs_run_due()

    # then: two went; the third was not taken on by the server (no answer to it), so it waits with the two
    # never tried; the job waits for its retry with backoff, and its error is recorded
    job = ProcrastinateJob.objects.get()
    assert (first.status, job.status, job.attempts) == ("todo", "todo", 1)
    assert job.scheduled_at is not None
    assert [message.to for message in mail.outbox] == [["p000@example.com"], ["p001@example.com"]]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=2, failed=0, remaining=3)
    third = CampaignTarget.objects.get(email="p002@example.com")
    assert (third.status, third.email_sent_at, third.email_failed_at, third.contacted_at, third.email_error) == (
        "pending",
        None,
        None,
        None,
        "Connection unexpectedly closed",
    )
    assert JobFailure.objects.get().error.splitlines()[-1].startswith("marketing.errors.MailServerUnavailable")

    # when: the retry runs (the job again, with the same arguments), the server working again
    campaign_email_batch(**job.args)

    # then: the three not yet delivered go out, each once
    assert [message.to[0] for message in mail.outbox] == [f"p00{n}@example.com" for n in range(5)]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=5, failed=0, remaining=0)
    assert CampaignTarget.objects.get(email="p002@example.com").email_error == ""

    # when: the job runs yet again (a duplicate delivery of the job): nothing more is sent
    campaign_email_batch(**job.args)
    assert len(mail.outbox) == 5


def test_a_temporary_refusal_of_a_recipient_waits_for_the_retry_and_the_batch_goes_on(clerk, failing_mail, client):
    # given: the server answers 450 (mailbox busy, try later) for the second of three recipients
    campaign = email_campaign(clerk, parties(3))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 2
    failing_mail.error = smtplib.SMTPRecipientsRefused({"p001@example.com": (450, b"Mailbox busy, try later")})

    # when
    [run] = jobs_run_due()

    # then: the others went; the second is not failed but still queued, with the answer; the job retries
    assert run.status == "todo"
    assert [message.to[0] for message in mail.outbox] == ["p000@example.com", "p002@example.com"]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=2, failed=0, remaining=1)
    waiting = CampaignTarget.objects.get(email="p001@example.com")
    assert (waiting.status, waiting.email_sent_at, waiting.email_failed_at) == ("pending", None, None)
    assert "Mailbox busy, try later" in waiting.email_error
    client.force_login(clerk)
    page = client.get(reverse("marketing:target_detail", args=[waiting.pk])).content.decode()
    assert "Queued, being sent" in page and "Mailbox busy, try later" in page

    # when: the retry runs
    campaign_email_batch(**ProcrastinateJob.objects.get().args)

    # then: it is sent, once; the others are not sent again
    assert [message.to[0] for message in mail.outbox] == [f"p00{n}@example.com" for n in (0, 2, 1)]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=3, failed=0, remaining=0)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPDataError(421, b"Service not available, closing channel"),
        smtplib.SMTPSenderRefused(451, b"Local error in processing", "sales@example.com"),
        TimeoutError("timed out"),
        ConnectionResetError(104, "Connection reset by peer"),
    ],
    ids=["421", "451-sender", "timeout", "reset"],
)
def test_temporary_server_trouble_leaves_the_rest_of_the_batch_queued(clerk, failing_mail, error):
    # given: the server fails temporarily at the first of two messages
    campaign = email_campaign(clerk, parties(2))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 1
    failing_mail.error = error

    # when
    [run] = jobs_run_due()

    # then: nobody is sent or failed; the retry sends both
    assert (run.status, mail.outbox) == ("todo", [])
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=0, failed=0, remaining=2)
    campaign_email_batch(**ProcrastinateJob.objects.get().args)
    assert sorted(message.to[0] for message in mail.outbox) == ["p000@example.com", "p001@example.com"]


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPDataError(554, b"Message rejected as spam"),
        ValueError("Invalid address; only p000@example.com could be parsed"),
    ],
    ids=["554", "bad-address"],
)
def test_a_permanent_refusal_fails_the_target_with_the_reason(clerk, failing_mail, error):
    # given
    campaign = email_campaign(clerk, parties(2))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 1
    failing_mail.error = error

    # when
    [run] = jobs_run_due()

    # then: the first failed for good with the reason, the second went; nothing is retried
    assert run.status == "succeeded"
    assert [message.to[0] for message in mail.outbox] == ["p001@example.com"]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=1, failed=1, remaining=0)
    refused = CampaignTarget.objects.get(email="p000@example.com")
    assert refused.email_failed_at is not None
    assert refused.email_error == str(error)


def test_a_refused_address_fails_alone_and_the_batch_goes_on(clerk, failing_mail):
    # given: the server refuses the second recipient for good
    campaign = email_campaign(clerk, parties(3))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.fail_at = 2
    failing_mail.error = smtplib.SMTPRecipientsRefused({"p001@example.com": (550, b"No such user")})

    # when
    [run] = jobs_run_due()

    # then: the job succeeded, one target failed with the server's answer
    assert run.status == "succeeded"
    assert [message.to[0] for message in mail.outbox] == ["p000@example.com", "p002@example.com"]
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=2, failed=1, remaining=0)
    assert CampaignTarget.objects.get(email="p001@example.com").email_error.startswith("{'p001@example.com': (550")


def test_an_unreachable_mail_server_marks_nobody_and_the_job_retries(clerk, failing_mail):
    # given
    campaign = email_campaign(clerk, parties(2))
    campaign_email_send(campaign=campaign, by=clerk)
    failing_mail.refuse_connections = True

    # when
    [run] = jobs_run_due()

    # then
    assert (run.status, mail.outbox) == ("todo", [])
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=0, failed=0, remaining=2)
    with pytest.raises(MailServerUnavailable):
        campaign_email_batch_deliver(**ProcrastinateJob.objects.get().args)


def test_a_target_unsubscribed_while_queued_is_skipped(clerk, client):
    # given: queued, then the address unsubscribes (through an earlier campaign's link) before the job runs
    stays, leaves = parties(2)
    campaign = email_campaign(clerk, [stays, leaves])
    campaign_email_send(campaign=campaign, by=clerk)
    Unsubscription.objects.create(email=leaves.email)

    # when
    jobs_run_due()

    # then
    assert [message.to for message in mail.outbox] == [[stays.email]]
    gone = target_of(campaign, leaves)
    assert (gone.status, gone.email_queued_at, gone.email_sent_at) == ("excluded", None, None)
    assert campaign_email_progress(campaign=campaign) == EmailProgress(sent=1, failed=0, remaining=0)


def test_the_batch_costs_a_fixed_number_of_queries_plus_one_per_message(clerk, django_assert_num_queries):
    # given
    campaign = email_campaign(clerk, parties(20))
    campaign_email_send(campaign=campaign, by=clerk)
    job = ProcrastinateJob.objects.get()

    # when / then: campaign, targets, unsubscriptions, then one claiming UPDATE per message
    with django_assert_num_queries(3 + 20):
        campaign_email_batch(**job.args)


def test_the_email_job_retries_mail_server_trouble_with_backoff_but_not_a_bug():
    strategy = campaign_email_batch.retry_strategy

    def wait(exception, attempts):
        decision = strategy.get_retry_decision(exception=exception, job=SimpleNamespace(attempts=attempts))
        return None if decision is None else round((decision.retry_at - timezone.now()).total_seconds())

    assert wait(MailServerUnavailable("connection refused"), 0) == 2
    assert wait(MailServerUnavailable("connection refused"), 3) == 16
    assert wait(OperationalError("server closed the connection"), 1) == 4
    assert wait(MailServerUnavailable("still down"), 10) is None  # ten attempts, then the job has failed
    assert wait(KeyError("a bug"), 0) is None


def test_a_batch_waiting_for_a_campaign_canceled_meanwhile_sends_nothing(clerk):
    # given: queued for two parties, then the campaign is canceled before the worker ran
    parties = [PartyFactory(), PartyFactory()]
    for party in parties:
        ContactFactory(party=party, email=f"{party.pk}@example.com", is_primary=True)
    campaign = email_campaign(clerk, parties)
    assert campaign_email_send(campaign=campaign, by=clerk) == 2
    campaign_cancel(campaign=campaign, by=clerk, reason="Offer withdrawn")

    # when
    jobs_run_due()

    # then: nobody is mailed, and nothing is left waiting
    assert mail.outbox == []
    assert list(CampaignTarget.objects.filter(campaign=campaign).values_list("email_queued_at", "email_sent_at")) == [
        (None, None),
        (None, None),
    ]
