from decimal import Decimal

from django.db import migrations

from core.numbering import number_series_ensure


def setup(apps, schema_editor):
    number_series_ensure(apps, "customer", "Customers", "C", width=5)
    number_series_ensure(apps, "sales_order", "Sales orders", "SO-", width=6)
    number_series_ensure(apps, "packing_slip", "Packing slips", "PS-", width=6)
    TaxCode = apps.get_model("salesapp", "TaxCode")
    for code, name, rate in [
        ("NL21", "NL standard rate 21 %", Decimal("21")),
        ("NL9", "NL reduced rate 9 %", Decimal("9")),
        ("NL0", "Zero rate / export 0 %", Decimal("0")),
        ("SE25", "SE standard rate 25 %", Decimal("25")),
        ("EURC", "EU reverse charge 0 %", Decimal("0")),
    ]:
        TaxCode.objects.get_or_create(code=code, defaults={"name": name, "rate": rate})


class Migration(migrations.Migration):
    dependencies = [("salesapp", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
