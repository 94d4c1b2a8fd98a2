"""The recognition procedures by period (ntm-reference §2, §7.3, §16.8 point 3), seeded once.

The steps of every period up to 2025 are the six the dossiers have always had, so existing
dossiers keep their steps and records exactly; their legal basis is the one the code cited
(2540/QĐ-TTg before 2022, 18/2022/QĐ-TTg and its 15-day posting from 2022), except that years
before 2016 no longer cite 2540/QĐ-TTg of 30/12/2016: 372/QĐ-TTg (14/03/2014) for 2014-2015,
nothing known before. 2026-2030 is unconfirmed: no district after 30/06/2025, so no district
step; who appraises and which decision governs are not in the sources, nor the posting rule.
The rows are edited in the admin afterwards; this migration never runs again over them."""

from django.db import migrations

UP_TO_2025 = [
    # step, recorder, needs_document, needs_votes
    ("self_assessment", "commune", True, False),
    ("posting", "commune", True, False),
    ("appraisal", "district", True, False),
    ("council", "province", True, True),
    ("proposal", "province", True, False),
    ("decision", "province", False, False),
]
FROM_2026 = [s for s in UP_TO_2025 if s[1] != "district"]

PROCEDURES = [
    # first_year, last_year, legal_basis, confirmed, posting_days, steps, note
    (
        2010,
        2013,
        "",
        False,
        None,
        UP_TO_2025,
        "Văn bản quy định trình tự trước năm 2014 không có trong nguồn của dự án.",
    ),
    (2014, 2015, "372/QĐ-TTg", True, None, UP_TO_2025, ""),
    (2016, 2021, "2540/QĐ-TTg", True, None, UP_TO_2025, ""),
    (2022, 2025, "18/2022/QĐ-TTg", True, 15, UP_TO_2025, ""),
    (
        2026,
        2030,
        "",
        False,
        None,
        FROM_2026,
        "Từ 01/07/2025 không còn cấp huyện nên trình tự không có bước của huyện; các bước "
        "còn lại giữ như giai đoạn 2021–2025 cho đến khi có văn bản quy định.",
    ),
]


def seed(apps, schema_editor):
    Procedure = apps.get_model("dossiers", "Procedure")
    ProcedureStep = apps.get_model("dossiers", "ProcedureStep")
    for first, last, basis, confirmed, days, steps, note in PROCEDURES:
        procedure, created = Procedure.objects.get_or_create(
            first_year=first,
            defaults={
                "last_year": last,
                "legal_basis": basis,
                "confirmed": confirmed,
                "posting_days": days,
                "note": note,
            },
        )
        if created:
            ProcedureStep.objects.bulk_create(
                ProcedureStep(
                    procedure=procedure,
                    step=step,
                    order=n,
                    recorder=recorder,
                    needs_document=document,
                    needs_votes=votes,
                )
                for n, (step, recorder, document, votes) in enumerate(steps, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_procedures"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
