"""Demo campaigns (``manage.py seed_demo``): an email offer that ran months ago and brought in business, a fair
invitation that was called off, a call round going on now and a catalogue mailing being prepared.

Each step goes through the campaign services on the day the story says (see ``DemoHistory``): targets are
selected from what existed that day, and what a positive answer starts joins the demo's pipeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from core.actors import system_actor
from core.jobs import LONG_QUEUE, jobs_run_due
from demo.history import DemoHistory
from demo.pipeline import (
    CLERK,
    MANAGER,
    NEGOTIATION,
    QUALIFICATION,
    WON,
    DemoDeal,
    PipelineStory,
    stages_by_name,
)
from marketing.choices import CallOutcome, CampaignType, LeadState, Response
from marketing.models import Activity, Campaign, CampaignTarget, Contact, Opportunity, Segment, Unsubscription
from marketing.services.campaign_mail import campaign_email_send
from marketing.services.campaign_targets import (
    SalesStart,
    campaign_calls_assign,
    campaign_targets_add,
    target_call_log,
    target_respond,
    target_unsubscribe,
)
from marketing.services.campaigns import campaign_activate, campaign_cancel, campaign_complete, campaign_create
from marketing.services.leads import lead_qualify
from marketing.services.opportunities import opportunity_stage_set, opportunity_update

D = Decimal
POSITIVE, NEGATIVE = Response.POSITIVE, Response.NEGATIVE
EMAIL_SUBJECT = "Ergonomics week: 15 % off chairs and sit-stand desks"
EMAIL_BODY = """Dear {{ target.contact_name|default:"Sir or Madam" }},

A good chair and a desk at the right height make every working day lighter. During our ergonomics week we give \
15 % off every ergonomic office chair and sit-stand desk in our range, with free delivery and assembly from five \
workplaces.

Reply to this email and we will visit {{ target.name }} for a free workplace check, or call us on +31 20 555 0100.

Kind regards,

