import datetime

from django.utils import timezone

from marketing.models import Activity
from marketing.services.activities import activity_create
from tests.core.api.helpers import api_client, problem
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
)
from tests.factories.salesapp import make_order

URL = "/api/v1/activities/"
DUE = "2031-03-04T09:30:00Z"


def url_of(activity, action: str = "") -> str:
    return f"{URL}{activity.pk}/{action + '/' if action else ''}"


def test_create_activity_about_an_opportunity_and_an_order(integrator, clerk):
    # given
    order = make_order(by=clerk)
    opportunity = OpportunityFactory(party=order.customer.party)

    # when
    response = api_client(integrator).post(
        URL,
        {
            "activity_type": "call",
            "subject": " Discuss delivery ",
            "due_at": DUE,
            "owner": clerk.pk,
            "opportunity": opportunity.pk,
            "document": {"type": "salesapp.salesorder", "id": order.pk},
        },
        format="json",
    )

    # then: the service took the party from the opportunity
    assert response.status_code == 201, response.content
    activity = Activity.objects.get()
    body = response.json()
    assert body["id"] == activity.pk
    assert {
        key: body[key]
        for key in (
            "activity_type",
            "subject",
            "due_at",
            "owner",
            "done",
            "done_at",
            "outcome",
            "is_overdue",
            "party",
            "lead",
            "opportunity",
            "document",
            "follow_up_of",
        )
    } == {
        "activity_type": "call",
        "subject": "Discuss delivery",
        "due_at": "2031-03-04T10:30:00+01:00",
        "owner": clerk.pk,
        "done": False,
        "done_at": None,
        "outcome": "",
        "is_overdue": False,
        "party": opportunity.party_id,
        "lead": None,
        "opportunity": opportunity.pk,
        "document": {"type": "salesapp.salesorder", "id": order.pk},
        "follow_up_of": None,
    }
    assert (activity.created_by, activity.document) == (integrator, order)


