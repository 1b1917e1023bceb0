import factory

from marketing.models import Party


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = "organization"
    name = factory.Sequence(lambda n: f"Customer Company {n}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    street = factory.Sequence(lambda n: f"Main Street {n}")
    postcode = "1011 AB"
    city = "Amsterdam"
    country = "NL"
