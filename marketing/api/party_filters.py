import django_filters
from django.db.models import QuerySet

from marketing.choices import Language, PartyKind, RelationshipStage
from marketing.models import Party
from marketing.selectors.parties import parties_tagged


class PartyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices)
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO 3166 code, e.g. NL")
    city = django_filters.CharFilter(lookup_expr="iexact")
    language = django_filters.ChoiceFilter(choices=Language.choices)
    tag = django_filters.CharFilter(method="filter_tag", help_text="A tag name (any case).")
    stage = django_filters.ChoiceFilter(choices=RelationshipStage.choices, method="filter_stage")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z"
    )

    class Meta:
        model = Party
        fields = ["kind", "country", "city", "language", "tag", "stage", "updated_since"]

    def filter_tag(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        return parties_tagged(queryset, tag=value)

    def filter_stage(self, queryset: QuerySet[Party], name: str, value: str) -> QuerySet[Party]:
        # ``stage`` is annotated by the party list selector the viewset reads from.
        return queryset.filter(stage=value)
