from django.db import transaction
from django.utils.translation import gettext

from core.errors import DomainError, ErrorCode
from core.models import NumberSeries


@transaction.atomic
def number_take(*, code: str) -> str:
    """Take the next number of a series. Lock order (DESIGN.md §2.4): callers lock their documents
    first and take numbers last, so the counter row is held for as short a time as possible."""
    series = NumberSeries.objects.select_for_update().filter(code=code).first()
    if series is None:
        raise DomainError(
            code=ErrorCode.NUMBER_SERIES_MISSING,
            reason=gettext("Number series '%(code)s' is not set up.") % {"code": code},
        )
    value = series.next_value
    series.next_value = value + 1
    series.save(update_fields=["next_value"])
    return series.format(value)


def number_series_ensure(apps, code: str, name: str, prefix: str, width: int = 6) -> None:
    """For data migrations: create a series once, never reset an existing counter."""
    model = apps.get_model("core", "NumberSeries")
    model.objects.get_or_create(code=code, defaults={"name": name, "prefix": prefix, "width": width})
