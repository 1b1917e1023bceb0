#!/usr/bin/env python
"""Marketing at scale: a segment becomes an email campaign, the email goes out, positive responses become leads and
opportunities, and the clerk's busiest pages are read — through the services and views, as a clerk triggers them.

N parties are made first (half prospects, half customers, with tags, a contact person and a done call each),
then measured, every service call its own transaction:

1. ``campaign_targets_add`` from a segment filter that selects about N/2 parties;
2. ``campaign_email_send`` to those targets and its send jobs, through Django's locmem email backend;
3. ``target_respond`` (positive, starting a lead) for 100 targets, then ``lead_qualify`` and ``lead_convert``;
4. five pages, each requested 30 times by a logged-in sales clerk through Django's test client (in process).

The read side has fixed sizes whatever N: a party with 200 activities, 1000 open opportunities in the pipeline,
200 open follow-ups of the clerk, and the campaign of step 1.

The run uses a throwaway database (``salesflow_bench_marketing``) on the server the settings point at: created
and migrated at the start, dropped at the end, so demo or development data is never touched.

    .venv/bin/python bench/marketing.py [--parties 2000] [--responses 100] [--requests 30] [--json FILE]
                                        [--baseline FILE]

See bench/README.md for what is measured and how to compare runs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# DEBUG keeps every SQL statement in memory: measure what production runs.
os.environ.setdefault("DJANGO_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import (  # noqa: E402
    QueryCounter,
    change_note,
    environment,
    p95,
    server_version,
    throwaway_database,
    user_with_role,
)
from core import roles  # noqa: E402
from core.jobs import LONG_QUEUE, jobs_run_due  # noqa: E402
from marketing.choices import (  # noqa: E402
    ActivityType,
    CallOutcome,
    CampaignType,
    LeadState,
    OpportunityState,
    PartyKind,
    Response,
)
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity, Party  # noqa: E402
from marketing.selectors.opportunities import stage_list  # noqa: E402
from marketing.services.activities import activity_create  # noqa: E402
from marketing.services.campaign_mail import campaign_email_send  # noqa: E402
from marketing.services.campaign_targets import SalesStart, campaign_targets_add, target_respond  # noqa: E402
from marketing.services.campaigns import campaign_activate, campaign_create  # noqa: E402
from marketing.services.leads import lead_convert, lead_qualify  # noqa: E402
from marketing.services.opportunities import opportunity_create  # noqa: E402
from marketing.services.parties import party_create  # noqa: E402
from salesapp.services.customers import customer_create  # noqa: E402

BENCH_DATABASE = "salesflow_bench_marketing"
SEGMENT_TAG = "newsletter"
SEGMENT = {"tags": [SEGMENT_TAG]}
CITIES = (
    ("Utrecht", "3511 AA", "NL"),
    ("Amsterdam", "1015 AA", "NL"),
    ("Rotterdam", "3011 AA", "NL"),
    ("Eindhoven", "5611 AA", "NL"),
    ("Groningen", "9711 AA", "NL"),
    ("Antwerpen", "2000", "BE"),
    ("Gent", "9000", "BE"),
    ("Stockholm", "111 20", "SE"),
    ("Göteborg", "411 01", "SE"),
    ("Malmö", "211 20", "SE"),
)
LANGUAGES = ("nl", "en", "sv")
# The sizes of the read side (step 4) do not follow --parties: they are what a busy clerk's pages hold.
PIPELINE_OPEN = 1000
TIMELINE_ACTIVITIES = 200
TIMELINE_CAMPAIGNS = 10
FOLLOWUPS = 200
PAGES = (
    ("party_page", f"party page ({TIMELINE_ACTIVITIES} activities, {TIMELINE_CAMPAIGNS + 1} campaigns)"),
    ("pipeline", f"pipeline ({PIPELINE_OPEN} open opportunities)"),
    ("campaign_page", "campaign page (its N/2 targets)"),
    ("campaign_targets_api", "API campaign-targets?campaign="),
    ("followups", f"my follow-ups ({FOLLOWUPS} open activities)"),
)
SALES_STEPS = ("target_respond", "lead_qualify", "lead_convert")


@dataclass
class Population:
    clerk: User
    colleague: User
    busy_party: Party
    seconds: float


class Measure:
    """Times one call and counts the statements it sends."""

    def __init__(self, counter: QueryCounter):
        self.counter = counter

    def __call__(self, step: str, run):
        self.counter.step = step
        before = self.counter.counts[step]
        started = time.perf_counter()
        try:
            result = run()
        finally:
            elapsed = time.perf_counter() - started
            self.counter.step = None
        return result, elapsed, self.counter.counts[step] - before


# --- set-up (not measured) -----------------------------------------------------------------------------------------


def _party(index: int, *, by) -> Party:
    city, postcode, country = CITIES[index % len(CITIES)]
    person = index % 5 == 4
    tags = [f"region-{index % 4}"]
    if index % 2 == 0:
        tags.append(SEGMENT_TAG)
    if index % 10 == 0:
        tags.append("VIP")
    return party_create(
        by=by,
        kind=PartyKind.PERSON if person else PartyKind.ORGANIZATION,
        name=f"Bench Person {index:05d}" if person else f"Bench Company {index:05d} B.V.",
        email=f"info@bench{index:05d}.example",
        phone=f"+31 30 {index:07d}",
        street=f"Marktstraat {index % 200 + 1}",
        postcode=postcode,
        city=city,
        country=country,
        language=LANGUAGES[index % len(LANGUAGES)],
        tags=tags,
        contacts=[]
        if person
        else [{"name": f"Contact {index:05d}", "job_title": "Buyer", "email": f"buyer@bench{index:05d}.example"}],
    )


def _parties(count: int, *, clerk, colleague) -> list[Party]:
    """Half of them customers; the segment tag on every other one, so it selects prospects and customers alike."""
    parties = []
    for index in range(count):
        party = _party(index, by=clerk)
        if index % 4 in (0, 1):
            customer_create(party=party, by=clerk)
        activity_create(
            by=colleague,
            activity_type=ActivityType.CALL,
            subject=f"Introduction call {index:05d}",
            party=party,
            done=True,
            outcome=CallOutcome.REACHED,
        )
        parties.append(party)
    return parties


def _busy_party(*, clerk, colleague) -> Party:
    """A customer with a long history: many activities (a few still open) and a place in several campaigns."""
    party = party_create(
        by=clerk,
        name="Bench Busy Customer B.V.",
        email="info@busy.example",
        # A city none of the others is in, so the narrowed selection of step 1 leaves it out.
        city="Zwolle",
        postcode="8011 AA",
        tags=[SEGMENT_TAG, "VIP"],
        contacts=[{"name": "Busy Buyer", "email": "buyer@busy.example"}],
    )
    customer_create(party=party, by=clerk)
    kinds = (ActivityType.CALL, ActivityType.MEETING, ActivityType.EMAIL, ActivityType.TASK)
    for index in range(TIMELINE_ACTIVITIES):
        kind = kinds[index % len(kinds)]
        activity_create(
            by=colleague,
            activity_type=kind,
            subject=f"Account review {index:03d}",
            party=party,
            done=index % 10 != 0,
            outcome=CallOutcome.REACHED if kind == ActivityType.CALL and index % 10 else "",
        )
    for index in range(TIMELINE_CAMPAIGNS):
        campaign = campaign_create(
            by=clerk, name=f"Bench call round {index:02d}", campaign_type=CampaignType.TELEMARKETING, owner=clerk
        )
        campaign_targets_add(campaign=campaign, by=clerk, parties=[party])
    return party


def _followups(parties: list[Party], *, clerk) -> None:
    """The clerk's open activities: overdue, due today, later and undated ones, on many parties."""
    now = timezone.now()
    for index in range(FOLLOWUPS):
        due = (
            now - datetime.timedelta(days=1 + index % 20),
            now + datetime.timedelta(minutes=1),
            now + datetime.timedelta(days=1 + index % 30),
            None,
        )[index % 4]
        activity_create(
            by=clerk,
            activity_type=ActivityType.CALL if index % 2 else ActivityType.TASK,
            subject=f"Follow up {index:03d}",
            party=parties[(index * 7) % len(parties)],
            due_at=due,
        )


