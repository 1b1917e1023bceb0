"""The background jobs in the admin: state, errors and retries, for administrators; a failed job is retried."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from core.errors import ActionForbidden
from core.jobs import job_retry, jobs_run_due
from tests.factories.invoicing import posted_invoice

CHANGELIST = reverse("admin:procrastinate_procrastinatejob_changelist")


def failed_pdf_job(clerk, billing, monkeypatch) -> ProcrastinateJob:
    """A PDF job whose one attempt failed, marked failed for good."""
    posted_invoice(by=clerk, post_by=billing)
    monkeypatch.setattr("invoicing.documents.render_pdf", lambda **kwargs: 1 / 0)
    jobs_run_due()
    monkeypatch.undo()
    job = ProcrastinateJob.objects.get(status="todo")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s", [job.pk])
    job.refresh_from_db()
    return job


def test_the_job_list_shows_state_retries_and_the_last_error(
    client, clerk, billing, administrator, monkeypatch, django_assert_max_num_queries
):
    # given: a failed job and two that succeeded
    failed = failed_pdf_job(clerk, billing, monkeypatch)
    posted_invoice(by=clerk, post_by=billing)
    posted_invoice(by=clerk, post_by=billing)
    jobs_run_due()
    client.force_login(administrator)

    # when
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    detail = client.get(reverse("admin:procrastinate_procrastinatejob_change", args=[failed.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("invoicing.invoice_pdf_store") >= 3
    assert "ZeroDivisionError: division by zero" in html
    assert ">failed<" in html and ">succeeded<" in html
    assert detail.status_code == 200
    assert "Traceback (most recent call last)" in detail.content.decode()
    assert "Attempt" in detail.content.decode()


def test_an_administrator_retries_a_failed_job_from_the_list(client, clerk, billing, administrator, monkeypatch):
    # given: a failed job and one that succeeded
    failed = failed_pdf_job(clerk, billing, monkeypatch)
    posted_invoice(by=clerk, post_by=billing)
    jobs_run_due()
    succeeded = ProcrastinateJob.objects.get(status="succeeded")
    client.force_login(administrator)

    # when: both are selected
    response = client.post(
        CHANGELIST, {"action": "retry_failed", "_selected_action": [failed.pk, succeeded.pk]}, follow=True
    )

    # then: the failed one waits again, the other one is reported and left alone
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == [
        f"{succeeded}: Job {succeeded.pk} has status succeeded: only a failed job can be retried.",
        "1 job queued again.",
    ]
    failed.refresh_from_db()
    succeeded.refresh_from_db()
    assert (failed.status, succeeded.status) == ("todo", "succeeded")
    [run] = jobs_run_due()
    assert (run.job_id, run.status) == (failed.pk, "succeeded")


def test_only_administrators_see_the_jobs(client, billing, administrator):
    # given: a staff account that is not an administrator
    billing.is_staff = True
    billing.save(update_fields=["is_staff"])
    client.force_login(billing)

    # when
    response = client.get(CHANGELIST)
    index = client.get(reverse("admin:index"))

    # then
    assert response.status_code == 403
    assert CHANGELIST not in index.content.decode()


def test_the_jobs_permission_decides_not_the_group_name(client, clerk, billing, monkeypatch):
    # given: an operations group, not named administrator, given the jobs page's permissions; and a group named
    # administrator without them
    failed = failed_pdf_job(clerk, billing, monkeypatch)
    operations = Group.objects.create(name="operations")
    operations.permissions.set(
        Permission.objects.filter(
            content_type__app_label="procrastinate", codename__in=["view_procrastinatejob", "change_procrastinatejob"]
        )
    )
    operator = User.objects.create_user(username="ops", password="pw-123456", is_staff=True)
    operator.groups.add(operations)
    impostor = User.objects.create_user(username="not-admin", password="pw-123456", is_staff=True)
    impostor.groups.add(Group.objects.create(name="administrator-look-alike"))
    Group.objects.get(name="administrator").permissions.remove(
        *Permission.objects.filter(content_type__app_label="procrastinate")
    )
    impostor.groups.add(Group.objects.get(name="administrator"))

    # when: the operator opens the list and retries the failed job
    client.force_login(operator)
    listed = client.get(CHANGELIST)
    retried = client.post(CHANGELIST, {"action": "retry_failed", "_selected_action": [failed.pk]}, follow=True)

    # then
    assert listed.status_code == 200 and "retry_failed" in listed.content.decode()
    assert [str(m) for m in get_messages(retried.wsgi_request)] == ["1 job queued again."]
    failed.refresh_from_db()
    assert failed.status == "todo"

    # when / then: a member of the administrator group without the permissions sees nothing
    client.force_login(impostor)
    assert client.get(CHANGELIST).status_code == 403
    with pytest.raises(ActionForbidden):
        job_retry(job=failed, by=User.objects.get(pk=impostor.pk))


def test_a_viewer_without_the_retry_permission_is_not_offered_the_retry(client, clerk, billing, monkeypatch):
    # given: a support account that may look at the jobs only
    failed_pdf_job(clerk, billing, monkeypatch)
    viewer = User.objects.create_user(username="support", password="pw-123456", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_procrastinatejob"))
    client.force_login(viewer)

    # when
    response = client.get(CHANGELIST)

    # then
    assert response.status_code == 200
    assert "retry_failed" not in response.content.decode()
