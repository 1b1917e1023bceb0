import django_filters

from marketing.choices import PartyKind
from marketing.models import Party


class PartyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices)
    country = django_filters.CharFilter(lookup_expr="iexact", help_text="ISO 3166 code, e.g. NL")

    class Meta:
        model = Party
        fields = ["kind", "country"]