def _pipeline(parties: list[Party], count: int, *, clerk) -> None:
    """Open opportunities over every active stage, on the parties the segment does not select."""
    stages = list(stage_list(active=True))
    outside = [party for index, party in enumerate(parties) if index % 2 == 1]
    today = timezone.localdate()
    for index in range(count):
        opportunity_create(
            by=clerk,
            party=outside[index % len(outside)],
            name=f"Bench deal {index:04d}",
            stage=stages[index % len(stages)],
            owner=clerk,
            expected_revenue=Decimal(1000 + 37 * index),
            expected_close_date=today + datetime.timedelta(days=index % 90),
        )


def population(parties: int, *, pipeline: int) -> Population:
    started = time.perf_counter()
    clerk = user_with_role("bench_clerk", roles.SALES_CLERK)
    colleague = user_with_role("bench_colleague", roles.SALES_CLERK)
    # One transaction for the whole set-up: it is not measured, and a commit per service call would only
    # make it slower.
    with transaction.atomic():
        made = _parties(parties, clerk=clerk, colleague=colleague)
        busy = _busy_party(clerk=clerk, colleague=colleague)
        _followups(made, clerk=clerk)
        _pipeline(made, pipeline, clerk=clerk)
    # Fresh planner statistics, as autovacuum keeps them on a database in use; otherwise it might kick in
    # half-way through the measurement.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Population(clerk=clerk, colleague=colleague, busy_party=busy, seconds=time.perf_counter() - started)


