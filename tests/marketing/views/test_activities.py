import datetime

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from marketing.models import Activity
from marketing.services.activities import activity_complete, activity_create
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    CampaignTargetFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
)
from tests.factories.salesapp import make_order

HTMX = {"HX-Request": "true"}
LIST_URL = reverse("marketing:activity_list")
FOLLOWUPS_URL = reverse("marketing:followups")
CREATE_URL = reverse("marketing:activity_create")
# Session, user, permissions and the page's own reads (owners of the filter, parties, rows, count).
LIST_QUERIES = 8
FOLLOWUP_QUERIES = 5
DETAIL_QUERIES = 8


def detail_url(activity) -> str:
    return reverse("marketing:activity_detail", args=[activity.pk])


def subjects(response) -> list[str]:
    return [activity.subject for activity in response.context["page_obj"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def on(day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2031, 3, day, hour))


def hours(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=n)


# The list


def test_activity_list_shows_open_activities_and_filters(client, clerk, manager):
    # given
    party = PartyFactory(name="Acme BV")
    ActivityFactory(owner=clerk, activity_type="call", subject="Call Acme", party=party, due_at=on(4, 9))
    ActivityFactory(owner=manager, activity_type="meeting", subject="Meet Beta", due_at=on(6, 9))
    ActivityFactory(owner=clerk, activity_type="task", subject="Quote for Acme", party=party, due_at=None)
    ActivityFactory(
        owner=clerk, activity_type="email", subject="Thanks", party=party, due_at=on(2, 9), done=True, done_at=on(2, 10)
    )
    client.force_login(clerk)

    # when / then: open ones by default, soonest first, those without a date last
    assert subjects(client.get(LIST_URL)) == ["Call Acme", "Meet Beta", "Quote for Acme"]
    assert subjects(client.get(LIST_URL, {"status": "done"})) == ["Thanks"]
    assert subjects(client.get(LIST_URL, {"status": "all"})) == ["Call Acme", "Meet Beta", "Quote for Acme", "Thanks"]
    assert subjects(client.get(LIST_URL, {"owner": "me"})) == ["Call Acme", "Quote for Acme"]
    assert subjects(client.get(LIST_URL, {"owner": manager.pk})) == ["Meet Beta"]
    assert subjects(client.get(LIST_URL, {"activity_type": "task"})) == ["Quote for Acme"]
    assert subjects(client.get(LIST_URL, {"party": party.pk, "status": "all"})) == [
        "Call Acme",
        "Quote for Acme",
        "Thanks",
    ]
    assert subjects(client.get(LIST_URL, {"q": "acme"})) == ["Call Acme", "Quote for Acme"]
    assert subjects(client.get(LIST_URL, {"due_from": "2031-03-05"})) == ["Meet Beta"]
    assert subjects(client.get(LIST_URL, {"due_to": "2031-03-04", "status": "all"})) == ["Call Acme", "Thanks"]
    assert subjects(client.get(LIST_URL, {"due_from": "2031-03-04", "due_to": "2031-03-04"})) == ["Call Acme"]


def test_activity_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    def page():
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(LIST_URL, {"status": "all"})
        assert response.status_code == 200
        return response

    for _ in range(3):
        ActivityFactory(owner=clerk, opportunity=OpportunityFactory(), campaign=CampaignFactory())
    client.force_login(clerk)
    assert len(page().context["page_obj"]) == 3

    # when
    for index in range(27):
        done = index % 2 == 0
        ActivityFactory(
            owner=clerk, party=None, lead=LeadFactory(), done=done, done_at=timezone.now() if done else None
        )

    # then
    assert len(page().context["page_obj"]) == 25


def test_activity_list_links_what_each_activity_is_about(client, clerk):
    # given
    opportunity = OpportunityFactory()
    lead = LeadFactory(company_name="Lead Co", contact_name="")
    ActivityFactory(owner=clerk, party=opportunity.party, opportunity=opportunity)
    ActivityFactory(owner=clerk, party=None, lead=lead)
    client.force_login(clerk)

    # when
    html = client.get(LIST_URL).content.decode()

    # then
    assert f'href="{reverse("marketing:party_detail", args=[opportunity.party_id])}"' in html
    assert f'href="{reverse("marketing:opportunity_detail", args=[opportunity.pk])}">{opportunity.number}</a>' in html
    assert f'href="{reverse("marketing:lead_detail", args=[lead.pk])}">{lead.number}</a> Lead Co' in html


# My follow-ups


def test_followups_groups_the_users_open_activities(client, clerk, manager):
    # given
    ActivityFactory(owner=clerk, subject="Yesterday's call", due_at=hours(-26))
    ActivityFactory(owner=clerk, subject="Just missed", due_at=hours(-1))
    ActivityFactory(owner=clerk, subject="Next week", due_at=hours(24 * 7))
    ActivityFactory(owner=clerk, subject="Some day", due_at=None)
    ActivityFactory(owner=clerk, subject="Done", due_at=hours(-3), done=True, done_at=hours(-2))
    ActivityFactory(owner=manager, subject="The manager's", due_at=hours(-3))
    client.force_login(clerk)

    # when
    response = client.get(FOLLOWUPS_URL)

    # then
    groups = {group["key"]: [a.subject for a in group["activities"]] for group in response.context["groups"]}
    assert groups == {
        "overdue": ["Yesterday's call", "Just missed"],
        "today": [],
        "upcoming": ["Next week"],
        "no_date": ["Some day"],
    }
    html = response.content.decode()
    assert (
        html.index("Yesterday&#x27;s call")
        < html.index("Just missed")
        < html.index("Next week")
        < html.index("Some day")
    )
    assert "The manager" not in html and "Done" not in html


def test_followups_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    def page():
        with django_assert_max_num_queries(FOLLOWUP_QUERIES):
            response = client.get(FOLLOWUPS_URL)
        assert response.status_code == 200
        return response

    for hour in (-5, 3, 40):
        ActivityFactory(owner=clerk, due_at=hours(hour), opportunity=OpportunityFactory())
    client.force_login(clerk)
    assert page().context["total"] == 3

    # when
    for index in range(27):
        ActivityFactory(owner=clerk, due_at=hours(index * 5 - 60) if index % 3 else None, campaign=CampaignFactory())

    # then
    assert page().context["total"] == 30


def test_followups_complete_inline_with_htmx_and_schedule_the_next(client, clerk):
    # given
    call = ActivityFactory(owner=clerk, activity_type="call", subject="Call Acme", due_at=hours(-2))
    client.force_login(clerk)
    complete_url = reverse("marketing:activity_complete", args=[call.pk])
    prefix = f"complete-{call.pk}"

    # when: the clerk opens the form inside the row, then sends it
    form = client.get(complete_url, {"next": FOLLOWUPS_URL}, headers=HTMX)
    done = client.post(
        complete_url,
        {
            "next": FOLLOWUPS_URL,
            f"{prefix}-outcome": "call_back",
            f"{prefix}-notes": "Asked to call on Friday",
            f"{prefix}-schedule_next": "on",
            f"{prefix}-next_activity_type": "call",
            f"{prefix}-next_subject": "Call Acme again",
            f"{prefix}-next_due_at": "2031-03-07T10:30",
        },
        headers=HTMX,
    )

    # then
    fragment = form.content.decode()
    assert form.status_code == 200 and "<html" not in fragment
    assert f'hx-post="{complete_url}"' in fragment and 'name="complete-' in fragment
    assert (done.status_code, done["HX-Redirect"]) == (204, FOLLOWUPS_URL)
    call.refresh_from_db()
    follow_up = Activity.objects.get(follow_up_of=call)
    assert (call.done, call.outcome, call.notes) == (True, "call_back", "Asked to call on Friday")
    assert (follow_up.subject, follow_up.activity_type, follow_up.owner, follow_up.done) == (
        "Call Acme again",
        "call",
        clerk,
        False,
    )
    assert timezone.localtime(follow_up.due_at).strftime("%Y-%m-%d %H:%M") == "2031-03-07 10:30"
    page = client.get(FOLLOWUPS_URL)
    assert messages_of(page) == ["'Call Acme' done; next: 'Call Acme again'."]
    assert [a.subject for group in page.context["groups"] for a in group["activities"]] == ["Call Acme again"]


def test_followups_complete_refused_shows_the_form_again_and_changes_nothing(client, clerk):
    # given
    task = ActivityFactory(owner=clerk, activity_type="task", subject="Send brochure", due_at=hours(1))
    client.force_login(clerk)
    prefix = f"complete-{task.pk}"

    # when: "schedule the next one" without saying what
    response = client.post(
        reverse("marketing:activity_complete", args=[task.pk]),
        {"next": FOLLOWUPS_URL, f"{prefix}-schedule_next": "on", f"{prefix}-next_activity_type": "task"},
        headers=HTMX,
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"next_subject": ["An activity needs a subject."]}
    task.refresh_from_db()
    assert (task.done, Activity.objects.count()) == (False, 1)


def test_complete_page_without_htmx_goes_back_to_the_activity(client, clerk):
    # given
    task = ActivityFactory(owner=clerk, activity_type="task", subject="Send brochure")
    client.force_login(clerk)
    url = reverse("marketing:activity_complete", args=[task.pk])

    # when
    page = client.get(url)
    response = client.post(url, {f"complete-{task.pk}-notes": "Sent by post"})

    # then: a task has no call outcome to choose
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert "outcome" not in page.context["form"].fields
    assert response.status_code == 302 and response["Location"] == detail_url(task)
    task.refresh_from_db()
    assert (task.done, task.notes) == (True, "Sent by post")


# Create and edit


def test_create_form_is_prefilled_from_the_page_it_was_started_from(client, clerk):
    # given
    opportunity = OpportunityFactory(name="Big deal")
    client.force_login(clerk)
    back = reverse("marketing:opportunity_detail", args=[opportunity.pk])

    # when
    response = client.get(CREATE_URL, {"opportunity": opportunity.pk, "next": back})

    # then
    form = response.context["form"]
    assert (form["opportunity"].value(), form["party"].value(), form["owner"].value()) == (
        opportunity.pk,
        opportunity.party_id,
        clerk.pk,
    )
    assert response.context["linked"] == [("Opportunity", opportunity)]
    html = response.content.decode()
    assert f'<input type="hidden" name="next" value="{back}">' in html
    assert 'type="datetime-local"' in html and "autofocus" in html


def test_create_saves_through_the_service_and_returns_to_the_local_next(client, clerk):
    # given
    opportunity = OpportunityFactory()
    client.force_login(clerk)
    back = reverse("marketing:opportunity_detail", args=[opportunity.pk])

    # when
    response = client.post(
        CREATE_URL,
        {
            "activity_type": "meeting",
            "subject": "Visit the plant",
            "due_at": "2031-03-05T14:00",
            "owner": clerk.pk,
            "notes": "",
            "opportunity": opportunity.pk,
            "next": back,
        },
    )

    # then
    activity = Activity.objects.get()
    assert (response.status_code, response["Location"]) == (302, back)
    assert (activity.subject, activity.party, activity.opportunity, activity.created_by) == (
        "Visit the plant",
        opportunity.party,
        opportunity,
        clerk,
    )
    assert timezone.localtime(activity.due_at).strftime("%Y-%m-%d %H:%M") == "2031-03-05 14:00"


def test_create_ignores_a_next_to_another_site(client, clerk):
    # given
    party = PartyFactory()
    client.force_login(clerk)

    # when
    response = client.post(
        CREATE_URL,
        {
            "activity_type": "task",
            "subject": "Phishing",
            "owner": clerk.pk,
            "party": party.pk,
            "next": "https://evil.example/",
        },
    )

    # then
    activity = Activity.objects.get()
    assert response["Location"] == detail_url(activity)


def test_create_refused_by_the_service_shows_the_reason_on_the_field(client, clerk):
    # given
    client.force_login(clerk)

    # when: neither a party nor a lead
    response = client.post(CREATE_URL, {"activity_type": "call", "subject": "Ring", "owner": clerk.pk})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"party": ["Link the activity to a party or a lead."]}
    assert not Activity.objects.exists()


