"""Text search that stays index-backed on large tables (pg_trgm, enabled by core's migration 0004).

Django's ``icontains`` / ``istartswith`` on PostgreSQL compare ``UPPER(column::text) LIKE UPPER(%s)``; a GIN trigram
index on exactly ``UPPER(column)`` answers both (``trigram_index``). A search across a join (orders by their
customer's name) cannot use the other table's index through an OR, so each part is asked of its own table
(``search_filter``)."""

from __future__ import annotations

import re

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower, Upper

# Legal forms at the end of a company name, as company_name_key leaves them (lower case, punctuation as spaces).
LEGAL_FORMS = [
    "b v",
    "bv",
    "n v",
    "nv",
    "v o f",
    "vof",
    "c v",
    "cv",
    "ab",
    "hb",
    "kb",
    "ltd",
    "limited",
    "plc",
    "llp",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "ohg",
    "se",
    "sa",
    "s a",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bvba",
    "oy",
    "oyj",
    "as",
    "asa",
    "aps",
    "inc",
    "llc",
    "corp",
    "co",
]
_LEGAL_FORM_SUFFIX = r"(\s+(" + "|".join(form.replace(" ", r"\s") for form in LEGAL_FORMS) + r"))+\s*$"


def company_name_key(expression):
    """A company name as duplicates are compared: lower case, anything but letters and digits as one space, the
    legal form at the end left out, trimmed. Immutable, so a trigram index can hold it (``party_name_key_trgm``)."""
    spaced = Func(Lower(expression), Value(r"[^[:alnum:]]+"), Value(" "), Value("g"), function="REGEXP_REPLACE")
    bare = Func(spaced, Value(_LEGAL_FORM_SUFFIX), Value(""), function="REGEXP_REPLACE")
    return Func(bare, function="BTRIM", output_field=CharField())


def company_name_key_of(name: str) -> str:
    """company_name_key of a name, in Python: whether a name has anything to compare at all."""
    spaced = " ".join(re.sub(r"[^\w]+|_", " ", (name or "").lower()).split())
    return re.sub(_LEGAL_FORM_SUFFIX, "", spaced).strip()


def trigram_index(field: str, *, name: str) -> GinIndex:
    """A GIN trigram index on ``UPPER(field)``: what ``field__icontains`` and ``field__istartswith`` filter on."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


def company_name_index(field: str, *, name: str) -> GinIndex:
    """A GIN trigram index on ``company_name_key(field)``: what a search for similar names compares."""
    return GinIndex(OpClass(company_name_key(F(field)), name="gin_trgm_ops"), name=name)


def search_filter(queryset: QuerySet, *branches: Q) -> QuerySet:
    """``queryset`` narrowed to the rows matching any of ``branches``, each a condition on one table (an OR of
    columns of that table, or ``fk__in=`` a search of another table). The branches are asked separately and their
    ids united, so each is answered by its own indexes when it matches few rows and by a hash when it matches many;
    an OR across tables could use neither. Matched by id, a list of the newest 25 also reads only the matches
    instead of walking the whole table backwards until 25 rows pass the filter."""
    model = queryset.model
    ids = [model._default_manager.filter(branch).order_by().values("pk") for branch in branches]
    return queryset.filter(pk__in=ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])


def contains_any(text: str, *fields: str) -> Q:
    """Any of ``fields`` contains ``text``, ignoring case."""
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": text})
    return found
