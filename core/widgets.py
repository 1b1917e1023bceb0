"""Choosing one record of a large table on a form: a type-ahead over number and name, never a dropdown of every row.

A ``Lookup`` says how records of one kind are found and shown; each app declares its own (customers and items in
salesapp, parties and leads in marketing) and serves its suggestions with ``suggestions_response``.
``AutocompleteField`` renders a text input with the chosen label and a hidden input with the record's id;
``static/js/autocomplete.js`` fetches suggestions as the clerk types and picks one with the keyboard (the ARIA
combobox pattern).

Without JavaScript the clerk types a number (or an exact name) into the text input and the field finds that record;
anything else is refused with an error that names the field. Either way the chosen id is checked against the
field's own queryset, the same rules the form had before."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Upper
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy

from core.search import search_filter

# A page of suggestions: enough to find by a few letters, few enough to send on every keystroke.
SUGGESTION_LIMIT = 20
# The text input's name is the field's name with this suffix; the hidden input carries the field's own name.
TEXT_SUFFIX = "__text"


@dataclass(frozen=True)
class Lookup:
    """How records of one kind are found by what a clerk types and how a suggestion reads.

    ``number`` matches by prefix, ``names`` by contains (both case-insensitive, trigram-indexed); a name on
    another table (a customer's party name) is matched through ``related``: ``(foreign key, queryset of the other
    table, its name field)``, so each table is searched through its own index (core.search). ``url`` is the name
    of the view that serves the suggestions."""

    url: str
    number: str | None
    names: tuple[str, ...]
    label: Callable[[Model], str]
    noun: str | object = gettext_lazy("record")
    related: tuple[str, Callable[[], QuerySet], str] | None = None

    def _name_path(self) -> str:
        if self.related is None:
            return self.names[0]
        foreign_key, _others, name = self.related
        return f"{foreign_key.removesuffix('_id')}__{name}"

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        """The records of ``queryset`` matching ``text``: a number starting with it first, then names starting
        with it, then names containing it; alphabetical within each."""
        text = text.strip()
        if not text:
            return queryset.none()
        own = Q()
        ranks = []
        if self.number:
            own |= Q(**{f"{self.number}__istartswith": text})
            ranks.append(When(Q(**{f"{self.number}__istartswith": text}), then=Value(0)))
        for name in self.names:
            own |= Q(**{f"{name}__icontains": text})
        branches = [own] if own else []
        if self.related is not None:
            foreign_key, others, name = self.related
            branches.append(Q(**{f"{foreign_key}__in": others().filter(**{f"{name}__icontains": text}).values("pk")}))
        name_path = self._name_path()
        ranks.append(When(Q(**{f"{name_path}__istartswith": text}), then=Value(1)))
        rank = Case(*ranks, default=Value(2), output_field=IntegerField())
        return search_filter(queryset, *branches).order_by(rank, Upper(name_path), "pk")

    def exact(self, queryset: QuerySet, text: str) -> list[Model]:
        """The records whose number, or else whose name, is ``text`` (any case): what a clerk without
        JavaScript types to choose one."""
        text = text.strip()
        if not text:
            return []
        if self.number:
            by_number = list(queryset.filter(**{f"{self.number}__iexact": text})[:2])
            if by_number:
                return by_number
        return list(queryset.filter(**{f"{self._name_path()}__iexact": text})[:2])


def suggestions_response(lookup: Lookup, queryset: QuerySet, text: str) -> JsonResponse:
    """At most SUGGESTION_LIMIT records of ``queryset`` matching ``text``, as ``{"results": [{id, label}]}``."""
    found = lookup.search(queryset, text)[:SUGGESTION_LIMIT]
    return JsonResponse({"results": [{"id": record.pk, "label": lookup.label(record)} for record in found]})


class AutocompleteInput(forms.Widget):
    """A text input showing the chosen record's label beside a hidden input with its id."""

    template_name = "core/widgets/autocomplete.html"

    def __init__(self, *, url: str = "", params: Mapping[str, str] | None = None, attrs=None):
        super().__init__(attrs=attrs)
        self.url = url
        self.params = dict(params or {})
        # Attributes of the hidden input, e.g. htmx attributes of a form that follows the choice.
        self.hidden_attrs: dict[str, str] = {}
        # Set by the field: how an id or a record reads in the text input.
        self.label_of: Callable[[object], str] = lambda value: ""

    def __deepcopy__(self, memo):
        # Each form gets its own copy of the field and widget: what one form sets must not reach the next.
        result = super().__deepcopy__(memo)
        result.params = dict(self.params)
        result.hidden_attrs = dict(self.hidden_attrs)
        return result

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        typed = getattr(value, "typed", None)
        widget = context["widget"]
        widget["hidden_value"] = "" if typed is not None or value in (None, "") else str(getattr(value, "pk", value))
        widget["text_name"] = name + TEXT_SUFFIX
        widget["hidden_attrs"] = self.hidden_attrs
        widget["text"] = typed if typed is not None else self.label_of(value)
        widget["listbox_id"] = f"{widget['attrs'].get('id', name)}-listbox"
        widget["url"] = reverse(self.url) + (f"?{urlencode(self.params)}" if self.params else "")
        return context

    def value_from_datadict(self, data, files, name):
        chosen = data.get(name, "")
        if chosen:
            return chosen
        typed = (data.get(name + TEXT_SUFFIX) or "").strip()
        return Typed(typed) if typed else ""

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TEXT_SUFFIX not in data

    def format_value(self, value):
        return value