def test_create_from_a_campaign_target_links_the_campaign(client, clerk):
    # given
    target = CampaignTargetFactory()
    client.force_login(clerk)

    # when
    form = client.get(CREATE_URL, {"target": target.pk}).context["form"]
    client.post(
        CREATE_URL,
        {"activity_type": "call", "subject": "Campaign call", "owner": clerk.pk, "campaign_target": target.pk},
    )

    # then
    assert (form["campaign_target"].value(), form["party"].value()) == (target.pk, target.party_id)
    activity = Activity.objects.get()
    assert (activity.campaign, activity.party, activity.campaign_target) == (target.campaign, target.party, target)


def test_an_activity_planned_from_an_order_page_is_about_that_order(client, clerk):
    # given: the order page offers "New activity" for its customer and itself
    order = make_order(by=clerk)
    client.force_login(clerk)
    order_url = reverse("salesapp:order_detail", args=[order.pk])
    query = client.get(order_url).context["activity_query"]
    assert query == f"party={order.customer.party_id}&document=salesapp.salesorder%3A{order.pk}"

    # when: the form opened from that link is saved
    form = client.get(f"{CREATE_URL}?{query}").context["form"]
    response = client.post(
        CREATE_URL,
        {
            "activity_type": "call",
            "subject": "Confirm the delivery date",
            "owner": clerk.pk,
            "party": order.customer.party_id,
            "document": form["document"].value(),
            "next": order_url,
        },
    )

    # then: linked to the order, and listed on the order page
    activity = Activity.objects.get()
    assert (activity.document, activity.party_id) == (order, order.customer.party_id)
    assert response.url == order_url
    assert [a.subject for a in client.get(order_url).context["activities"]] == ["Confirm the delivery date"]