# --- measured steps ------------------------------------------------------------------------------------------------


def targets_step(measure: Measure, *, clerk) -> tuple[Campaign, dict]:
    campaign = campaign_create(
        by=clerk,
        name="Bench newsletter",
        campaign_type=CampaignType.EMAIL,
        owner=clerk,
        email_subject="News for {{ target.name }}",
        email_body="Dear {{ target.contact_name|default:target.name }},\n\nOur spring range is in.\n\nKind regards",
    )
    added, seconds, queries = measure(
        "campaign_targets_add", lambda: campaign_targets_add(campaign=campaign, by=clerk, filters=SEGMENT)
    )
    # The same filter narrowed to one city (about N/10): the statement count must not follow the selection.
    small = campaign_create(by=clerk, name="Bench city newsletter", campaign_type=CampaignType.EMAIL, owner=clerk)
    small_filters = {**SEGMENT, "city": CITIES[0][0]}
    small_added, _seconds, small_queries = measure(
        "campaign_targets_add_small", lambda: campaign_targets_add(campaign=small, by=clerk, filters=small_filters)
    )
    return campaign, {
        "targets": added.added,
        "seconds": round(seconds, 3),
        "targets_per_second": round(added.added / seconds, 1),
        "queries": queries,
        "small_selection": {"targets": small_added.added, "queries": small_queries},
    }


