import datetime
import zoneinfo

from marketing.selectors.activities import (
    activities_open_for,
    activity_chain,
    activity_is_overdue,
    activity_list,
    followup_counts,
    followups_for,
)
from marketing.services.activities import activity_complete
from tests.factories.marketing import (
    ActivityFactory,
    CampaignFactory,
    LeadFactory,
    OpportunityFactory,
    PartyFactory,
)

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Wednesday 4 March 2031, 10:00 in Amsterdam: the clock every follow-up test reads.
NOW = datetime.datetime(2031, 3, 4, 10, 0, tzinfo=AMSTERDAM)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2031, 3, day, hour, minute, tzinfo=AMSTERDAM)


def subjects(activities) -> list[str]:
    return [activity.subject for activity in activities]


# followups_for


def test_followups_overdue_first_then_today_then_later_then_without_date(clerk, manager):
    # given: the clerk's open activities, created in a shuffled order
    for subject, due in [
        ("no date 1", None),
        ("next week", at(11, 9)),
        ("today late", at(4, 23, 30)),
        ("overdue this morning", at(4, 8)),
        ("tomorrow midnight", at(5, 0)),
        ("overdue yesterday", at(3, 15)),
        ("today 14:00", at(4, 14)),
        ("no date 2", None),
        ("due this very minute", at(4, 10)),
    ]:
        ActivityFactory(owner=clerk, subject=subject, due_at=due)
    # and what is not the clerk's to follow up
    ActivityFactory(owner=clerk, subject="done", due_at=at(1, 9), done=True, done_at=at(1, 10))
    ActivityFactory(owner=manager, subject="someone else's", due_at=at(1, 9))

    # when
    rows = list(followups_for(user=clerk, now=NOW))

    # then
    assert [(row.subject, row.followup_group, row.is_overdue) for row in rows] == [
        ("overdue yesterday", "overdue", True),
        ("overdue this morning", "overdue", True),
        ("due this very minute", "today", False),
        ("today 14:00", "today", False),
        ("today late", "today", False),
        ("tomorrow midnight", "upcoming", False),
        ("next week", "upcoming", False),
        ("no date 1", "no_date", False),
        ("no date 2", "no_date", False),
    ]


def test_followup_counts_per_group(clerk):
    # given
    ActivityFactory(owner=clerk, due_at=at(3, 9))
    ActivityFactory(owner=clerk, due_at=at(2, 9))
    ActivityFactory(owner=clerk, due_at=at(4, 18))
    ActivityFactory(owner=clerk, due_at=None)

    # when
    counts = followup_counts(user=clerk, now=NOW)

    # then
    assert counts == {"overdue": 2, "today": 1, "upcoming": 0, "no_date": 1}


def test_followups_query_count_does_not_grow_with_rows(clerk, django_assert_num_queries):
    def read_all():
        with django_assert_num_queries(1):
            return [(row.owner.username, row.party.name, row.is_overdue) for row in followups_for(user=clerk, now=NOW)]

    # given
    for day in (2, 3, 5):
        ActivityFactory(owner=clerk, due_at=at(day, 9))
    assert len(read_all()) == 3

    # when
    for index in range(27):
        ActivityFactory(owner=clerk, due_at=at(1 + index % 20, 9))

    # then
    assert len(read_all()) == 30


# activity_list


def test_activity_list_filters(clerk, manager):
    # given
    party = PartyFactory(name="Acme BV")
    lead = LeadFactory(company_name="Lead Co")
    opportunity = OpportunityFactory(party=party)
    campaign = CampaignFactory()
    call = ActivityFactory(owner=clerk, activity_type="call", subject="Call Acme", party=party, due_at=at(4, 9))
    meeting = ActivityFactory(
        owner=manager, activity_type="meeting", subject="Meet", party=party, opportunity=opportunity, due_at=at(6, 9)
    )
    task = ActivityFactory(
        owner=clerk,
        activity_type="task",
        subject="Send leaflet",
        party=None,
        lead=lead,
        campaign=campaign,
        due_at=None,
        notes="Include the price list",
    )
    done = ActivityFactory(
        owner=clerk, activity_type="email", subject="Thanks", party=party, due_at=at(2, 9), done=True, done_at=at(2, 9)
    )

    # when / then
    assert subjects(activity_list()) == ["Call Acme", "Meet", "Send leaflet", "Thanks"]
    assert subjects(activity_list(owner=clerk)) == ["Call Acme", "Send leaflet", "Thanks"]
    assert subjects(activity_list(done=True)) == [done.subject]
    assert subjects(activity_list(done=False)) == [call.subject, meeting.subject, task.subject]
    assert subjects(activity_list(activity_type="meeting")) == ["Meet"]
    assert subjects(activity_list(party=party)) == ["Call Acme", "Meet", "Thanks"]
    assert subjects(activity_list(lead=lead)) == ["Send leaflet"]
    assert subjects(activity_list(opportunity=opportunity)) == ["Meet"]
    assert subjects(activity_list(campaign=campaign)) == ["Send leaflet"]
    assert subjects(activity_list(due_after=at(4, 9))) == ["Call Acme", "Meet"]
    assert subjects(activity_list(due_before=at(4, 9))) == ["Thanks"]
    assert subjects(activity_list(due_after=at(3, 0), due_before=at(5, 0))) == ["Call Acme"]
    assert subjects(activity_list(search="price list")) == ["Send leaflet"]
    assert subjects(activity_list(search="acme")) == ["Call Acme", "Meet", "Thanks"]
    assert subjects(activity_list(search="lead co")) == ["Send leaflet"]