def test_a_document_that_is_gone_is_refused_on_the_form(client, clerk):
    # given
    client.force_login(clerk)
    party = PartyFactory()

    # when
    response = client.post(
        CREATE_URL,
        {
            "activity_type": "task",
            "subject": "Check",
            "owner": clerk.pk,
            "party": party.pk,
            "document": "salesapp.salesorder:999",
        },
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "document": ["The document this activity was planned from no longer exists."]
    }
    assert not Activity.objects.exists()


def test_update_changes_an_open_activity_and_refuses_a_done_one(client, clerk):
    # given
    open_one = ActivityFactory(owner=clerk, subject="Call Acme")
    done_one = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    client.force_login(clerk)

    # when
    saved = client.post(
        reverse("marketing:activity_update", args=[open_one.pk]),
        {
            "activity_type": "meeting",
            "subject": "Visit Acme",
            "due_at": "",
            "owner": clerk.pk,
            "notes": "Bring samples",
        },
    )
    refused = client.get(reverse("marketing:activity_update", args=[done_one.pk]), follow=True)

    # then
    open_one.refresh_from_db()
    assert (saved.status_code, saved["Location"]) == (302, detail_url(open_one))
    assert (open_one.activity_type, open_one.subject, open_one.due_at, open_one.notes) == (
        "meeting",
        "Visit Acme",
        None,
        "Bring samples",
    )
    assert messages_of(refused) == ["Activity 'Visit Acme' saved.", "'Old call' is done: reopen it first to change it."]
    done_one.refresh_from_db()
    assert done_one.subject == "Old call"


