"""The restore drill: back up a working database with its uploaded files, restore it into an
EMPTY database and an empty upload storage, as an operator does (`backup_data`, then
`restore_data` in another process), and find every figure of every province's reports and
every stored file unchanged (tests/ops/drill.py). The database is the suite's own kind: SQLite
into a new file, PostgreSQL into a database made for the test and dropped after
(`empty_database`). The demo province (Lạng Sơn, with its certifications) and both worlds of
tests/base.py, with assessments, certifications, a dossier's document and a practice's photo.
How long it takes and how often to run it: docs/operations.md."""

import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from dossiers.models import Dossier, DossierFile
from ops.backup import backup
from practices.models import Attachment, Practice
from tests.base import make_assessment, make_certification, make_reform_world, make_world
from tests.ops import drill
from tests.practices.conftest import PDF_BYTES

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, database_url: str, media_root: Path) -> str:
    """A command run as the operator runs it, on the restored database and storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NTM_"))}
    env.update(DATABASE_URL=database_url, DJANGO_MEDIA_ROOT=str(media_root))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 140, 60)).save(out, format="PNG")
    return out.getvalue()


def seed_both_worlds() -> None:
    """Assessments, certifications and stored files of both worlds beside the demo."""
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_assessment(world.commune_a2, 2027, world.cset, met=2)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 11, 15))
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2027)
    DossierFile.objects.create(
        dossier=dossier,
        step="appraisal",
        file=ContentFile(PDF_BYTES, name="tham-dinh.pdf"),
        original_name="Báo cáo thẩm định.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    # One set of 2026-2030 for both worlds (two would compete for the same years).
    reform = make_reform_world(cset=world.cset)
    make_assessment(reform.dong_tay, 2027, reform.cset, met=3)
    make_assessment(reform.bac_son, 2027, reform.cset, met=1)
    make_certification(reform.dong_tay, reform.cset, datetime.date(2027, 12, 1))
    image = photo()
    Attachment.objects.create(
        practice=Practice.objects.filter(province__code="20").order_by("pk").first(),
        kind="photo",
        file=ContentFile(image, name="ruong.png"),
        original_name="Ruộng bậc thang.png",
        content_type="image/png",
        size=len(image),
    )


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_an_empty_database_keeps_every_figure_and_file(
    demo_database, settings, tmp_path, empty_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_both_worlds()
    before = json.loads(drill.snapshot_json())
    # What the comparison covers: the demo's 2017 (36 of 207 communes certified), both
    # worlds' 2027, the dossier's document and the photo.
    approved_2017 = before["reports"]["20/2017/approved"]["figures"]["headline"]
    assert (approved_2017["certified"], approved_2017["communes"]) == (36, 207)
    assert before["reports"]["98/2027/approved"]["figures"]["headline"]["certified"] == 1
    assert before["reports"]["96/2027/approved"]["figures"]["headline"]["certified"] == 1
    assert len(before["files"]) == 2

    started = time.monotonic()
    archive = backup(tmp_path / "ntm.backup")
    backed_up = time.monotonic()
    restored_media = tmp_path / "restored-media"  # does not exist yet: an empty storage
    out = manage("restore_data", str(archive), "--yes", **drill_target(empty_database, tmp_path))
    restored = time.monotonic()
    assert "2 tệp tải lên" in out

    after = json.loads(
        manage(
            "shell",
            "--no-imports",
            "-c",
            "from tests.ops.drill import snapshot_json; print(snapshot_json())",
            **drill_target(empty_database, tmp_path),
        )
    )
    assert after["files"] == before["files"]
    assert sorted(after["reports"]) == sorted(before["reports"])
    for key, report in before["reports"].items():
        assert after["reports"][key] == report, key
    on_disk = [p for p in restored_media.rglob("*") if p.is_file()]
    assert sorted(p.relative_to(restored_media).as_posix() for p in on_disk) == sorted(
        before["files"]
    )
    print(  # `pytest -s` shows the drill's times (docs/operations.md)
        f"\nbackup {backed_up - started:.1f} s, restore {restored - backed_up:.1f} s, "
        f"{archive.stat().st_size / 1e6:.1f} MB"
    )


def drill_target(database_url: str, tmp_path: Path) -> dict:
    return {"database_url": database_url, "media_root": tmp_path / "restored-media"}