class Typed(str):
    """Text typed into the input without a suggestion being picked (no JavaScript, or the clerk typed fast)."""

    @property
    def typed(self) -> str:
        return str(self)


class AutocompleteField(forms.ModelChoiceField):
    """One record of ``queryset`` chosen by typing its number or name.

    ``refusal(record)`` explains why a record outside ``queryset`` (but in the lookup's whole table, ``everything``)
    may not be chosen here, e.g. "C-0042 is blocked"; the message names the field."""

    widget = AutocompleteInput

    def __init__(
        self,
        *,
        lookup: Lookup,
        queryset: QuerySet,
        everything: QuerySet | None = None,
        refusal: Callable[[Model], str] | None = None,
        params: Mapping[str, str] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("widget", AutocompleteInput(url=lookup.url, params=params))
        super().__init__(queryset=queryset, **kwargs)
        self.lookup = lookup
        self.everything = everything
        self.refusal = refusal
        self.known: dict[str, Model] = {}
        self.widget.label_of = self.label_of

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.known = {}
        result.widget.label_of = result.label_of
        return result

    def remember(self, records: dict[str, Model]) -> None:
        """Records already read (a formset reads every row's item at once), so neither cleaning nor drawing the
        field asks the database again."""
        self.known = records

    def label_of(self, value) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, Model):
            return self.lookup.label(value)
        key = str(value)
        record = self.known.get(key)
        if record is None and key.isdigit():
            # A refused choice (a blocked customer) is shown again by its label too, to say what was refused.
            source = self.everything if self.everything is not None else self.queryset
            record = source.filter(pk=key).first()
        return self.lookup.label(record) if record is not None else ""

    def _named(self, message: str) -> str:
        return gettext("%(field)s: %(message)s") % {"field": self.label, "message": message}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        typed = getattr(value, "typed", None)
        if typed is not None:
            return self._from_text(typed)
        key = str(value)
        record = self.known.get(key)
        if record is not None:
            return record
        if not key.isdigit():
            raise ValidationError(self._named(gettext("choose one of the suggestions.")), code="invalid_choice")
        record = self.queryset.filter(pk=key).first()
        if record is None:
            raise ValidationError(self._why_not(key), code="invalid_choice")
        return record

    def _from_text(self, text: str):
        found = self.lookup.exact(self.queryset, text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            message = gettext("more than one %(noun)s is called “%(text)s”: type the number.")
        else:
            outside = self.lookup.exact(self.everything, text) if self.everything is not None else []
            if len(outside) == 1 and self.refusal is not None:
                raise ValidationError(self._named(self.refusal(outside[0])), code="invalid_choice")
            message = gettext("no %(noun)s has the number or name “%(text)s”.")
        raise ValidationError(self._named(message % {"noun": self.lookup.noun, "text": text}), code="invalid_choice")

    def _why_not(self, key: str) -> str:
        outside = self.everything.filter(pk=key).first() if self.everything is not None else None
        if outside is not None and self.refusal is not None:
            return self._named(self.refusal(outside))
        return self._named(gettext("that %(noun)s cannot be chosen here.") % {"noun": self.lookup.noun})

    def has_changed(self, initial, data):
        return str(getattr(initial, "pk", initial) or "") != str(data or "")