Erik Sandberg
Sales manager"""

# The deals the positive answers became: the accountants' reply through a lead, the Swedes' at once.
EMAIL_LEAD_DEAL = DemoDeal("Ergonomic chairs for the Tilburg office", "4200", NEGOTIATION, 0, 97, CLERK, outcome=WON)
EMAIL_DEAL = DemoDeal(
    "Sit-stand desks and monitors for the Göteborg office", "8000", NEGOTIATION, 0, 103, MANAGER, outcome=WON
)
# The email's answers: who, the response, note, days ago, what it started.
EMAIL_REPLIES = [
    ("Jansen & Visser Accountants", POSITIVE, "12 chairs for the Tilburg office; asked for a visit.", 104,
     EMAIL_LEAD_DEAL),
    ("Koffiebranderij Het Anker", NEGATIVE, "Replaced all chairs last year.", 104, None),
    ("Bergström Fastigheter AB", POSITIVE, "Eight sit-stand desks with monitors in Göteborg.", 103, EMAIL_DEAL),
    ("Becker Ingenieurbüro", NEGATIVE, "Most staff work from home; not now.", 102, None),
    ("Peters Tandartsen", POSITIVE, "Asked for the printed brochure; may order after the summer.", 101, None),
]  # fmt: skip
EMAIL_LEAD_QUALIFIED = 101  # days ago
EMAIL_UNSUBSCRIBED = [("Schneider Steuerberatung", 105), ("Nordic Byggkonsult AB", 103)]

# The call round's positive answers: who, what it starts, note, the opportunity it starts (name, revenue, stage,
# days to the expected close).
CALL_POSITIVE = [
    ("Hendriks Notarissen", SalesStart.LEAD, "Nine workplaces; wants the free ergonomics check first.", None),
    ("Kuipers Bouwadvies B.V.", SalesStart.OPPORTUNITY,
     "Six engineers need new laptops and docking stations before January.",
     ("Laptops and docking stations for the engineers", "7500", NEGOTIATION, 0)),
    ("Claes Advocaten", SalesStart.LEAD, "Moving to a new floor in March: send the catalogue, call back in January.",
     None),
    ("Van Leeuwen Transport B.V.", SalesStart.OPPORTUNITY, "Planning office of 8 is interested in sit-stand desks.",
     ("Planning office: sit-stand desks", "6900", QUALIFICATION, 45)),
]  # fmt: skip
# Ordered in the same week as the call: won as soon as the sales order exists (demo.sales).
CALL_WON = "Laptops and docking stations for the engineers"
CALL_NEGATIVE_NOTES = [
    "Happy with their current supplier.",
    "No budget until next year.",
    "The office furniture was replaced last spring.",
    "Works mostly remote: no need for more desks.",
    "Purchasing is decided at head office abroad.",
]
CALL_DAYS = 20  # the first call was made this many days ago, the last one yesterday


@dataclass(frozen=True)
class _Call:
    target: CampaignTarget
    outcome: str
    response: str = ""
    note: str = ""
    call_back: bool = False
    start: tuple | None = None  # an entry of CALL_POSITIVE


@dataclass
class DemoCampaigns:
    campaigns: dict[str, Campaign] = field(default_factory=dict)  # by campaign type, plus "canceled"


def _date(history: DemoHistory, days: int) -> datetime.date:
    return history.today + datetime.timedelta(days=days)


def _opportunity_completed(opportunity: Opportunity, *, by, close: datetime.date) -> Opportunity:
    """What the clerk fills in after the call: who to deal with (the primary contact) and when it should close."""
    contact = Contact.objects.filter(party=opportunity.party_id, is_primary=True).first()
    return opportunity_update(opportunity=opportunity, by=by, contact=contact, expected_close_date=close)


class CampaignStory:
    """The steps of each campaign, planned on the demo's history and run when it plays."""

    def __init__(self, *, users: dict, history: DemoHistory, pipeline_story: PipelineStory, out: DemoCampaigns):
        self.users, self.history, self.pipeline_story, self.out = users, history, pipeline_story, out
        self.pipeline = pipeline_story.pipeline

    def _targets_stamped(self, campaign: Campaign, moment: datetime.datetime) -> None:
        for target in campaign.targets.all():
            self.history.stamp(target, created_at=moment)

    def _target(self, kind: str, name: str) -> CampaignTarget:
        return self.out.campaigns[kind].targets.select_related("campaign", "party", "lead").get(name=name)

    # --- email: sent months ago, two positive answers became won business, two recipients unsubscribed --------

    def plan_email(self, segment: Segment) -> None:
        history = self.history
        sent = history.at(105, 9, 0)
        history.on(history.at(112), partial(self.email_created, segment))
        history.on(history.at(105, 8, 30), self.email_activated)
        history.on(sent, self.email_sent)
        for name, days_ago in EMAIL_UNSUBSCRIBED:
            history.on(history.after(sent, days_ago), partial(self.email_unsubscribed, name))
        for reply in EMAIL_REPLIES:
            history.on(history.after(sent, reply[3]), partial(self.email_replied, reply))
        history.on(history.at(84), self.email_completed)

    def email_created(self, segment: Segment, moment: datetime.datetime) -> None:
        manager = self.users[MANAGER]
        campaign = campaign_create(
            by=manager,
            name="Ergonomics week: 15 % off chairs and sit-stand desks",
            campaign_type=CampaignType.EMAIL,
            owner=manager,
            start_date=_date(self.history, -105),
            end_date=_date(self.history, -84),
            budget=D("1200"),
            description="Email offer to business customers without an open deal, with a free workplace check.",
            email_subject=EMAIL_SUBJECT,
            email_body=EMAIL_BODY,
        )
        campaign_targets_add(campaign=campaign, by=manager, segment=segment)
        self.history.stamp(campaign, created_at=moment)
        self._targets_stamped(campaign, moment)
        self.out.campaigns[CampaignType.EMAIL] = campaign

    def email_activated(self, moment: datetime.datetime) -> None:
        campaign = campaign_activate(campaign=self.out.campaigns[CampaignType.EMAIL], by=self.users[MANAGER])
        self.history.stamp(campaign, activated_at=moment)

    def email_sent(self, moment: datetime.datetime) -> None:
        campaign = self.out.campaigns[CampaignType.EMAIL]
        campaign_email_send(campaign=campaign, by=self.users[MANAGER])
        # The send jobs run now, inside seed_demo's transaction, so the history below can date them.
        jobs_run_due(queues=[LONG_QUEUE])
        for target in campaign.targets.filter(email_sent_at__isnull=False):
            self.history.stamp(target, email_sent_at=moment, contacted_at=moment)

    def email_unsubscribed(self, name: str, moment: datetime.datetime) -> None:
        # The recipient's own click on the link in the email.
        target = target_unsubscribe(target=self._target(CampaignType.EMAIL, name), by=system_actor())
        self.history.stamp(target, response_date=moment.date())
        self.history.stamp(Unsubscription.objects.get(email__iexact=target.email), created_at=moment)

    def email_replied(self, reply: tuple, moment: datetime.datetime) -> None:
        name, response, note, _days_ago, deal = reply
        target = self._target(CampaignType.EMAIL, name)
        if deal is None:
            target_respond(target=target, by=self.users[CLERK], response=response, note=note, date=moment.date())
        elif deal is EMAIL_LEAD_DEAL:
            target = target_respond(
                target=target,
                by=self.users[deal.owner],
                response=response,
                note=note,
                date=moment.date(),
                start=SalesStart.LEAD,
            )
            self.history.stamp(target.created_lead, created_at=moment)
            self.pipeline.leads[name] = target.created_lead
            qualified = self.history.after(moment, EMAIL_LEAD_QUALIFIED)
            self.history.on(qualified, partial(self.email_lead_qualified, name))
            converted = self.history.after(qualified, deal.days_ago)
            self.history.on(converted, partial(self.pipeline_story.lead_converted, name, deal, new_party=False))
        else:
            target = target_respond(
                target=target,
                by=self.users[deal.owner],
                response=response,
                note=note,
                date=moment.date(),
                start=SalesStart.OPPORTUNITY,
                opportunity_name=deal.name,
                expected_revenue=D(deal.revenue),
            )
            opportunity = opportunity_stage_set(
                opportunity=target.created_opportunity, stage=stages_by_name()[deal.stage], by=self.users[deal.owner]
            )
            opportunity = _opportunity_completed(
                opportunity, by=self.users[deal.owner], close=_date(self.history, deal.close_in)
            )
            self.history.stamp(opportunity, created_at=moment)
            self.pipeline_story.deal_opened(opportunity, deal, moment)

    def email_lead_qualified(self, name: str, moment: datetime.datetime) -> None:
        lead = lead_qualify(lead=self.pipeline.leads[name], by=self.users[CLERK])
        self.history.stamp(lead, qualified_at=moment)
        self.pipeline.leads[name] = lead

    def email_completed(self, moment: datetime.datetime) -> None:
        campaign = campaign_complete(campaign=self.out.campaigns[CampaignType.EMAIL], by=self.users[MANAGER])
        self.history.stamp(campaign, completed_at=moment)

    # --- the fair invitation that was called off ---------------------------------------------------------------

    def plan_canceled(self) -> None:
        self.history.on(self.history.at(70), self.fair_created)
        self.history.on(self.history.at(40), self.fair_canceled)

    def fair_created(self, moment: datetime.datetime) -> None:
        manager = self.users[MANAGER]
        campaign = campaign_create(
            by=manager,
            name="Invitation: Facility Management fair",
            campaign_type=CampaignType.MAILING,
            owner=manager,
            start_date=_date(self.history, -30),
            end_date=_date(self.history, -27),
            budget=D("12000"),
            description="Invitations with free tickets for our stand at the Facility Management fair in Utrecht.",
        )
        campaign_targets_add(campaign=campaign, by=manager, filters={"roles": ["customer"], "country": "NL"})
        self.history.stamp(campaign, created_at=moment)
        self._targets_stamped(campaign, moment)
        self.out.campaigns["canceled"] = campaign

    def fair_canceled(self, moment: datetime.datetime) -> None:
        campaign = campaign_cancel(
            campaign=self.out.campaigns["canceled"],
            by=self.users[MANAGER],
            reason="The organizer moved the fair to next spring; the budget went to the 2027 catalogue.",
        )
        self.history.stamp(campaign, canceled_at=moment)

    # --- the call round: three weeks under way, split between clerk and manager --------------------------------

    def plan_telemarketing(self) -> None:
        self.history.on(self.history.at(30), self.call_round_created)
        self.history.on(self.history.at(CALL_DAYS + 1, 8, 45), self.call_round_activated)

    def call_round_created(self, moment: datetime.datetime) -> None:
        manager, clerk = self.users[MANAGER], self.users[CLERK]
        campaign = campaign_create(
            by=manager,
            name="Call round: ergonomic workplaces for prospects",
            campaign_type=CampaignType.TELEMARKETING,
            owner=manager,
            start_date=_date(self.history, -CALL_DAYS - 1),
            end_date=_date(self.history, 24),
            budget=D("4500"),
            description="Calling prospects and open leads in the Netherlands, Belgium and Germany to offer a "
            "free workplace check; a positive call starts a lead or an opportunity.",
        )
        for country in ("NL", "BE", "DE"):
            # Whoever is negotiating a deal with us already is not cold-called.
            filters = {"roles": ["prospect", "lead"], "country": country, "has_open_opportunity": False}
            campaign_targets_add(campaign=campaign, by=manager, filters=filters)
        campaign_calls_assign(campaign=campaign, users=[clerk, manager], by=manager)
        self.history.stamp(campaign, created_at=moment)
        self._targets_stamped(campaign, moment)
        self.out.campaigns[CampaignType.TELEMARKETING] = campaign

    def call_round_activated(self, moment: datetime.datetime) -> None:
        campaign = self.out.campaigns[CampaignType.TELEMARKETING]
        campaign = campaign_activate(campaign=campaign, by=self.users[MANAGER])
        self.history.stamp(campaign, activated_at=moment)
        targets = list(campaign.targets.select_related("assigned_to", "party", "lead").order_by("name", "id"))
        calls = self._call_script(targets)
        for index, call in enumerate(calls):
            # One call a day, in the order of the script.
            days_ago = CALL_DAYS - index * (CALL_DAYS - 1) // (len(calls) - 1)
            self.history.on(self.history.at(days_ago), partial(self.called, call))

    def _call_script(self, targets: list[CampaignTarget]) -> list[_Call]:
        """18 calls: 4 positive answers, 5 refusals, 2 targets not reached in two tries, a wrong number, one
        who wants no more contact and 3 asking to be called back (on the clerk's list, so she has follow-ups)."""
        named = {target.name: target for target in targets}
        positive = [(named[entry[0]], entry) for entry in CALL_POSITIVE]
        # Leads a colleague has qualified are theirs to call, and disqualified or converted ones nobody calls.
        rest = [
            target
            for target in targets
            if target.name not in {entry[0] for entry in CALL_POSITIVE}
            and (target.lead is None or target.lead.state == LeadState.NEW)
        ]
        self.history.rng.shuffle(rest)
        negative, unanswered, unsubscribed, wrong = rest[:5], rest[5:7], rest[7], rest[8]
        call_backs = [target for target in rest[9:] if target.assigned_to_id == self.users[CLERK].pk][:3]

        def refused(index: int) -> _Call:
            return _Call(negative[index], CallOutcome.REACHED, NEGATIVE, CALL_NEGATIVE_NOTES[index])

        def answered(index: int) -> _Call:
            target, entry = positive[index]
            return _Call(target, CallOutcome.REACHED, note=entry[2], start=entry)

        def call_back(index: int) -> _Call:
            return _Call(call_backs[index], CallOutcome.CALL_BACK, note="Asked to be called back.", call_back=True)

        return [
            _Call(unanswered[0], CallOutcome.NO_ANSWER),
            refused(0),
            answered(0),
            refused(1),
            _Call(unanswered[1], CallOutcome.BUSY),
            _Call(wrong, CallOutcome.WRONG_NUMBER, note="Number belongs to another company; look up the new one."),
            answered(1),
            refused(2),
            call_back(0),
            refused(3),
            answered(2),
            _Call(unsubscribed, CallOutcome.REACHED, Response.UNSUBSCRIBED, "Asked not to be called or emailed."),
            call_back(1),
            refused(4),
            _Call(unanswered[0], CallOutcome.NO_ANSWER, Response.NO_ANSWER, "No answer twice; left a voicemail."),
            answered(3),
            _Call(unanswered[1], CallOutcome.NO_ANSWER, Response.NO_ANSWER, "No answer twice."),
            call_back(2),
        ]

    def called(self, call: _Call, moment: datetime.datetime) -> None:
        """A call by whoever has the target on their call list; a call back is planned a few days ahead."""
        history = self.history
        follow_up_at = history.ahead(history.rng.randint(1, 7), history.rng.randint(9, 15)) if call.call_back else None
        target = target_call_log(
            target=call.target,
            by=call.target.assigned_to,
            outcome=call.outcome,
            note=call.note,
            response=call.response or None,
            follow_up_at=follow_up_at,
        )
        logged = Activity.objects.filter(campaign_target=target, done=True).latest("id")
        history.stamp(logged, created_at=moment, done_at=moment)
        if history.stamped(target, "contacted_at") is None:
            history.stamp(target, contacted_at=moment)
        if call.response:
            history.stamp(target, response_date=moment.date())
        if call.response == Response.UNSUBSCRIBED:
            history.stamp(Unsubscription.objects.get(email__iexact=target.email), created_at=moment)
        if follow_up_at is not None:
            history.stamp(Activity.objects.filter(campaign_target=target, done=False).latest("id"), created_at=moment)
        if call.start is not None:
            self._sales_started(call, target, moment)

    def _sales_started(self, call: _Call, target: CampaignTarget, moment: datetime.datetime) -> None:
        name, start, note, deal = call.start
        caller = call.target.assigned_to
        extra = {"opportunity_name": deal[0], "expected_revenue": D(deal[1])} if deal else {}
        target = target_respond(
            target=target, by=caller, response=POSITIVE, note=note, date=moment.date(), start=start, **extra
        )
        self.history.stamp(target, response_date=moment.date())
        if target.created_lead is not None:
            self.history.stamp(target.created_lead, created_at=moment)
            self.pipeline.leads[name] = target.created_lead
            return
        opportunity = opportunity_stage_set(
            opportunity=target.created_opportunity, stage=stages_by_name()[deal[2]], by=caller
        )
        opportunity = _opportunity_completed(opportunity, by=caller, close=_date(self.history, deal[3]))
        self.history.stamp(opportunity, created_at=moment)
        self.pipeline.opportunities[opportunity.name] = opportunity
        if opportunity.name == CALL_WON:
            self.pipeline.to_win.append(opportunity)

    # --- the catalogue mailing: planned, labels ready to print -------------------------------------------------

    def plan_mailing(self) -> None:
        self.history.on(self.history.at(5), self.mailing_created)

    def mailing_created(self, moment: datetime.datetime) -> None:
        clerk = self.users[CLERK]
        campaign = campaign_create(
            by=clerk,
            name="Catalogue 2027 by post",
            campaign_type=CampaignType.MAILING,
            owner=clerk,
            start_date=_date(self.history, 14),
            end_date=_date(self.history, 45),
            budget=D("6800"),
            description="The printed 2027 catalogue with a personal letter to customers and prospects in the "
            "Netherlands and Belgium; address labels and the CSV for the printer come from the campaign page.",
        )
        for country in ("NL", "BE"):
            filters = {"roles": ["customer", "prospect"], "country": country}
            campaign_targets_add(campaign=campaign, by=clerk, filters=filters)
        self.history.stamp(campaign, created_at=moment)
        self._targets_stamped(campaign, moment)
        self.out.campaigns[CampaignType.MAILING] = campaign


def demo_campaigns_plan(
    *, segments: dict[str, Segment], users: dict, history: DemoHistory, pipeline_story: PipelineStory
) -> DemoCampaigns:
    """Four campaigns, one in each state, planned on ``history``; they are built when it plays."""
    out = DemoCampaigns()
    story = CampaignStory(users=users, history=history, pipeline_story=pipeline_story, out=out)
    story.plan_email(segments["Office customers without an open opportunity"])
    story.plan_canceled()
    story.plan_telemarketing()
    story.plan_mailing()
    return out