# The activity page


def test_detail_shows_facts_links_document_chain_and_actions(client, clerk):
    # given
    order = make_order(by=clerk)
    opportunity = OpportunityFactory(party=order.customer.party)
    first = activity_create(
        by=clerk, activity_type="call", subject="First call", opportunity=opportunity, document=order, due_at=hours(-5)
    )
    first, second = activity_complete(
        activity=first, by=clerk, outcome="reached", next_activity={"subject": "Second call", "due_at": hours(20)}
    )
    client.force_login(clerk)

    # when
    done_page = client.get(detail_url(first))
    open_page = client.get(detail_url(second))

    # then
    html = done_page.content.decode()
    assert done_page.context["actions"] == {"update": False, "complete": False, "reopen": True, "delete": False}
    assert [(str(label), reason) for label, reason in done_page.context["refusals"]] == [
        ("Edit", "'First call' is done: reopen it first to change it."),
        ("Complete", "'First call' is done already."),
        ("Delete", "'First call' is done and part of the history: it cannot be deleted."),
    ]
    assert "Reached" in html and order.number in html
    assert f'href="{reverse("marketing:opportunity_detail", args=[opportunity.pk])}"' in html
    assert [step.subject for step in done_page.context["chain"]] == ["First call", "Second call"]
    assert f'<a href="{detail_url(second)}">Second call</a>' in html
    assert open_page.context["actions"] == {"update": True, "complete": True, "reopen": False, "delete": True}
    assert open_page.context["complete_form"] is not None
    assert f'action="{reverse("marketing:activity_complete", args=[second.pk])}"' in open_page.content.decode()


