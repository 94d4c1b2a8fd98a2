"""The villages workbook (communes.villages, `load_villages`): loading twice changes nothing, a
village missing from a later file stays, codes reused by the 2025 reform pick the unit of the
village's day; in both worlds."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from communes.models import Village, VillageDesignation
from communes.villages import COLUMNS, plan_villages, read_villages, villages_apply

pytestmark = pytest.mark.django_db


def world_villages():  # noqa: N802
    """The villages of the test worlds (the demo's of Lạng Sơn, 20, are in every database)."""
    return Village.objects.exclude(commune__province__code="20")


def villages_xlsx(path, rows, columns=COLUMNS):
    wb = Workbook()
    ws = wb.active
    ws.append(list(columns))
    for row in rows:
        ws.append([row.get(c, "") for c in columns])
    wb.save(path)
    return path


def table():
    return sorted(
        world_villages().values_list(
            "commune__code", "code", "name", "kind", "valid_from", "valid_to", "successor__code"
        ),
        key=str,
    ), sorted(
        VillageDesignation.objects.exclude(village__commune__province__code="20").values_list(
            "village__name", "valid_from", "valid_to", "source"
        ),
        key=str,
    )


def test_loading_the_same_file_twice_changes_nothing(world, tmp_path):
    path = villages_xlsx(
        tmp_path / "v.xlsx",
        [
            {"Mã xã": "98101", "Mã thôn": "T01", "Tên thôn": "Nà Làng", "Loại": "Bản"},
            {
                "Mã xã": "98101",
                "Tên thôn": "Khòn Pổ",
                "Loại": "thôn",
                "ĐBKK từ": "29/01/2026",
                "Quyết định ĐBKK": "QĐ thử 29/01/2026",
            },
            {"Mã xã": "98201", "Mã thôn": "T09", "Tên thôn": "Pò Mò"},
        ],
    )
    first = villages_apply(read_villages(path))
    assert first.counts() == {"create": 3, "update": 0, "unchanged": 0}
    before = table()
    assert len(before[0]) == 3 and len(before[1]) == 1
    second = villages_apply(read_villages(path))
    assert second.counts() == {"create": 0, "update": 0, "unchanged": 3}
    assert table() == before
    call_command("load_villages", str(path))
    assert table() == before


def test_a_village_missing_from_a_later_file_is_not_ended(world, tmp_path):
    rows = [
        {"Mã xã": "98101", "Mã thôn": "T01", "Tên thôn": "Nà Làng"},
        {"Mã xã": "98101", "Mã thôn": "T02", "Tên thôn": "Bó Chiêu"},
    ]
    villages_apply(read_villages(villages_xlsx(tmp_path / "a.xlsx", rows)))
    villages_apply(read_villages(villages_xlsx(tmp_path / "b.xlsx", rows[:1])))
    kept = world_villages().get(code="T02")
    assert kept.valid_to is None
    ended = [{**rows[1], "Hiệu lực đến": "31/12/2026"}]
    villages_apply(read_villages(villages_xlsx(tmp_path / "c.xlsx", ended)))
    kept.refresh_from_db()
    assert kept.valid_to == datetime.date(2026, 12, 31)


def test_an_empty_cell_never_clears_a_value(world, tmp_path):
    row = {"Mã xã": "98101", "Mã thôn": "T01", "Tên thôn": "Nà Làng", "Loại": "bản"}
    villages_apply(read_villages(villages_xlsx(tmp_path / "a.xlsx", [row])))
    villages_apply(read_villages(villages_xlsx(tmp_path / "b.xlsx", [{**row, "Loại": ""}])))
    assert world_villages().get().kind == Village.Kind.BAN


def test_dry_run_writes_nothing(world, tmp_path):
    path = villages_xlsx(tmp_path / "v.xlsx", [{"Mã xã": "98101", "Tên thôn": "Nà Làng"}])
    call_command("load_villages", str(path), "--dry-run")
    assert not world_villages().exists()


def test_a_file_with_an_error_writes_nothing(world, tmp_path):
    path = villages_xlsx(
        tmp_path / "v.xlsx",
        [{"Mã xã": "98101", "Tên thôn": "Nà Làng"}, {"Mã xã": "00000", "Tên thôn": "Không"}],
    )
    with pytest.raises(CommandError):
        call_command("load_villages", str(path))
    assert not world_villages().exists()


def test_a_reused_code_picks_the_unit_of_the_village_day(reform_world, tmp_path):
    path = villages_xlsx(
        tmp_path / "v.xlsx",
        [
            {
                "Mã xã": "96101",
                "Mã thôn": "D1",
                "Tên thôn": "Thôn Cũ",
                "Hiệu lực đến": "30/06/2025",
                "Hiệu lực từ": "01/01/2020",
            },
            {
                "Mã xã": "96101",
                "Mã thôn": "D1",
                "Tên thôn": "Thôn Mới",
                "Hiệu lực từ": "01/07/2025",
            },
        ],
    )
    villages_apply(read_villages(path))
    assert world_villages().get(name="Thôn Cũ").commune == reform_world.old_dong
    assert world_villages().get(name="Thôn Mới").commune == reform_world.dong_tay


def test_a_merger_names_the_successor(reform_world, tmp_path):
    rows = [
        {
            "Mã xã": "96101",
            "Mã thôn": "A",
            "Tên thôn": "Nà A",
            "Hiệu lực đến": "31/12/2026",
            "Sáp nhập vào (mã thôn)": "AB",
        },
        {"Mã xã": "96101", "Mã thôn": "AB", "Tên thôn": "Nà AB", "Hiệu lực từ": "01/01/2027"},
    ]
    villages_apply(read_villages(villages_xlsx(tmp_path / "m.xlsx", rows)))
    before = table()
    assert world_villages().get(code="A").successor == world_villages().get(code="AB")
    villages_apply(read_villages(villages_xlsx(tmp_path / "m.xlsx", rows)))
    assert table() == before


def test_rows_outside_the_users_scope_are_refused(world, tmp_path):
    path = villages_xlsx(tmp_path / "v.xlsx", [{"Mã xã": "97101", "Tên thôn": "Khác"}])
    plan = plan_villages(read_villages(path), may_edit=lambda c: c.province_id == world.province.pk)
    assert [e.code for e in plan.errors] == ["out_of_scope"]


def test_a_file_without_the_name_column_is_refused(world, tmp_path):
    path = villages_xlsx(tmp_path / "v.xlsx", [{"Mã xã": "98101"}], columns=("Mã xã",))
    with pytest.raises(CommandError, match="Tên thôn"):
        call_command("load_villages", str(path))
