import pytest

from core.errors import ValidationFailed
from marketing.models import Segment
from marketing.services.segments import segment_create, segment_delete, segment_update
from tests.factories.marketing import CampaignTargetFactory, SegmentFactory


def test_segment_create_stores_the_cleaned_filters(clerk):
    # when
    segment = segment_create(
        by=clerk,
        name="  Dutch prospects ",
        description="Prospects in the Netherlands",
        filters={"roles": ["prospect"], "country": "nl", "search": " "},
    )

    # then
    segment.refresh_from_db()
    assert (segment.name, segment.description, segment.filters, segment.created_by) == (
        "Dutch prospects",
        "Prospects in the Netherlands",
        {"roles": ["prospect"], "country": "NL"},
        clerk,
    )


def test_segment_names_are_unique_whatever_the_case(clerk):
    # given
    SegmentFactory(name="Dutch prospects")

    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_create(by=clerk, name="DUTCH PROSPECTS", filters={})

    # then
    assert refused.value.field_errors == {"name": "There is already a segment named 'DUTCH PROSPECTS'."}
    assert Segment.objects.count() == 1


def test_segment_create_refuses_bad_filters_and_a_missing_name(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_create(by=clerk, name="", filters={"roles": ["supplier"]})

    # then
    assert refused.value.field_errors == {
        "name": "A segment needs a name.",
        "filters.roles": "Unknown role 'supplier'; use prospect, customer, lead or opportunity.",
    }
    assert Segment.objects.count() == 0


def test_segment_update_changes_what_is_given(clerk):
    # given
    segment = SegmentFactory(name="Swedish customers", filters={"roles": ["customer"], "country": "SE"})

    # when
    segment_update(segment=segment, by=clerk, filters={"roles": ["customer"], "country": "se", "city": "Malmö"})

    # then
    segment.refresh_from_db()
    assert (segment.name, segment.filters) == (
        "Swedish customers",
        {"roles": ["customer"], "country": "SE", "city": "Malmö"},
    )


def test_segment_update_keeps_the_segment_when_refused(clerk):
    # given
    SegmentFactory(name="Taken")
    segment = SegmentFactory(name="Mine", filters={"roles": ["lead"]})

    # when
    with pytest.raises(ValidationFailed) as refused:
        segment_update(segment=segment, by=clerk, name="taken", filters={"kind": "robot"})

    # then
    assert refused.value.field_errors == {
        "name": "There is already a segment named 'taken'.",
        "filters.kind": "Unknown kind 'robot'; use organization or person.",
    }
    segment.refresh_from_db()
    assert (segment.name, segment.filters) == ("Mine", {"roles": ["lead"]})


def test_segment_delete_leaves_the_targets_it_found(clerk):
    # given
    segment = SegmentFactory()
    target = CampaignTargetFactory()

    # when
    segment_delete(segment=segment, by=clerk)

    # then
    assert not Segment.objects.filter(pk=segment.pk).exists()
    target.refresh_from_db()