def test_create_owner_defaults_to_the_caller(integrator):
    response = api_client(integrator).post(
        URL, {"activity_type": "task", "subject": "Sync", "party": PartyFactory().pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == integrator.pk


def test_create_refused_by_the_service_names_the_fields(integrator):
    # when
    response = api_client(integrator).post(
        URL, {"activity_type": "meeting", "subject": "Visit", "outcome": "reached"}, format="json"
    )

    # then
    body = problem(response, 400)
    assert body["errors"] == [
        {"field": "outcome", "message": "Only a call has an outcome."},
        {"field": "party", "message": "Link the activity to a party or a lead."},
    ]
    assert not Activity.objects.exists()


def test_create_with_an_unknown_document_names_it(integrator):
    # given
    party = PartyFactory()
    api = api_client(integrator)

    # when
    unknown_type = api.post(
        URL,
        {"activity_type": "task", "subject": "X", "party": party.pk, "document": {"type": "auth.user", "id": 1}},
        format="json",
    )
    unknown_id = api.post(
        URL,
        {
            "activity_type": "task",
            "subject": "X",
            "party": party.pk,
            "document": {"type": "salesapp.salesorder", "id": 999},
        },
        format="json",
    )

    # then
    assert problem(unknown_type, 400)["errors"] == [
        {"field": "document.type", "message": "Unknown document type 'auth.user'; use e.g. salesapp.salesorder."}
    ]
    assert problem(unknown_id, 400)["errors"] == [
        {"field": "document.id", "message": "No salesapp.salesorder with id 999."}
    ]
    assert not Activity.objects.exists()


def test_partial_update_and_refusal_once_done(integrator, clerk):
    # given
    activity = ActivityFactory(owner=clerk, subject="Call Acme")
    done = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    api = api_client(integrator)

    # when
    changed = api.patch(url_of(activity), {"subject": "Visit Acme", "activity_type": "meeting"}, format="json")
    refused = api.patch(url_of(done), {"subject": "Changed"}, format="json")

    # then
    assert changed.status_code == 200, changed.content
    assert (changed.json()["subject"], changed.json()["activity_type"]) == ("Visit Acme", "meeting")
    body = problem(refused, 409)
    assert (body["code"], body["detail"]) == ("activity-done", "'Old call' is done: reopen it first to change it.")
    done.refresh_from_db()
    assert done.subject == "Old call"


def test_complete_schedules_the_next_follow_up(integrator, clerk):
    # given
    opportunity = OpportunityFactory()
    activity = activity_create(by=clerk, activity_type="call", subject="First call", opportunity=opportunity)

    # when
    response = api_client(integrator).post(
        url_of(activity, "complete"),
        {
            "outcome": "reached",
            "notes": "Interested",
            "next": {"subject": "Send offer", "activity_type": "email", "due_at": DUE},
        },
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    follow_up = Activity.objects.get(follow_up_of=activity)
    assert (body["activity"]["id"], body["activity"]["done"], body["activity"]["outcome"]) == (
        activity.pk,
        True,
        "reached",
    )
    assert body["activity"]["notes"] == "Interested"
    assert {
        key: body["follow_up"][key]
        for key in ("id", "subject", "activity_type", "owner", "opportunity", "follow_up_of")
    } == {
        "id": follow_up.pk,
        "subject": "Send offer",
        "activity_type": "email",
        "owner": clerk.pk,
        "opportunity": opportunity.pk,
        "follow_up_of": activity.pk,
    }


def test_complete_without_a_next_one(integrator, clerk):
    activity = ActivityFactory(owner=clerk, activity_type="task")
    response = api_client(integrator).post(url_of(activity, "complete"), {}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["activity"]["done"], response.json()["follow_up"]) == (True, None)


def test_complete_refused_changes_nothing(integrator, clerk):
    # given
    task = ActivityFactory(owner=clerk, activity_type="task", subject="Send brochure")
    done = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    api = api_client(integrator)

    # when
    bad_outcome = api.post(url_of(task, "complete"), {"outcome": "reached", "next": {"subject": "Next"}}, format="json")
    again = api.post(url_of(done, "complete"), {}, format="json")

    # then
    assert problem(bad_outcome, 400)["errors"] == [{"field": "outcome", "message": "Only a call has an outcome."}]
    assert problem(again, 409)["detail"] == "'Old call' is done already."
    task.refresh_from_db()
    assert (task.done, Activity.objects.count()) == (False, 2)


def test_reopen(integrator, clerk):
    # given
    done = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now(), outcome="reached")
    api = api_client(integrator)

    # when
    reopened = api.post(url_of(done, "reopen"))
    again = api.post(url_of(done, "reopen"))

    # then
    assert reopened.status_code == 200, reopened.content
    assert {k: reopened.json()[k] for k in ("done", "done_at", "outcome")} == {
        "done": False,
        "done_at": None,
        "outcome": "",
    }
    assert problem(again, 409)["code"] == "activity-open"


def test_list_filters_and_search(integrator, clerk, manager):
    # given
    party = PartyFactory()
    lead = LeadFactory()
    opportunity = OpportunityFactory(party=party)
    campaign = CampaignFactory()
    now = timezone.now()
    call = ActivityFactory(
        owner=clerk, activity_type="call", subject="Call", party=party, due_at=now - datetime.timedelta(days=1)
    )
    meeting = ActivityFactory(
        owner=manager,
        activity_type="meeting",
        subject="Meet",
        party=party,
        opportunity=opportunity,
        due_at=now + datetime.timedelta(days=3),
    )
    task = ActivityFactory(
        owner=integrator,
        activity_type="task",
        subject="Task",
        party=None,
        lead=lead,
        campaign=campaign,
        notes="price list",
        due_at=None,
    )
    done = ActivityFactory(owner=clerk, activity_type="email", subject="Mail", party=party, done=True, done_at=now)
    Activity.objects.filter(pk=call.pk).update(updated_at=now - datetime.timedelta(days=2))
    api = api_client(integrator)

    def ids(query):
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    # then: newest first
    assert ids({}) == [done.pk, task.pk, meeting.pk, call.pk]
    assert ids({"owner": clerk.pk}) == [done.pk, call.pk]
    assert ids({"mine": "true"}) == [task.pk]
    assert ids({"done": "true"}) == [done.pk]
    assert ids({"activity_type": "meeting"}) == [meeting.pk]
    assert ids({"party": party.pk}) == [done.pk, meeting.pk, call.pk]
    assert ids({"lead": lead.pk}) == [task.pk]
    assert ids({"opportunity": opportunity.pk}) == [meeting.pk]
    assert ids({"campaign": campaign.pk}) == [task.pk]
    assert ids({"due_before": now.isoformat()}) == [call.pk]
    assert ids({"due_after": now.isoformat()}) == [done.pk, meeting.pk]
    assert ids({"updated_since": (now - datetime.timedelta(days=1)).isoformat()}) == [done.pk, task.pk, meeting.pk]
    assert ids({"search": "price list"}) == [task.pk]


def test_list_query_count_is_constant(integrator, clerk, django_assert_max_num_queries):
    # given
    order = make_order(by=clerk)
    api = api_client(integrator)
    for _ in range(3):
        activity_create(by=clerk, activity_type="call", subject="Call", party=order.customer.party, document=order)

    # then: token, permissions, activities with their document types
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 3

    # when
    for _ in range(27):
        activity_create(by=clerk, activity_type="task", subject="Task", party=PartyFactory(), document=order)

    # then
    with django_assert_max_num_queries(5):
        assert len(api.get(URL).json()["results"]) == 30


def test_a_billing_clerk_reads_but_does_not_write(billing, clerk):
    # given
    activity = ActivityFactory(owner=clerk)
    api = api_client(billing)

    # when / then
    assert api.get(url_of(activity)).status_code == 200
    problem(api.post(URL, {"activity_type": "task", "subject": "X", "party": activity.party_id}, format="json"), 403)
    problem(api.post(url_of(activity, "complete"), {}, format="json"), 403)
    activity.refresh_from_db()
    assert activity.done is False


def test_is_overdue_only_for_open_activities_past_their_due_time(integrator, clerk):
    # given
    past, future = timezone.now() - datetime.timedelta(hours=1), timezone.now() + datetime.timedelta(hours=1)
    late = ActivityFactory(owner=clerk, subject="Late", due_at=past)
    done_late = ActivityFactory(owner=clerk, subject="Done late", due_at=past, done=True, done_at=timezone.now())
    upcoming = ActivityFactory(owner=clerk, subject="Upcoming", due_at=future)
    undated = ActivityFactory(owner=clerk, subject="Undated", due_at=None)

    # when
    rows = api_client(integrator).get(URL).json()["results"]

    # then
    overdue = {row["id"]: row["is_overdue"] for row in rows}
    assert overdue == {late.pk: True, done_late.pk: False, upcoming.pk: False, undated.pk: False}
