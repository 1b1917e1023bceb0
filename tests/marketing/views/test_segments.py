from django.urls import reverse

from marketing.models import OpportunityStage, Segment
from tests.factories.marketing import PartyFactory, SegmentFactory, TagFactory


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_segment_list_describes_each_segment(client, clerk):
    # given
    stage = OpportunityStage.objects.filter(active=True).order_by("sequence").first()
    SegmentFactory(name="Dutch deals", filters={"roles": ["opportunity"], "country": "NL", "stage": [stage.pk]})
    SegmentFactory(name="Everyone", filters={})
    client.force_login(clerk)

    # when
    response = client.get(reverse("marketing:segment_list"))
    searched = client.get(reverse("marketing:segment_list"), {"q": "dutch"})

    # then
    rows = [(segment.name, summary) for segment, summary in response.context["rows"]]
    assert rows == [
        ("Dutch deals", [("Select", "Opportunity"), ("Country", "NL"), ("Opportunity stage", stage.name)]),
        ("Everyone", []),
    ]
    assert [segment.name for segment, _summary in searched.context["rows"]] == ["Dutch deals"]


def test_create_a_segment_and_see_how_many_it_selects(client, clerk):
    # given
    TagFactory(name="VIP")
    PartyFactory(country="SE").tags.add(TagFactory(name="VIP"))
    PartyFactory(country="SE")
    client.force_login(clerk)

    # when
    response = client.post(
        reverse("marketing:segment_create"),
        {"name": "Swedish VIPs", "description": "", "roles": ["prospect"], "country": "se", "tags": ["VIP"]},
        follow=True,
    )

    # then
    segment = Segment.objects.get()
    assert messages_of(response) == ["Segment 'Swedish VIPs' saved."]
    assert segment.filters == {"roles": ["prospect"], "tags": ["VIP"], "country": "SE"}
    assert response.context["selected"] == 1
    assert response.context["form"].initial["country"] == "SE"


def test_segment_form_shows_refusals_on_the_fields(client, clerk):
    # given
    SegmentFactory(name="Taken")
    client.force_login(clerk)

    # when
    response = client.post(reverse("marketing:segment_create"), {"name": "taken", "country": "Sweden"})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "country": ["Ensure this value has at most 2 characters (it has 6)."],
    }
    response = client.post(reverse("marketing:segment_create"), {"name": "taken", "country": "SE"})
    assert response.context["form"].errors == {"name": ["There is already a segment named 'taken'."]}
    assert Segment.objects.count() == 1


def test_update_and_delete_a_segment(client, clerk):
    # given
    segment = SegmentFactory(name="Old name", filters={"roles": ["lead"]})
    client.force_login(clerk)

    # when
    client.post(
        reverse("marketing:segment_update", args=[segment.pk]),
        {"name": "New name", "description": "Leads in Utrecht", "roles": ["lead"], "city": "Utrecht"},
        follow=True,
    )
    segment.refresh_from_db()
    updated = (segment.name, segment.description, segment.filters)
    deleted = client.post(reverse("marketing:segment_delete", args=[segment.pk]), follow=True)

    # then
    assert updated == ("New name", "Leads in Utrecht", {"roles": ["lead"], "city": "Utrecht"})
    assert messages_of(deleted) == ["Segment 'New name' deleted."]
    assert Segment.objects.count() == 0


def test_segment_list_query_count_does_not_grow_with_rows(client, clerk, django_assert_max_num_queries):
    # given
    for _ in range(3):
        SegmentFactory()
    client.force_login(clerk)
    url = reverse("marketing:segment_list")
    with django_assert_max_num_queries(8) as few:
        client.get(url)

    # when
    for _ in range(27):
        SegmentFactory()
    with django_assert_max_num_queries(8) as many:
        response = client.get(url)

    # then
    assert len(response.context["rows"]) == 25
    assert len(many) == len(few)
