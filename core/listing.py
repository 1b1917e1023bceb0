"""The list pages' one convention: sort by a column, filter in the query string, export what is shown as CSV.

Selectors own the query: each list selector takes ``ordering`` (the ``?sort=`` value) and resolves it against its
own whitelist with ``order_by_sort``. Views describe their columns and answer through ``list_response``, which
renders the page or streams the CSV of the same filtered, sorted rows."""

from __future__ import annotations

import csv
import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import F, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from core.web import paginate

TIEBREAKER = "-id"
# Rows fetched per round trip when exporting; prefetches run once per chunk, so an export of up to this many rows
# costs the same number of queries as one page.
EXPORT_CHUNK = 2000


def order_by_sort(
    queryset: QuerySet, sort: str | None, *, sorts: Mapping[str, Sequence[str]], default: Sequence[str]
) -> QuerySet:
    """``queryset`` ordered by ``sort`` (``number`` or ``-number``), a key of ``sorts`` (the list's whitelist of
    sortable columns, each mapped to the fields it orders by). An unknown key gives the list's ``default`` order.
    The unique ``-id`` comes last, so pages never share or skip a row; empty values sort last either way."""
    key = (sort or "").strip()
    descending = key.startswith("-")
    fields = sorts.get(key.removeprefix("-")) if key else None
    if fields is None:
        return queryset.order_by(*default)
    order = [F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True) for field in fields]
    return queryset.order_by(*order, TIEBREAKER)


def date_field(label) -> forms.DateField:
    """One end of a list's date range (``date_from`` / ``date_to``, both days included)."""
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def record_field(queryset, *, label) -> forms.ModelChoiceField:
    """A customer or party filter as an id in the query string, shown as a removable chip with its name: never a
    dropdown of every customer. An id that no longer exists is ignored."""
    return forms.ModelChoiceField(label=label, required=False, queryset=queryset, widget=forms.HiddenInput)


def day_start(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight at the start of ``day`` in the local time zone, for ranges over a timestamp."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_after(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight after ``day``: an "until" date includes that whole day."""
    return day_start(day + datetime.timedelta(days=1)) if day else None


@dataclass(frozen=True)
class Column:
    """A list column: its ``?sort=`` key, its header, and the value its CSV cell holds. ``page=False`` columns
    are in the CSV only (e.g. the currency the page shows inside the amount's cell)."""

    key: str
    label: str | Promise
    value: Callable[[Any], Any]
    css: str = ""
    page: bool = True


def query_url(request, **changes) -> str:
    """The current query string with ``changes`` applied (``None`` removes a parameter)."""
    params = request.GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# A page draws the same links for each of its rows, differing only in an id: each link is built once with this
# number in the id's place, then completed per row (the number is changed if the query string happens to hold it).
_ROW_ID = 987654321


def _split_at_row_id(build: Callable[[int], str], avoid: str = "") -> tuple[str, str]:
    placeholder = _ROW_ID
    while str(placeholder) in avoid:
        placeholder += 1
    prefix, suffix = build(placeholder).rsplit(str(placeholder), 1)
    return prefix, suffix


def row_url(name: str) -> Callable[[Any], str]:
    """``reverse(name, args=[pk])`` for each row of a page, reversed once."""
    prefix, suffix = _split_at_row_id(lambda pk: reverse(name, args=[pk]))
    return lambda pk: f"{prefix}{pk}{suffix}"


def row_query(request, name: str) -> Callable[[Any], str]:
    """What ``{% querystring <name>=value page=None %}`` gives for each row's value, encoded once: the filter
    links of a list ("show only this customer")."""

    def build(value) -> str:
        params = request.GET.copy()
        params[name] = value
        params.pop("page", None)
        return f"?{params.urlencode()}"

    prefix, suffix = _split_at_row_id(build, avoid=request.GET.urlencode())
    return lambda value: f"{prefix}{value}{suffix}"


def choice_labels(model, field: str) -> dict:
    """``get_<field>_display()`` for many rows: the field's choices as value → label in the current language."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


class Listing:
    """What the sortable headers and the filter toolbar of a list page show."""

    def __init__(self, request, *, columns: Sequence[Column], sorts: Mapping[str, Sequence[str]], form=None):
        self.request = request
        self.form = form
        self.sort = request.GET.get("sort", "")
        self.headers = [self._header(column, sorts) for column in columns if column.page]
        self.export_url = query_url(request, export="csv", page=None)
        self.clear = bool(set(request.GET) - {"page", "sort"})
        self.dates = [form[name] for name in ("date_from", "date_to") if form is not None and name in form.fields]
        self.chip = self._chip()

    def _header(self, column: Column, sorts) -> dict:
        header = {"label": column.label, "css": column.css, "url": None, "direction": ""}
        if column.key in sorts:
            if self.sort == column.key:
                header["direction"], following = "ascending", f"-{column.key}"
            elif self.sort == f"-{column.key}":
                header["direction"], following = "descending", column.key
            else:
                following = column.key
            header["url"] = query_url(self.request, sort=following, page=None)
        return header

    def _chip(self) -> dict | None:
        """The customer or party the list is narrowed to, with the link that removes it."""
        if self.form is None:
            return None
        data = getattr(self.form, "cleaned_data", {})
        for name in ("customer", "party"):
            record = data.get(name)
            if name in self.form.fields and record is not None:
                return {
                    "name": name,
                    "value": record.pk,
                    "title": self.form.fields[name].label,
                    "label": str(record),
                    "remove_url": query_url(self.request, **{name: None, "page": None}),
                }
        return None


def csv_cell(value) -> str:
    """A CSV cell: amounts with a dot as decimal separator, dates as ISO dates, whatever the user's language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """csv.writer writes into this and gets the line back, so rows stream without a buffer."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable, *, columns: Sequence[Column], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` as ``<filename>-<today>.csv``: a header row in the user's language, then one line a row."""
    language = translation.get_language()
    header = [str(column.label) for column in columns]
    writer = csv.writer(_Echo())

    def lines():
        # The response is read after the view returns: keep the user's language for translated values.
        with translation.override(language):
            yield writer.writerow(header)
            for row in rows:
                yield writer.writerow([csv_cell(column.value(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate().isoformat()}.csv"'
    return response


def list_response(
    request,
    *,
    queryset: QuerySet,
    columns: Sequence[Column],
    sorts: Mapping[str, Sequence[str]],
    template: str,
    filename: str,
    form=None,
    context: dict | None = None,
    page_rows: Callable[[list], list] | None = None,
) -> HttpResponse:
    """A list page of ``queryset``, or with ``?export=csv`` all its rows as CSV (the caller's permission guards
    both). ``page_rows(rows)`` adds what only the page shows to its rows (e.g. an order's "partially delivered"),
    so it is read for those 25 rows, never for the whole table."""
    if request.GET.get("export") == "csv":
        return csv_response(queryset.iterator(chunk_size=EXPORT_CHUNK), columns=columns, filename=filename)
    listing = Listing(request, columns=columns, sorts=sorts, form=form)
    page_obj = paginate(request, queryset)
    if page_rows is not None:
        page_obj.object_list = page_rows(page_obj.object_list)
    page = {"page_obj": page_obj, "listing": listing, **(context or {})}
    return render(request, template, page)
