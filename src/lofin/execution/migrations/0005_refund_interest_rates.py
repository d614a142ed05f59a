"""The 국세환급가산금 rates that 과오납 refunds use (지방회계법 시행령 §31 → 국세기본법 시행규칙 §19의3).

The rates are data: an operator records later changes (and any earlier period) in RefundInterestRate. This
migration only adds the rows that are missing and never overwrites one; the rows are written out here rather than
imported from the app, so the migration loads the same rows whatever the code becomes later.

Annual rates in basis points and the day each took effect:
- 2023-03-20: 1천분의 29 — verified in the text of the 시행규칙 as amended 2023-03-20 (기획재정부령 제967호).
- 2024-03-22: 1천분의 35 — the amendment date is verified (the article lists "개정 … 2024.3.22"); the rate is from
  the 입법예고 reported by the press (2.9 % → 3.5 %), not read in the promulgated text.
- 2025-03-21: 1천분의 31 — verified in the text as in force 2026-01-02 and 2026-03-20 (amended 2025.3.21; the
  2026.1.2 amendment only renamed the ministry).
Earlier periods (1.2 % from 2021-03-16 and before) were not verified and are not loaded: a refund whose interest
period starts before 2023-03-20 is refused with `refund_rate_missing` until an operator records the rate.
"""

import datetime as dt

from django.db import migrations

RATES = (
    (dt.date(2023, 3, 20), 290),
    (dt.date(2024, 3, 22), 350),
    (dt.date(2025, 3, 21), 310),
)


def load_rates(apps, schema_editor):
    model = apps.get_model("execution", "RefundInterestRate")
    for valid_from, bp in RATES:
        model.objects.get_or_create(valid_from=valid_from, defaults={"annual_rate_bp": bp})


class Migration(migrations.Migration):
    dependencies = [("execution", "0004_transfer_approval_rules")]

    operations = [migrations.RunPython(load_rates, migrations.RunPython.noop)]
