from django.db import connection
from django.utils.translation import gettext

from core.errors import DomainError, ErrorCode
from core.models import NumberSeries

_TAKE = (
    f"UPDATE {NumberSeries._meta.db_table} SET next_value = next_value + 1 "
    "WHERE code = ANY(%s) RETURNING code, prefix, next_value - 1, width"
)


def number_take(*, code: str) -> str:
    """Take the next number of a series in one statement: the UPDATE locks the counter row until the caller's
    transaction ends, so a rolled-back posting gives its number back and the series stays gapless.

    Lock order (DESIGN.md §2.4): callers lock their documents first and take numbers last, so the counter row
    is held for as short a time as possible. Outside a transaction the number would be gone at once whatever
    happened next: that is a programming error."""
    return numbers_take(code)[code]


def numbers_take(*codes: str) -> dict[str, str]:
    """The next number of each series in ``codes``, in one statement (posting an invoice numbers the invoice
    and its journal entry). The counter rows are locked in the order of their index, the same for every caller,
    so two postings never wait on each other crosswise."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_take runs inside the transaction of the document it numbers.")
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [sorted(set(codes))])
        rows = cursor.fetchall()
    taken = {code: NumberSeries(prefix=prefix, width=width).format(value) for code, prefix, value, width in rows}
    missing = [code for code in codes if code not in taken]
    if missing:
        raise DomainError(
            code=ErrorCode.NUMBER_SERIES_MISSING,
            reason=gettext("Number series '%(code)s' is not set up.") % {"code": missing[0]},
        )
    return taken


def number_series_ensure(apps, code: str, name: str, prefix: str, width: int = 6) -> None:
    """For data migrations: create a series once, never reset an existing counter."""
    model = apps.get_model("core", "NumberSeries")
    model.objects.get_or_create(code=code, defaults={"name": name, "prefix": prefix, "width": width})
