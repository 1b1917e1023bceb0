"""The activity admin: activities are saved, completed, reopened and deleted through the activity services."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from marketing.models import Activity
from tests.factories.marketing import ActivityFactory, OpportunityFactory, PartyFactory

CHANGELIST = reverse("admin:marketing_activity_changelist")


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def activity_form(**overrides) -> dict:
    data = {
        "activity_type": "call",
        "subject": "Call the buyer",
        "owner": "",
        "due_at_0": "2031-03-04",
        "due_at_1": "09:30:00",
        "notes": "",
        "party": "",
        "lead": "",
        "opportunity": "",
        "campaign": "",
        "campaign_target": "",
    }
    return {**data, **overrides}


def test_changelist_filters_searches_and_keeps_a_constant_query_count(
    client, administrator, clerk, django_assert_max_num_queries
):
    # given
    client.force_login(administrator)
    ActivityFactory(owner=clerk, subject="Call Acme", party=PartyFactory(name="Acme BV"))
    with django_assert_max_num_queries(12) as first:
        assert client.get(CHANGELIST).status_code == 200

    # when
    for index in range(10):
        ActivityFactory(owner=clerk, activity_type="meeting" if index % 2 else "task")
    with django_assert_max_num_queries(12) as again:
        response = client.get(CHANGELIST)

    # then
    assert len(again) == len(first)
    assert response.context["cl"].result_count == 11
    assert client.get(CHANGELIST, {"activity_type__exact": "meeting"}).context["cl"].result_count == 5
    assert client.get(CHANGELIST, {"q": "acme"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"done__exact": "1"}).context["cl"].result_count == 0


def test_added_in_admin_through_the_service(client, administrator, clerk):
    # given
    client.force_login(administrator)
    opportunity = OpportunityFactory()

    # when
    response = client.post(
        reverse("admin:marketing_activity_add"), activity_form(owner=clerk.pk, opportunity=opportunity.pk)
    )

    # then: the service took the party from the opportunity and recorded who created it
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    activity = Activity.objects.get()
    assert (activity.party, activity.owner, activity.created_by) == (opportunity.party, clerk, administrator)


def test_add_refused_by_the_service_shows_its_reason(client, administrator, clerk):
    # given
    client.force_login(administrator)

    # when: neither party nor lead
    response = client.post(reverse("admin:marketing_activity_add"), activity_form(owner=clerk.pk))

    # then
    assert response.status_code == 302
    assert messages_of(response) == [("error", "party: Link the activity to a party or a lead.")]
    assert not Activity.objects.exists()


def test_change_of_a_done_activity_is_read_only(client, administrator, clerk):
    # given
    client.force_login(administrator)
    activity = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())

    # when
    page = client.get(reverse("admin:marketing_activity_change", args=[activity.pk]))

    # then: nothing of it is an input any more
    form = page.context["adminform"].form
    assert page.status_code == 200
    assert sorted(form.fields) == []


def test_actions_complete_reopen_and_delete_through_the_services(client, administrator, clerk):
    # given
    client.force_login(administrator)
    open_one = ActivityFactory(owner=clerk, subject="Open call")
    done_one = ActivityFactory(owner=clerk, subject="Done call", done=True, done_at=timezone.now())

    def run(action, *activities):
        return client.post(CHANGELIST, {"action": action, "_selected_action": [a.pk for a in activities]}, follow=True)

    # when
    completed = run("complete_selected", open_one, done_one)
    open_one.refresh_from_db()
    reopened = run("reopen_selected", open_one)
    open_one.refresh_from_db()
    refused_delete = run("delete_open_selected", done_one)
    deleted = run("delete_open_selected", open_one)

    # then
    assert [(m.level_tag, str(m)) for m in completed.context["messages"]] == [
        ("error", "Done call: 'Done call' is done already."),
        ("success", "1 activity done."),
    ]
    assert [str(m) for m in reopened.context["messages"]] == ["1 activity reopened."]
    assert [str(m) for m in refused_delete.context["messages"]] == [
        "Done call: 'Done call' is done and part of the history: it cannot be deleted."
    ]
    assert [str(m) for m in deleted.context["messages"]] == ["1 activity deleted."]
    assert list(Activity.objects.values_list("subject", "done")) == [("Done call", True)]
    offered = [name for name, _label in completed.context["action_form"].fields["action"].choices]
    assert offered == ["", "complete_selected", "reopen_selected", "delete_open_selected"]