def email_step(measure: Measure, campaign: Campaign, *, clerk) -> dict:
    campaign_activate(campaign=campaign, by=clerk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []

    # Outside any transaction: the service commits its send jobs on return, and they run here (as a worker runs
    # them) inside the timing.
    def send_and_deliver() -> int:
        queued = campaign_email_send(campaign=campaign, by=clerk)
        jobs_run_due(queues=[LONG_QUEUE])
        return queued

    sent, seconds, queries = measure("campaign_email_send", send_and_deliver)
    if len(mail.outbox) != sent or not sent:
        raise SystemExit(f"{sent} messages were to go out but {len(mail.outbox)} did: the run is not valid.")
    mail.outbox = []
    return {
        "messages": sent,
        "seconds": round(seconds, 3),
        "messages_per_second": round(sent / seconds, 1),
        "queries": queries,
    }


def _per_call(timings: list[float], queries: list[int]) -> dict:
    timings = sorted(timings)
    return {
        "calls": len(timings),
        "ms_median": round(statistics.median(timings) * 1000, 1),
        "ms_p95": round(p95(timings) * 1000, 1),
        "queries_per_call": round(sum(queries) / len(queries), 1),
        "queries_max": max(queries),
    }


def sales_step(measure: Measure, campaign: Campaign, *, clerk, busy_party: Party, responses: int, warmup: int) -> dict:
    """Positive responses that start a lead, then each lead qualified and converted into an opportunity.
    The first ``warmup`` of each are run but left out of the figures."""
    targets = list(campaign.targets.exclude(party=busy_party).order_by("name", "id")[: warmup + responses])
    figures = {step: ([], []) for step in SALES_STEPS}

    def record(step: str, index: int, run):
        result, seconds, queries = measure(step, run)
        if index >= warmup:
            figures[step][0].append(seconds)
            figures[step][1].append(queries)
        return result

    leads = []
    for index, target in enumerate(targets):
        responded = record(
            "target_respond",
            index,
            lambda target=target: target_respond(
                target=target, by=clerk, response=Response.POSITIVE, note="Wants a visit", start=SalesStart.LEAD
            ),
        )
        leads.append(responded.created_lead)
    for index, lead in enumerate(leads):
        lead = record("lead_qualify", index, lambda lead=lead: lead_qualify(lead=lead, by=clerk))
        record(
            "lead_convert",
            index,
            lambda lead=lead: lead_convert(lead=lead, by=clerk, expected_revenue=Decimal("2500.00")),
        )
    converted = Lead.objects.filter(campaign=campaign, state=LeadState.CONVERTED, opportunities__isnull=False).count()
    if converted != len(targets):
        raise SystemExit(f"Only {converted} of {len(targets)} leads were converted: the run is not valid.")
    return {step: _per_call(*figures[step]) for step in SALES_STEPS}


def _read_side_checked(campaign: Campaign, *, clerk, busy_party: Party) -> None:
    """The pages hold what the table says they hold, or the figures would describe another load."""
    checks = {
        "open opportunities": (Opportunity.objects.filter(state=OpportunityState.OPEN).count(), PIPELINE_OPEN),
        "activities of the busy party": (Activity.objects.filter(party=busy_party).count(), TIMELINE_ACTIVITIES),
        "open activities of the clerk": (Activity.objects.filter(owner=clerk, done=False).count(), FOLLOWUPS),
        "campaigns of the busy party": (
            CampaignTarget.objects.filter(party=busy_party).count(),
            TIMELINE_CAMPAIGNS + 1,
        ),
    }
    wrong = [f"{name}: {found}, not {wanted}" for name, (found, wanted) in checks.items() if found != wanted]
    if wrong:
        raise SystemExit("The read side does not hold what it should (" + "; ".join(wrong) + "): the run is not valid.")


def pages_step(measure: Measure, campaign: Campaign, *, clerk, busy_party: Party, requests: int, warmup: int) -> dict:
    _read_side_checked(campaign, clerk=clerk, busy_party=busy_party)
    # The test client calls itself "testserver"; the rest of the request runs as in production.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(clerk)
    urls = {
        "party_page": reverse("marketing:party_detail", args=[busy_party.pk]),
        "pipeline": reverse("marketing:pipeline"),
        "campaign_page": reverse("marketing:campaign_detail", args=[campaign.pk]),
        "campaign_targets_api": f"{reverse('campaigntarget-list')}?campaign={campaign.pk}",
        "followups": reverse("marketing:followups"),
    }
    figures = {}
    for name, url in urls.items():
        timings, queries = [], []
        for index in range(warmup + requests):
            response, seconds, count = measure(name, lambda url=url: client.get(url))
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}: the run is not valid.")
            if index >= warmup:
                timings.append(seconds)
                queries.append(count)
        timings.sort()
        figures[name] = {
            "url": url,
            "requests": requests,
            "ms_p50": round(statistics.median(timings) * 1000, 1),
            "ms_p95": round(p95(timings) * 1000, 1),
            "queries": max(queries),
            "queries_min": min(queries),
        }
    return figures


def run(parties: int, requests: int, responses: int, warmup: int) -> dict:
    with ExitStack() as stack:
        stack.enter_context(throwaway_database(BENCH_DATABASE))
        # The leads converted in step 3 become open opportunities too: together they fill the pipeline.
        people = population(parties, pipeline=PIPELINE_OPEN - responses - warmup)
        counter = QueryCounter()
        stack.enter_context(connection.execute_wrapper(counter))
        measure = Measure(counter)
        clerk = people.clerk
        campaign, targets = targets_step(measure, clerk=clerk)
        email = email_step(measure, campaign, clerk=clerk)
        sales = sales_step(
            measure, campaign, clerk=clerk, busy_party=people.busy_party, responses=responses, warmup=warmup
        )
        pages = pages_step(
            measure, campaign, clerk=clerk, busy_party=people.busy_party, requests=requests, warmup=warmup
        )
        postgresql = server_version()
    return {
        "parties": parties,
        "responses": responses,
        "requests": requests,
        "setup_seconds": round(people.seconds, 1),
        "campaign_targets_add": targets,
        "campaign_email_send": email,
        "sales": sales,
        "pages": pages,
        "page_p95_ms": max(page["ms_p95"] for page in pages.values()),
        "environment": environment(postgresql),
    }