def test_activity_list_query_count_does_not_grow_with_rows(clerk, django_assert_num_queries):
    def read_all():
        with django_assert_num_queries(1):
            return [
                (row.owner.username, row.party and row.party.name, row.lead, row.opportunity, row.campaign)
                for row in activity_list()
            ]

    # given
    for _ in range(3):
        ActivityFactory(owner=clerk, opportunity=OpportunityFactory(), campaign=CampaignFactory())
    assert len(read_all()) == 3

    # when
    for _ in range(27):
        ActivityFactory(owner=clerk, party=None, lead=LeadFactory(), campaign=CampaignFactory())

    # then
    assert len(read_all()) == 30


# activities_open_for


def test_activities_open_for_one_record(clerk):
    # given
    party = PartyFactory()
    opportunity = OpportunityFactory(party=party)
    later = ActivityFactory(owner=clerk, party=party, subject="later", due_at=at(9, 9))
    sooner = ActivityFactory(owner=clerk, party=party, subject="sooner", opportunity=opportunity, due_at=at(5, 9))
    ActivityFactory(owner=clerk, party=party, subject="done", done=True, done_at=at(1, 9))
    ActivityFactory(owner=clerk, subject="other party")

    # when / then
    assert list(activities_open_for(party=party)) == [sooner, later]
    assert list(activities_open_for(opportunity=opportunity)) == [sooner]


# activity_chain


def test_activity_chain_is_the_whole_thread_in_two_queries(clerk, django_assert_num_queries):
    # given: a call followed up by a meeting, followed up by a task; and an activity of another thread
    first = ActivityFactory(owner=clerk, activity_type="call", subject="First call")
    _done, meeting = activity_complete(activity=first, by=clerk, next_activity={"subject": "Meeting"})
    _done, task = activity_complete(activity=meeting, by=clerk, next_activity={"subject": "Send offer"})
    ActivityFactory(owner=clerk, subject="Unrelated")

    # when
    with django_assert_num_queries(2):
        from_the_end = subjects(activity_chain(activity=task))
    from_the_start = subjects(activity_chain(activity=first))
    alone = ActivityFactory(owner=clerk, subject="Alone")

    # then
    assert from_the_end == from_the_start == ["First call", "Meeting", "Send offer"]
    assert subjects(activity_chain(activity=alone)) == ["Alone"]


def test_activity_is_overdue_agrees_with_the_follow_ups_annotation(clerk):
    # given: rows read without the annotation, and the same rows as "My follow-ups" reads them
    late = ActivityFactory(owner=clerk, due_at=at(4, 9, 59))
    due_now = ActivityFactory(owner=clerk, due_at=NOW)
    later = ActivityFactory(owner=clerk, due_at=at(4, 10, 1))
    undated = ActivityFactory(owner=clerk, due_at=None)
    done_late = ActivityFactory(owner=clerk, due_at=at(3, 9), done=True, done_at=at(3, 10))

    # when
    plain = {activity.pk: activity_is_overdue(activity, now=NOW) for activity in (late, due_now, later, undated)}
    annotated = {row.pk: activity_is_overdue(row) for row in followups_for(user=clerk, now=NOW)}

    # then
    assert plain == {late.pk: True, due_now.pk: False, later.pk: False, undated.pk: False}
    assert annotated == plain
    assert activity_is_overdue(done_late, now=NOW) is False
