"""My follow-ups in the browser: the overdue call comes first, is completed in place with its outcome, and the
call scheduled in the same form shows up under Upcoming.

The activities are planned through the service; completing one is what the clerk does on the page.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core import roles
from marketing.choices import ActivityType, CallOutcome
from marketing.models import Activity
from marketing.services.activities import activity_create
from tests.e2e.conftest import login
from tests.factories.marketing import PartyFactory
from tests.factories.users import user_with_role

pytestmark = pytest.mark.e2e


def shown(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def group(page: Page, key: str):
    return page.locator(f"section.followup-group.{key}")


def subjects(page: Page, key: str):
    return group(page, key).locator("tbody tr:not(.complete-slot) td:nth-child(2)")


def test_clerk_completes_the_overdue_call_and_schedules_the_next_one(page, clerk):
    # given: an overdue call and a meeting later this week for the clerk, and a colleague's overdue call
    now = timezone.now().replace(second=0, microsecond=0)
    visser = PartyFactory(name="Visser Bouw")
    overdue = activity_create(
        by=clerk,
        activity_type=ActivityType.CALL,
        subject="Call Visser about the offer",
        due_at=now - datetime.timedelta(days=1),
        party=visser,
    )
    meeting_at = now + datetime.timedelta(days=5)
    activity_create(
        by=clerk,
        activity_type=ActivityType.MEETING,
        subject="Meeting at Dekker",
        due_at=meeting_at,
        party=PartyFactory(name="Dekker Metaal"),
    )
    colleague = user_with_role(roles.SALES_CLERK, username="colleague")
    activity_create(
        by=colleague,
        activity_type=ActivityType.CALL,
        subject="Colleague's call",
        due_at=now - datetime.timedelta(hours=2),
        party=visser,
    )
    login(page, clerk)

    # when
    page.get_by_role("navigation").get_by_role("link", name="My follow-ups").click()

    # then: overdue first, then upcoming; nothing of the colleague's
    expect(page.locator("h1")).to_contain_text("My follow-ups")
    expect(page.locator("section.followup-group h2")).to_have_text(["Overdue 1", "Upcoming 1"])
    expect(subjects(page, "overdue")).to_have_text(["Call Visser about the offer"])
    overdue_row = page.locator(f"#activity-{overdue.pk}")
    expect(overdue_row).to_have_class("overdue")
    expect(overdue_row.locator("td").nth(2)).to_have_text(shown(overdue.due_at))
    expect(overdue_row.get_by_role("link", name="Visser Bouw")).to_be_visible()
    expect(subjects(page, "upcoming")).to_have_text(["Meeting at Dekker"])

    # when: the clerk completes it in place and schedules the next call
    overdue_row.get_by_role("link", name="Complete").click()
    form = page.locator(f"#complete-{overdue.pk} form")
    expect(form.get_by_label("Call outcome")).to_be_focused()
    form.get_by_label("Call outcome").select_option(label="Reached")
    form.get_by_label("Notes").fill("Agreed to send a revised offer.")
    form.get_by_label("Schedule the next one").check()
    expect(form.get_by_label("Next: type")).to_have_value(ActivityType.CALL)
    form.get_by_label("Next: subject").fill("Call Visser about the revised offer")
    next_at = timezone.localtime(now + datetime.timedelta(days=3)).replace(hour=9, minute=30)
    form.get_by_label("Next: due").fill(next_at.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Mark done").click()

    # then: back on the follow-ups, nothing overdue; the next call comes before the meeting
    expect(page.locator(".messages")).to_have_text(
        "'Call Visser about the offer' done; next: 'Call Visser about the revised offer'."
    )
    expect(page.locator("section.followup-group h2")).to_have_text(["Upcoming 2"])
    expect(subjects(page, "upcoming")).to_have_text(["Call Visser about the revised offer", "Meeting at Dekker"])
    next_call = Activity.objects.get(subject="Call Visser about the revised offer")
    next_row = page.locator(f"#activity-{next_call.pk}")
    expect(next_row.locator("td").nth(0)).to_have_text("Call")
    expect(next_row.locator("td").nth(2)).to_have_text(shown(next_at))
    expect(next_row.get_by_role("link", name="Visser Bouw")).to_be_visible()
    overdue.refresh_from_db()
    assert (overdue.done, overdue.outcome, overdue.notes) == (
        True,
        CallOutcome.REACHED,
        "Agreed to send a revised offer.",
    )
    assert (next_call.owner, next_call.party, next_call.done) == (clerk, visser, False)