# --- report --------------------------------------------------------------------------------------------------------


def _dig(result: dict, path: str):
    for key in path.split("."):
        result = result[key]
    return result


def report(result: dict, baseline: dict | None) -> None:
    def versus(path: str, higher_is_better: bool) -> str:
        if not baseline:
            return ""
        try:
            before = _dig(baseline, path)
        except KeyError:
            return "   (not in the baseline)"
        return change_note(before, _dig(result, path), higher_is_better=higher_is_better)

    def queries_versus(path: str) -> str:
        # Statement counts are exact: any change is worth a line of its own.
        if not baseline:
            return ""
        try:
            before = _dig(baseline, path)
        except KeyError:
            return ""
        now = _dig(result, path)
        return "" if before == now else f"   (queries were {before})"

    env = result["environment"]
    if baseline and (baseline["parties"], baseline["responses"], baseline["requests"]) != (
        result["parties"],
        result["responses"],
        result["requests"],
    ):
        print("  note: the baseline ran with other --parties, --responses or --requests; the figures compare poorly")
    targets, email = result["campaign_targets_add"], result["campaign_email_send"]
    print(
        f"marketing: {result['parties']} parties (half prospects, half customers), "
        f"{result['responses']} positive responses, {result['requests']} requests per page"
    )
    print(f"  commit {env['commit']}, Python {env['python']}, PostgreSQL {env['postgresql']}, {env['cpus']} CPUs")
    print(f"  set-up (not measured)   {result['setup_seconds']:>9} s")
    print(
        f"  1. campaign_targets_add  {targets['targets']} targets from a segment in {targets['seconds']} s, "
        f"{targets['queries']} queries{versus('campaign_targets_add.seconds', False)}"
        f"{queries_versus('campaign_targets_add.queries')}"
    )
    small = targets["small_selection"]
    print(f"     the same for {small['targets']} targets: {small['queries']} queries")
    print(
        f"  2. campaign_email_send   {email['messages']} messages in {email['seconds']} s, "
        f"{email['messages_per_second']} messages/s, {email['queries']} queries"
        f"{versus('campaign_email_send.messages_per_second', True)}{queries_versus('campaign_email_send.queries')}"
    )
    print(f"  3. {'per call':<22}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for step, figures in result["sales"].items():
        print(
            f"     {step:<20}{figures['ms_median']:>10}{figures['ms_p95']:>9}{figures['queries_per_call']:>9}"
            f"{versus(f'sales.{step}.ms_median', False)}{queries_versus(f'sales.{step}.queries_per_call')}"
        )
    print(f"  4. {'page':<48}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}")
    for name, label in PAGES:
        page = result["pages"][name]
        count = (
            str(page["queries"])
            if page["queries"] == page["queries_min"]
            else f"{page['queries_min']}-{page['queries']}"
        )
        print(
            f"     {label:<46}{page['ms_p50']:>8}{page['ms_p95']:>8}{count:>9}"
            f"{versus(f'pages.{name}.ms_p95', False)}{queries_versus(f'pages.{name}.queries')}"
        )
    print(f"  page p95 (slowest page) {result['page_p95_ms']:>9} ms{versus('page_p95_ms', False)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=2000, help="parties made before measuring (default 2000)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--responses", type=int, default=100, help="positive responses measured (default 100)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="responses and requests per page run first and not measured (default 3)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file (e.g. bench/results/x.json)")
    parser.add_argument("--baseline", type=Path, help="a --json file of an earlier run to compare with")
    args = parser.parse_args()
    if args.requests < 1 or args.responses < 1 or args.warmup < 0:
        parser.error("--requests and --responses must be at least 1, --warmup at least 0")
    if args.responses + args.warmup > PIPELINE_OPEN:
        parser.error(f"--responses and --warmup together make at most {PIPELINE_OPEN} opportunities")
    if args.parties < 2 * (args.responses + args.warmup) + 2:
        # The segment selects every other party, and each response needs a target of its own.
        parser.error("--parties must be at least twice --responses + --warmup, plus 2")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    result = run(parties=args.parties, requests=args.requests, responses=args.responses, warmup=args.warmup)
    report(result, baseline)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"  figures written to {args.json}")


if __name__ == "__main__":
    main()
