"""Filters every API list shares."""

import django_filters


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Integrators synchronise by asking for what changed since their last run."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )
