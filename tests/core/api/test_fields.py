import decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework import serializers

from core.api.fields import AnnotatedCharField, AnnotatedSlugRelatedField, ColumnDecimalField, ColumnReadMixin
from salesapp.models import SalesOrder, SalesOrderLine
from tests.factories.salesapp import ItemFactory, make_order


@pytest.mark.parametrize(
    "value",
    [
        decimal.Decimal("12.50"),  # at the column's scale: written as it is
        decimal.Decimal("-0.00"),
        decimal.Decimal("0.00"),
        decimal.Decimal("99999999999999.99"),  # the largest value of 16 digits
        decimal.Decimal("1.5"),  # another scale: DRF's rounding
        decimal.Decimal("2.345"),
        decimal.Decimal("1E+2"),
        12,
        2.5,
        "7.1",
    ],
)
def test_column_decimal_field_writes_what_decimal_field_writes(value):
    # given
    ours = ColumnDecimalField(max_digits=16, decimal_places=2)
    drf = serializers.DecimalField(max_digits=16, decimal_places=2)

    # when / then
    assert ours.to_representation(value) == drf.to_representation(value)


def test_column_decimal_field_refuses_too_many_digits_like_decimal_field():
    # given: 15 integer digits do not fit max_digits 16 with 2 decimal places
    value = decimal.Decimal("100000000000000.00")

    # when / then
    with pytest.raises(decimal.InvalidOperation):
        serializers.DecimalField(max_digits=16, decimal_places=2).to_representation(value)
    with pytest.raises(decimal.InvalidOperation):
        ColumnDecimalField(max_digits=16, decimal_places=2).to_representation(value)


def test_column_decimal_field_keeps_normalized_output():
    # given
    field = ColumnDecimalField(max_digits=15, decimal_places=3, normalize_output=True)

    # when / then
    assert field.to_representation(decimal.Decimal("2.500")) == "2.5"


class LineSerializer(serializers.Serializer):
    item_number = AnnotatedCharField(annotation="item_number", source="item.number", read_only=True, allow_null=True)
    tax_code = AnnotatedSlugRelatedField(annotation="tax_code_code", slug_field="code", read_only=True)


def test_annotated_fields_read_the_annotation_when_present():
    # given: a line whose related rows would fail if they were read
    line = SimpleNamespace(item_number="IT-1", tax_code_code="VAT21", item=None, tax_code=None)

    # when / then
    assert LineSerializer(line).data == {"item_number": "IT-1", "tax_code": "VAT21"}


def test_annotated_fields_read_through_the_relation_without_annotation():
    # given
    line = SimpleNamespace(item=SimpleNamespace(number="IT-2"), tax_code=SimpleNamespace(code="VAT9"))

    # when / then
    assert LineSerializer(line).data == {"item_number": "IT-2", "tax_code": "VAT9"}


def test_annotated_fields_write_null_for_a_missing_row_either_way():
    # given: a text line has no item; an annotation of a missing row is None
    annotated = SimpleNamespace(item_number=None, tax_code_code=None)
    related = SimpleNamespace(item=None, tax_code=None)

    # when / then
    assert LineSerializer(annotated).data == {"item_number": None, "tax_code": None}
    assert LineSerializer(related).data == {"item_number": None, "tax_code": None}


class PlainOrderSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.party.name", read_only=True)

    class Meta:
        model = SalesOrder
        fields = "__all__"


class ColumnOrderSerializer(ColumnReadMixin, PlainOrderSerializer):
    pass


class PlainLineSerializer(serializers.ModelSerializer):
    item_number = serializers.CharField(source="item.number", read_only=True, allow_null=True)
    amount = serializers.SerializerMethodField()

    class Meta:
        model = SalesOrderLine
        fields = "__all__"

    def get_amount(self, line):
        return str(line.net_amount)


class ColumnLineSerializer(ColumnReadMixin, PlainLineSerializer):
    pass


def test_column_read_mixin_writes_what_model_serializer_writes(db):
    # given: an order (some foreign keys set, the opportunity and campaign empty) with two lines
    order = make_order(lines=[(ItemFactory(), "2"), (ItemFactory(), "1.5", "9.99")])
    lines = list(SalesOrderLine.objects.filter(order=order).order_by("line_no"))

    # when / then
    assert ColumnOrderSerializer(order).data == PlainOrderSerializer(order).data
    assert ColumnLineSerializer(lines, many=True).data == PlainLineSerializer(lines, many=True).data
    assert order.opportunity_id is None
    assert len(lines) == 2


def test_column_read_mixin_builds_fields_once_and_gives_each_serializer_its_own():
    # given
    first, second = ColumnLineSerializer(), ColumnLineSerializer()

    # when
    fields, again = first.fields, second.fields

    # then: the fields ModelSerializer builds, new objects for each serializer, bound to it
    plain = PlainLineSerializer().fields
    assert [(name, type(field)) for name, field in fields.items()] == [
        (name, type(field)) for name, field in plain.items()
    ]
    assert all(fields[name] is not again[name] for name in fields)
    assert fields["quantity"].parent is first
    assert again["quantity"].parent is second


def test_column_read_mixin_fields_speak_the_current_language():
    # given
    with translation.override("nl"):
        dutch = str(ColumnLineSerializer().fields["quantity"].label)
    with translation.override("en"):
        english = str(ColumnLineSerializer().fields["quantity"].label)

    # then
    assert (english, dutch) == ("Quantity", "Aantal")
