"""When things happened in the marketing demo.

The demo builders plan each step of their story (a lead comes in, is qualified, a campaign is activated, a call
is made …) at a moment in the past; ``play`` runs the steps through the services in the order of those moments,
so numbers (LD-…, OP-…, CM-…) run with the calendar and a segment selects only what existed on its day.

The services stamp "now" (created_at, qualified_at, done_at …), so each step also notes when it happened, and
``apply`` moves those timestamps there with plain queryset updates once everything is built. This is demo-only
back-dating: no page, API or service ever sets these fields by hand, and posted documents (invoices, journal
entries) are never touched."""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django_fsm_log.models import StateLog

from marketing.models import Campaign, Lead, Opportunity

# Which timestamp a recorded transition took, so the timeline (StateLog) tells the same story as the record.
TRANSITION_FIELDS: dict[type[models.Model], dict[str, str]] = {
    Lead: {"qualify": "qualified_at", "convert": "converted_at", "disqualify": "disqualified_at"},
    Opportunity: {"win": "closed_at", "lose": "closed_at"},
    Campaign: {"activate": "activated_at", "complete": "completed_at", "cancel": "canceled_at"},
}
OFFICE_HOURS = (8, 17)
STEP_GAP = datetime.timedelta(minutes=10)  # the least time between two steps of the same record


class DemoHistory:
    """The moments of the demo's story, relative to ``now``, and the record of which row gets which."""

    def __init__(self, *, now: datetime.datetime, rng: random.Random):
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = rng
        self._stamps: dict[type[models.Model], dict[int, dict[str, object]]] = defaultdict(dict)
        self._story: list[tuple[datetime.datetime, int, Callable[[datetime.datetime], None]]] = []
        self._sequence = itertools.count()

    def at(self, days_ago: int, hour: int | None = None, minute: int | None = None) -> datetime.datetime:
        """``days_ago`` days back at office time (a random one unless given), never later than now."""
        hour = self.rng.randint(*OFFICE_HOURS) if hour is None else hour
        minute = self.rng.choice(range(0, 60, 5)) if minute is None else minute
        day = self.today - datetime.timedelta(days=days_ago)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return min(moment, self.now - datetime.timedelta(minutes=self.rng.randint(5, 30)))

    def after(
        self, previous: datetime.datetime, days_ago: int, hour: int | None = None, minute: int | None = None
    ) -> datetime.datetime:
        """``days_ago`` days back, but after ``previous`` (the record's step before, on the same day perhaps)."""
        return min(max(self.at(days_ago, hour, minute), previous + STEP_GAP), self.now)

    def ahead(self, days: int, hour: int, minute: int = 0) -> datetime.datetime:
        """A planned moment ``days`` days from today (0 = today) at the given local time."""
        day = self.today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def later_today(self, hour: int, minute: int = 0) -> datetime.datetime:
        """Today at the given office time, or, when the demo is built after that, a moment between now and
        midnight: "due today" is still ahead whenever the demo is built, even late in the evening."""
        planned = self.ahead(0, hour, minute)
        if planned > self.now:
            return planned
        share = (hour - OFFICE_HOURS[0] + minute / 60) / (24 - OFFICE_HOURS[0])
        moment = self.now + (self.ahead(1, 0) - self.now) * share
        return max(self.now + datetime.timedelta(minutes=1), moment.replace(second=0, microsecond=0))

    def on(self, moment: datetime.datetime, step: Callable[[datetime.datetime], None]) -> None:
        """Plan ``step(moment)``; a step may plan later steps while the story plays."""
        heapq.heappush(self._story, (moment, next(self._sequence), step))

    def play(self) -> None:
        """Run the planned steps in the order they happened (steps of the same moment in the order planned)."""
        while self._story:
            moment, _sequence, step = heapq.heappop(self._story)
            step(moment)

    def stamp(self, record: models.Model, **moments) -> None:
        """Note when ``record`` was created, qualified, done … (field name → datetime or date)."""
        self._stamps[type(record)].setdefault(record.pk, {}).update(moments)

    def stamped(self, record: models.Model, field: str):
        return self._stamps[type(record)].get(record.pk, {}).get(field)

    def apply(self) -> None:
        """Write every noted moment, and move the recorded transitions of leads, opportunities and campaigns
        to the same moments."""
        for model, rows in self._stamps.items():
            transitions = TRANSITION_FIELDS.get(model, {})
            content_type = ContentType.objects.get_for_model(model) if transitions else None
            for pk, moments in rows.items():
                # updated_at stays: the rows really were written today (what API clients syncing by it need).
                model.objects.filter(pk=pk).update(**moments)
                for transition, field in transitions.items():
                    if field in moments:
                        StateLog.objects.filter(content_type=content_type, object_id=pk, transition=transition).update(
                            timestamp=moments[field]
                        )
