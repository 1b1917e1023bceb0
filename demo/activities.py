"""Demo activities (``manage.py seed_demo``): the calls, meetings, tasks and emails of the clerk and the manager
around the demo's parties, leads and deals — some overdue, some due today, some ahead, many done with an
outcome, and a few follow-up chains. The campaign calls come from the call round (demo.campaigns).

Created and completed through the activity services; ``DemoHistory`` moves them to their days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from demo.history import DemoHistory
from demo.pipeline import CLERK, MANAGER
from marketing.choices import ActivityType, CallOutcome
from marketing.models import Activity, Lead, Opportunity, Party
from marketing.services.activities import activity_complete, activity_create

CALL, MEETING, TASK, EMAIL = ActivityType.CALL, ActivityType.MEETING, ActivityType.TASK, ActivityType.EMAIL
REACHED, NO_ANSWER, CALL_BACK = CallOutcome.REACHED, CallOutcome.NO_ANSWER, CallOutcome.CALL_BACK
PARTY, LEAD, OPPORTUNITY = "party", "lead", "opportunity"
DURATION = datetime.timedelta(minutes=25)  # from the moment a done activity was due to the moment it was done


@dataclass(frozen=True)
class DemoActivity:
    """One activity, due ``ago`` days back, ``ahead`` days from now or ``today``, at ``hour``:``minute``; done
    ones with their outcome; ``then`` is the follow-up scheduled when it was completed."""

    owner: str
    activity_type: str
    subject: str
    ago: int | None = None
    ahead: int | None = None
    today: bool = False
    hour: int = 10
    minute: int = 0
    done: bool = False
    outcome: str = ""
    notes: str = ""
    then: DemoActivity | None = None


# What each activity is about (party, lead or opportunity by name), then the activity.
DEMO_ACTIVITIES: list[tuple[tuple[str, str], DemoActivity]] = [
    # the clerk: overdue
    ((OPPORTUNITY, "Site office kits for 12 building sites"),
     DemoActivity(CLERK, CALL, "Call back about the site office kits quote", ago=3,
                  notes="Sander Brouwer wanted to check the number of sites with planning first.")),
    ((OPPORTUNITY, "Canteen and locker room Waalhaven"),
     DemoActivity(CLERK, TASK, "Send the revised quote with volume discount", ago=1, hour=16)),
    ((LEAD, "Van Dam Hoveniers"),
     DemoActivity(CLERK, EMAIL, "Send catalogue and price list", ago=5, hour=9, minute=30)),
    ((PARTY, "De Vries Advocaten"),
     DemoActivity(CLERK, CALL, "Check that the chairs arrived in good order", ago=2, hour=11)),
    # the clerk: today
    ((LEAD, "Prins Fysiotherapie"), DemoActivity(CLERK, CALL, "Discuss the sample chair trial", today=True, hour=11)),
    ((LEAD, "Dekker ICT Diensten"), DemoActivity(CLERK, TASK, "Prepare the offer for 15 workplaces in Breda",
                                                 today=True, hour=14)),
    ((OPPORTUNITY, "Home office set"),
     DemoActivity(CLERK, EMAIL, "Confirm the delivery date of the home office set", today=True,
                  hour=16, minute=30)),
    # the clerk: ahead
    ((OPPORTUNITY, "Reception and meeting room furniture"),
     DemoActivity(CLERK, MEETING, "Showroom visit with the purchasing team", ahead=2, hour=14)),
    ((OPPORTUNITY, "Meeting rooms refurbishment"),
     DemoActivity(CLERK, MEETING, "Measure the meeting rooms on site", ahead=6, hour=9, minute=30)),
    ((OPPORTUNITY, "Consumables subscription for 5 showrooms"),
     DemoActivity(CLERK, TASK, "Prepare the consumables price sheet", ahead=8, hour=9)),
    ((LEAD, "Studio Noord Creatief"),
     DemoActivity(CLERK, CALL, "Ask how the catalogue was received", ahead=1, hour=11)),
    # the clerk: follow-up chains
    ((LEAD, "Notariskantoor Bosman"),
     DemoActivity(CLERK, CALL, "Qualifying call", ago=21, done=True, outcome=CALL_BACK,
                  notes="Ms Bosman was in a meeting; call back Thursday.",
                  then=DemoActivity(CLERK, CALL, "Qualifying call, second try", ago=19, hour=14, done=True,
                                    outcome=REACHED,
                                    notes="9 workplaces; wants advice on ergonomics before choosing chairs.",
                                    then=DemoActivity(CLERK, CALL, "Introduce the ergonomics assessment service",
                                                      ahead=3, hour=15)))),
    ((OPPORTUNITY, "Lockers and canteen furniture for 3 depots"),
     DemoActivity(CLERK, MEETING, "Site visit at the Eindhoven depot", ago=36, done=True,
                  notes="Canteen for 40, lockers for 120 cleaners over three depots.",
                  then=DemoActivity(CLERK, TASK, "Send the proposal for lockers and canteen", ago=33, hour=16,
                                    done=True,
                                    then=DemoActivity(CLERK, CALL, "Follow up on the lockers proposal", ahead=4)))),
    ((OPPORTUNITY, "Home office set"),
     DemoActivity(CLERK, CALL, "Call about the home office set", ago=6, hour=12, done=True, outcome=NO_ANSWER,
                  then=DemoActivity(CLERK, CALL, "Call about the home office set, second try", ago=5, hour=17,
                                    done=True, outcome=REACHED,
                                    notes="Wants the white desk top; delivery before the holidays."))),
    # the clerk: done
    ((LEAD, "Prins Fysiotherapie"),
     DemoActivity(CLERK, CALL, "First call after the web enquiry", ago=13, done=True, outcome=REACHED,
                  notes="Three treatment rooms and a reception; would like to try a saddle chair.")),
    ((OPPORTUNITY, "Canteen and locker room Waalhaven"),
     DemoActivity(CLERK, EMAIL, "Send the quote", ago=10, hour=15, done=True)),
    ((OPPORTUNITY, "Sit-stand desks for the new outpatient wing"),
     DemoActivity(CLERK, MEETING, "Kick-off for the new outpatient wing", ago=30, hour=13, done=True,
                  notes="20 rooms; installation in two evenings so the clinic stays open.")),
    ((OPPORTUNITY, "Sit-stand desks for the new outpatient wing"),
     DemoActivity(CLERK, CALL, "Agree the final price", ago=2, hour=14, done=True, outcome=REACHED,
                  notes="Agreed on 16,500 including installation; the order follows.")),
    ((PARTY, "Visser Uitzendbureau"),
     DemoActivity(CLERK, TASK, "Check the credit status before quoting", ago=15, done=True,
                  notes="The credit insurer withdrew cover: prepayment only.")),
    ((LEAD, "Hermans Accountancy BV"),
     DemoActivity(CLERK, CALL, "Introductory call", ago=31, hour=11, done=True, outcome=REACHED)),
    ((OPPORTUNITY, "Furniture for the new Groningen office"),
     DemoActivity(CLERK, MEETING, "Walk through the new office", ago=75, hour=10, done=True)),
    # the manager
    ((OPPORTUNITY, "Framework agreement office chairs 2027"),
     DemoActivity(MANAGER, MEETING, "Annual account review", ago=25, done=True,
                  notes="Volume forecast 2027: about 200 chairs; wants a fixed price per quarter.")),
    ((OPPORTUNITY, "Framework agreement office chairs 2027"),
     DemoActivity(MANAGER, MEETING, "Negotiate the framework agreement terms", ahead=5)),
    ((OPPORTUNITY, "Complete fit-out of the new Münster office"),
     DemoActivity(MANAGER, CALL, "Chase the signed quote", ago=2, hour=9)),
    ((LEAD, "Holmberg Revision AB"),
     DemoActivity(MANAGER, CALL, "Introductory call", ago=34, done=True, outcome=REACHED)),
    ((OPPORTUNITY, "Resale range: monitor arms and docking stations"),
     DemoActivity(MANAGER, TASK, "Prepare the resale price list", ahead=10, hour=9)),
    ((OPPORTUNITY, "Acoustic screens for open-plan offices"),
     DemoActivity(MANAGER, MEETING, "Visit at Weber in Düsseldorf", ago=20, done=True,
                  then=DemoActivity(MANAGER, EMAIL, "Send a sample screen", ahead=1, hour=9))),
    ((OPPORTUNITY, "Laptops and headsets for the customer service team"),
     DemoActivity(MANAGER, CALL, "Debrief on the lost deal", ago=14, done=True, outcome=REACHED,
                  notes="Our price was 12 % above the leasing offer; they may come back for furniture.")),
    ((LEAD, "Stichting Openbaar Onderwijs Zeist"),
     DemoActivity(MANAGER, MEETING, "Presentation for the school board", today=True, hour=15)),
]  # fmt: skip


def _due(spec: DemoActivity, history: DemoHistory):
    if spec.ago is not None:
        return history.at(spec.ago, spec.hour, spec.minute)
    if spec.today:
        return history.later_today(spec.hour, spec.minute)
    return history.ahead(spec.ahead, spec.hour, spec.minute)


def _planned_at(spec: DemoActivity, record, history: DemoHistory):
    """When an activity that follows nothing was planned: a few days before it was due, or recently; never
    before the party, lead or deal it is about came in."""
    days_ago = spec.ago + 3 if spec.ago is not None else 2
    record_created = history.stamped(record, "created_at")
    return history.after(record_created, days_ago) if record_created else history.at(days_ago)


def _chain_worked(activity: Activity, spec: DemoActivity, *, users: dict, history: DemoHistory) -> None:
    """Complete each done step (scheduling the next one in the same action) and move it to its moment."""
    while spec.done:
        done_at = min(_due(spec, history) + DURATION, history.now - datetime.timedelta(minutes=1))
        follow_up = spec.then
        next_activity = None
        if follow_up is not None:
            next_activity = {
                "activity_type": follow_up.activity_type,
                "subject": follow_up.subject,
                "due_at": _due(follow_up, history),
                "owner": users[follow_up.owner],
                "notes": follow_up.notes,
            }
        activity, planned = activity_complete(
            activity=activity, by=users[spec.owner], outcome=spec.outcome, next_activity=next_activity
        )
        history.stamp(activity, done_at=done_at)
        if planned is None:
            return
        history.stamp(planned, created_at=done_at)
        activity, spec = planned, follow_up


def demo_activities_build(*, users: dict, history: DemoHistory) -> list[Activity]:
    parties = {party.name: party for party in Party.objects.all()}
    leads = {lead.company_name or lead.contact_name: lead for lead in Lead.objects.select_related("party")}
    opportunities = {opportunity.name: opportunity for opportunity in Opportunity.objects.select_related("party")}
    records = {PARTY: parties, LEAD: leads, OPPORTUNITY: opportunities}
    built = []
    for (kind, name), spec in DEMO_ACTIVITIES:
        record = records[kind][name]
        activity = activity_create(
            by=users[spec.owner],
            activity_type=spec.activity_type,
            subject=spec.subject,
            owner=users[spec.owner],
            due_at=_due(spec, history),
            notes=spec.notes,
            **{kind: record},
        )
        history.stamp(activity, created_at=_planned_at(spec, record, history))
        _chain_worked(activity, spec, users=users, history=history)
        built.append(activity)
    return built
