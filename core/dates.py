"""The dates a business document may carry: one window, so a typo (year 1, year 9999) is refused at every door
instead of being stored or overflowing a date calculation later."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext

FIRST_DATE = datetime.date(2000, 1, 1)
LAST_DATE = datetime.date(2099, 12, 31)


def date_in_window(value: datetime.date) -> bool:
    return FIRST_DATE <= value <= LAST_DATE


def date_window_message() -> str:
    return gettext("Enter a date between %(first)s and %(last)s.") % {
        "first": FIRST_DATE.isoformat(),
        "last": LAST_DATE.isoformat(),
    }


def months_added(value: datetime.date, months: int) -> datetime.date:
    """``value`` moved by whole calendar months, kept within the month it lands in: 31 Jan + 1 month is
    28 Feb (29 in a leap year), so a period that starts at a month's end does not skip a month."""
    return value + relativedelta(months=months)