def test_detail_query_count_does_not_grow_with_the_chain(client, clerk, django_assert_max_num_queries):
    # given
    activity = ActivityFactory(owner=clerk, subject="Call 0")
    client.force_login(clerk)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(detail_url(activity)).status_code == 200

    # when: a thread of ten
    for index in range(1, 10):
        _done, activity = activity_complete(activity=activity, by=clerk, next_activity={"subject": f"Call {index}"})

    # then
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(detail_url(activity))
    assert len(response.context["chain"]) == 10


def test_reopen_and_delete_are_posts_that_go_through_the_services(client, clerk):
    # given
    done_one = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    open_one = ActivityFactory(owner=clerk, subject="Planned call")
    client.force_login(clerk)

    # when
    reopen_by_get = client.get(reverse("marketing:activity_reopen", args=[done_one.pk]))
    reopened = client.post(reverse("marketing:activity_reopen", args=[done_one.pk]), follow=True)
    refused = client.post(reverse("marketing:activity_reopen", args=[done_one.pk]), follow=True)
    deleted = client.post(reverse("marketing:activity_delete", args=[open_one.pk]), follow=True)

    # then
    assert reopen_by_get.status_code == 405
    assert messages_of(reopened) == ["'Old call' reopened."]
    assert messages_of(refused) == ["'Old call' is still open."]
    assert messages_of(deleted) == ["'Planned call' deleted."]
    assert deleted.redirect_chain == [(LIST_URL, 302)]
    assert list(Activity.objects.values_list("subject", "done")) == [("Old call", False)]


def test_delete_of_a_done_activity_is_refused(client, clerk):
    # given
    done_one = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:activity_delete", args=[done_one.pk]), follow=True)

    # then
    assert messages_of(response) == ["'Old call' is done and part of the history: it cannot be deleted."]
    assert response.redirect_chain == [(detail_url(done_one), 302)]
    assert Activity.objects.filter(pk=done_one.pk).exists()


# Permissions


def test_a_billing_clerk_sees_activities_but_does_not_plan_them(client, billing, clerk):
    # given
    activity = ActivityFactory(owner=clerk)
    client.force_login(billing)

    # when / then
    assert client.get(LIST_URL).status_code == 200
    assert client.get(detail_url(activity)).status_code == 200
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(reverse("marketing:activity_complete", args=[activity.pk])).status_code == 403
    assert client.post(reverse("marketing:activity_delete", args=[activity.pk])).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(FOLLOWUPS_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The panel other pages include, and the dashboard card


def test_activity_panel_lists_open_activities_with_a_new_link_back_to_the_page(clerk):
    # given
    party = PartyFactory()
    late = ActivityFactory(owner=clerk, party=party, subject="Late call", due_at=hours(-1))
    ActivityFactory(owner=clerk, party=party, subject="Finished", done=True, done_at=timezone.now())
    request = RequestFactory().get(f"/marketing/parties/{party.pk}/")
    request.user = clerk

    # when
    html = render_to_string(
        "marketing/includes/activity_panel.html",
        {"activities": Activity.objects.filter(party=party).select_related("owner"), "add_query": f"party={party.pk}"},
        request=request,
    )

    # then
    assert f'<a href="{detail_url(late)}">Late call</a>' in html
    assert "Overdue" in html and "Finished" not in html
    assert f'href="{CREATE_URL}?party={party.pk}&amp;next=/marketing/parties/{party.pk}/"' in html


def test_dashboard_shows_my_follow_ups(client, clerk):
    # given
    ActivityFactory(owner=clerk, due_at=hours(-30))
    ActivityFactory(owner=clerk, due_at=hours(-29))
    client.force_login(clerk)

    # when
    response = client.get(reverse("home"))

    # then
    assert response.context["followups"]["overdue"] == 2
    assert f'href="{FOLLOWUPS_URL}"' in response.content.decode()


def test_complete_form_of_a_done_activity_says_why_instead(client, clerk):
    # given: completed meanwhile, e.g. in another tab
    done = ActivityFactory(owner=clerk, subject="Old call", done=True, done_at=timezone.now())
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:activity_complete", args=[done.pk]), {"next": FOLLOWUPS_URL}, headers=HTMX)

    # then
    html = response.content.decode()
    assert "&#x27;Old call&#x27; is done already." in html
    assert "<form" not in html
