from decimal import Decimal

from django.db import migrations

from core.numbering import number_series_ensure


def setup(apps, schema_editor):
    number_series_ensure(apps, "lead", "Leads", "LD-", width=6)
    number_series_ensure(apps, "opportunity", "Opportunities", "OP-", width=6)
    number_series_ensure(apps, "campaign", "Campaigns", "CM-", width=5)
    Stage = apps.get_model("marketing", "OpportunityStage")
    # A pipeline to start from; the business renames, reorders and re-weights it in the admin.
    for sequence, name, probability in [
        (10, "Prospecting", "10"),
        (20, "Qualification", "25"),
        (30, "Proposal", "50"),
        (40, "Negotiation", "75"),
    ]:
        Stage.objects.get_or_create(name=name, defaults={"sequence": sequence, "probability": Decimal(probability)})


class Migration(migrations.Migration):
    dependencies = [("marketing", "0002_marketing_models"), ("core", "0001_initial")]
    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
