"""The catalogue workbook (criteria.catalogue_workbook, criteria.catalogue_import): a set goes
out as one xlsx and comes back; the dry run writes nothing, the apply writes a revision and
changes nothing an approved assessment shows; bad rows are refused with their codes. Before the
reform (a set keyed by region) and after it (a set keyed by commune group).

The indicators loaded here (1.3, 1.4 and their levels) are made-up test data: the 47
indicators of 51/2025/QĐ-TTg are not in the project's sources."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from criteria import revisions
from criteria.applicable import revision_for
from criteria.catalogue_import import CatalogueRefused, catalogue_apply, plan_catalogue
from criteria.catalogue_workbook import (
    INDICATOR_SHEET,
    SET_SHEET,
    catalogue_xlsx,
    parse_kind,
    parse_level,
    read_catalogue,
)
from criteria.evaluation import Catalogue
from criteria.models import (
    Assessment,
    CriteriaSet,
    CriteriaSetAmendment,
    Indicator,
    Threshold,
)
from tests.base import make_assessment, make_commune_group

pytestmark = pytest.mark.django_db

CITATION = "Quyết định thử 1/2026/QĐ-TTg, Phụ lục I"
HEADERS = ["Tiêu chí", "Mã chỉ tiêu", "Nội dung", "Loại", "Đơn vị"]


def fingerprint() -> tuple:
    """What the catalogue tables hold, row by row."""
    return (
        tuple(Indicator.objects.order_by("pk").values_list()),
        tuple(Threshold.objects.order_by("pk").values_list()),
        tuple(CriteriaSetAmendment.objects.order_by("pk").values_list()),
    )


def export(cset, tmp_path, name="out.xlsx"):
    path = tmp_path / name
    path.write_bytes(catalogue_xlsx(cset))
    return path


def crafted(tmp_path, code, rows, *, headers=None, citation=CITATION, day="15/02/2026"):
    """A catalogue workbook typed by hand: the set sheet, then the indicator rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = SET_SHEET
    ws.append(["Mã bộ tiêu chí", code])
    ws.append(["Văn bản sửa đổi", citation])
    ws.append(["Hiệu lực từ", day])
    ws = wb.create_sheet(INDICATOR_SHEET)
    ws.append(headers or [*HEADERS, "N1", "N2", "N3", "Toàn quốc", "Nguồn"])
    for row in rows:
        ws.append(row)
    path = tmp_path / "upload.xlsx"
    wb.save(path)
    return path


TWO_NEW = [
    [1, "1.3", "Chỉ tiêu thử 1.3", "Tỷ lệ (%)", "%", "≥ 95", ">= 85", "75", "", "Dòng thử 1"],
    [1, "1.4", "Chỉ tiêu thử 1.4", "percent", "%", "≥ 60", "≥ 50,5", "≥ 40", "", "Dòng thử 2"],
]


def codes(plan):
    return sorted({e.code for e in plan.errors})


# --- Levels as people write them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "second", "op"),
    [
        ("≥ 90", 90, None, ">="),
        (">= 90", 90, None, ">="),
        ("≤ 5", 5, None, "<="),
        ("= 100", 100, None, "="),
        ("90", 90, None, ""),
        ("≥ 70,5", Decimal("70.5"), None, ">="),
        ("≥ 95 / 60", 95, 60, ">="),
    ],
)
def test_it_reads_levels_as_people_write_them(text, value, second, op):
    level = parse_level(text)
    assert (level.value, level.value_secondary, level.comparison) == (value, second, op)


@pytest.mark.parametrize("text", ["≥", "abc", "≥ 90 %%", "1.000,5", "≥ 12345678", "≥ 1,234"])
def test_it_refuses_levels_that_do_not_parse(text):
    with pytest.raises(ValueError):
        parse_level(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Đạt / không đạt", "boolean"),
        ("Đạt/không đạt", "boolean"),
        ("Tỷ lệ (%)", "percent"),
        ("Số lượng", "number"),
        ("xếp loại", "level"),
        ("number", "number"),
    ],
)
def test_it_reads_kinds_by_label_or_code(text, kind):
    assert parse_kind(text) == kind


# --- Round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["xa-ntm-2016-2020", "xa-ntm-2021-2025", "xa-ntm-2026-2030"])
def test_exporting_and_importing_a_loaded_set_changes_nothing(code, tmp_path):
    cset = CriteriaSet.objects.get(code=code)
    before = fingerprint()
    path = export(cset, tmp_path)
    plan = plan_catalogue(read_catalogue(path))
    assert plan.errors == []
    assert plan.changes == 0
    assert (
        plan.counts()["indicators_unchanged"]
        == Indicator.objects.filter(criterion__criteria_set=cset, withdrawn_in__isnull=True).count()
    )
    applied = catalogue_apply(read_catalogue(path))
    assert applied.revision is None
    assert fingerprint() == before  # the levels byte for byte, no revision recorded


def test_the_2016_2020_levels_come_out_as_written_in_the_set(tmp_path):
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    sheet = load_workbook(export(cset, tmp_path))[INDICATOR_SHEET]
    header = [c.value for c in sheet[1]]
    assert header[:6] == [*HEADERS, "Năm"]
    assert "TDMNPB" in header and "N1" not in header
    confirmed = Threshold.objects.filter(
        indicator__criterion__criteria_set=cset, region__code="DBSH", value__isnull=False
    ).select_related("indicator")
    t = confirmed.first()
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    row = next(r for r in rows if r[1] == t.indicator.code and r[5] == (t.year_from or None))
    cell = row[header.index("DBSH")]
    assert parse_level(cell).value == t.value


# --- After the reform: a set keyed by commune group ------------------------------------------


def test_the_dry_run_writes_nothing(reform_world, tmp_path):
    before = fingerprint()
    plan = plan_catalogue(read_catalogue(crafted(tmp_path, reform_world.cset.code, TWO_NEW)))
    assert plan.errors == []
    counts = plan.counts()
    assert (counts["indicators_added"], counts["levels_added"]) == (2, 6)
    assert counts["indicators_unchanged"] == 0 and counts["levels_changed"] == 0
    assert fingerprint() == before


def test_loading_two_indicators_keeps_what_an_approved_assessment_shows(
    client, reform_world, tmp_path
):
    from tests.criteria.test_revisions import shown

    w = reform_world
    approved = make_assessment(w.dong_tay, 2026, w.cset, met=5)
    before = shown(client, w.province_staff, w.dong_tay, 2026)
    indicators_before = Indicator.objects.count()

    plan = catalogue_apply(read_catalogue(crafted(tmp_path, w.cset.code, TWO_NEW)))

    assert plan.revision is not None and plan.revision.citation == CITATION
    assert str(plan.revision.effective_from) == "2026-02-15"
    assert Indicator.objects.count() == indicators_before + 2
    new = Indicator.objects.filter(added_in=plan.revision).order_by("code")
    assert [i.code for i in new] == ["1.3", "1.4"]
    assert {i.comparison for i in new} == {">="}
    levels = Threshold.objects.filter(added_in=plan.revision)
    assert levels.count() == 6
    assert {(t.indicator.code, t.commune_group.code, t.value) for t in levels} == {
        ("1.3", "N1", 95),
        ("1.3", "N2", 85),
        ("1.3", "N3", 75),
        ("1.4", "N1", 60),
        ("1.4", "N2", Decimal("50.5")),
        ("1.4", "N3", 40),
    }
    # The approved assessment shows the same page and count.
    html = shown(client, w.province_staff, w.dong_tay, 2026)
    assert html == before
    approved.refresh_from_db()
    assert approved.revision is None and approved.criteria_met == 5
    # A new 2026 assessment (Bắc Sơn, group N3) is judged under the revision, at N3's levels.
    catalogue = Catalogue.load(w.cset, revision=revision_for(w.cset, 2026))
    by_code = {i.code: i for i in catalogue.all_indicators()}
    assert {"1.3", "1.4"} <= set(by_code)
    from criteria.applicable import threshold_key

    key = threshold_key(w.bac_son, 2026, w.cset)
    assert catalogue.threshold_for(by_code["1.3"], key).value == 75
    assert catalogue.threshold_for(by_code["1.4"], key).value == 40
    # Loading the same file again changes nothing.
    again = plan_catalogue(read_catalogue(crafted(tmp_path, w.cset.code, TWO_NEW)))
    assert again.errors == [] and again.changes == 0


def test_a_changed_level_ends_the_old_row_in_a_new_revision(reform_world, tmp_path):
    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=5)
    old = Threshold.objects.get(indicator__criterion__criteria_set=w.cset, commune_group__code="N2")
    rows = [[1, "1.2", "", "", "", "≥ 90", "≥ 82", "≥ 70", "", ""]]
    plan = catalogue_apply(read_catalogue(crafted(tmp_path, w.cset.code, rows)))
    counts = plan.counts()
    assert counts["levels_changed"] == 1 and counts["levels_unchanged"] == 2
    assert counts["indicators_unchanged"] == 1
    old.refresh_from_db()
    assert old.value == 80 and old.withdrawn_in == plan.revision
    new = Threshold.objects.get(added_in=plan.revision)
    assert new.value == 82 and new.commune_group.code == "N2"


def test_the_real_2026_2030_set_takes_two_indicators(tmp_path):
    """The demo's 2026-2030 set (its ten criteria, no indicators in our sources): two made-up
    test indicators with N1/N2/N3 levels go into criterion 1 in a revision."""
    cset = CriteriaSet.objects.get(code="xa-ntm-2026-2030")
    for group in ("N1", "N2", "N3"):
        make_commune_group(group)
    before = fingerprint()
    upload = read_catalogue(crafted(tmp_path, cset.code, TWO_NEW))
    assert plan_catalogue(upload).changes == 8 and fingerprint() == before
    plan = catalogue_apply(upload)
    assert (
        Indicator.objects.filter(criterion__criteria_set=cset, added_in=plan.revision).count() == 2
    )
    catalogue = Catalogue.load(cset, revision=revision_for(cset, 2026))
    assert {"1.3", "1.4"} <= {i.code for i in catalogue.all_indicators()}


# --- Before the reform: a set keyed by region ------------------------------------------------


def test_a_region_keyed_set_takes_a_regional_and_a_national_level(world, tmp_path):
    from communes.models import Region

    cset = world.cset
    regions = list(Region.objects.values_list("code", flat=True))
    headers = [*HEADERS, *regions, "Toàn quốc", "Nguồn"]
    levels = ["" for _r in regions]
    levels[regions.index("TDMNPB")] = "≤ 5"
    rows = [[2, "2.2", "Tỷ lệ thử", "Tỷ lệ (%)", "%", *levels, "≤ 3", "Dòng thử"]]
    make_assessment(world.commune_a1, 2027, cset, met=3)
    plan = catalogue_apply(read_catalogue(crafted(tmp_path, cset.code, rows, headers=headers)))
    assert plan.errors == [], plan.errors
    ind = Indicator.objects.get(criterion__criteria_set=cset, code="2.2")
    assert ind.comparison == "<=" and ind.added_in == plan.revision
    assert {(t.region.code if t.region else None, t.value) for t in ind.thresholds.all()} == {
        ("TDMNPB", 5),
        (None, 3),
    }
    # Exported again, the new levels read back unchanged.
    again = plan_catalogue(read_catalogue(export(cset, tmp_path, "again.xlsx")))
    assert again.errors == [] and again.changes == 0


def test_a_group_column_on_a_region_keyed_set_is_refused(world, tmp_path):
    rows = [[1, "1.3", "Chỉ tiêu thử", "Tỷ lệ (%)", "%", "≥ 90", "", "", "", ""]]
    plan = plan_catalogue(read_catalogue(crafted(tmp_path, world.cset.code, rows)))
    assert codes(plan) == ["unknown_group_column"]
    assert {e.column for e in plan.errors} == {"N1", "N2", "N3"}


# --- Refused rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "headers", "code", "row", "column"),
    [
        ([[99, "99.1", "Thử", "Tỷ lệ (%)", "%", "≥ 90"]], None, "unknown_criterion", 2, "Tiêu chí"),
        (
            [TWO_NEW[0], [1, "1.3", "Thử lại", "Tỷ lệ (%)", "%", "≥ 90"]],
            None,
            "duplicate_indicator",
            3,
            "Mã chỉ tiêu",
        ),
        ([[1, "1.3", "Thử", "Tỷ lệ (%)", "%", "≥ chín mươi"]], None, "level_unparsed", 2, "N1"),
        ([[1, "1.3", "Thử", "Đạt / không đạt", "", "≥ 90"]], None, "level_unparsed", 2, "N1"),
        (
            [[1, "1.3", "Thử", "Tỷ lệ (%)", "%", "", "", "", "≥ 90"]],
            [*HEADERS, "N1", "N2", "N3", "N4", "Nguồn"],
            "unknown_group_column",
            1,
            "N4",
        ),
        (
            [[1, "1.3", "Thử", "Tỷ lệ (%)", "%", "", "", "", "≥ 90"]],
            [*HEADERS, "N1", "N2", "N3", "TDMNPB", "Nguồn"],
            "unknown_group_column",
            1,
            "TDMNPB",
        ),
        ([[1, "1.3", "Thử", "Phần trăm", "%", "≥ 90"]], None, "kind_unknown", 2, "Loại"),
        ([[1, "1.3", "Thử", "Tỷ lệ (%)", "%", "=SUM(1,2)"]], None, "formula", 2, "N1"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_written(
    reform_world, tmp_path, rows, headers, code, row, column
):
    before = fingerprint()
    upload = read_catalogue(crafted(tmp_path, reform_world.cset.code, rows, headers=headers))
    plan = plan_catalogue(upload)
    assert code in codes(plan)
    error = next(e for e in plan.errors if e.code == code)
    assert (error.row, error.column) == (row, column)
    with pytest.raises(CatalogueRefused):
        catalogue_apply(upload)
    assert fingerprint() == before


def test_every_error_is_listed(reform_world, tmp_path):
    rows = [
        [99, "99.1", "Thử", "Tỷ lệ (%)", "%", "≥ 90"],
        [1, "1.3", "Thử", "Tỷ lệ (%)", "%", "≥ chín mươi"],
        [1, "1.5", "Thử", "Khác", "%", "≥ 90"],
        TWO_NEW[1],
    ]
    plan = plan_catalogue(read_catalogue(crafted(tmp_path, reform_world.cset.code, rows)))
    assert codes(plan) == ["kind_unknown", "level_unparsed", "unknown_criterion"]
    assert sorted(e.row for e in plan.errors) == [2, 3, 4]


def test_an_unknown_set_is_refused(reform_world, tmp_path):
    plan = plan_catalogue(read_catalogue(crafted(tmp_path, "khong-co", TWO_NEW)))
    assert codes(plan) == ["unknown_set"]


def test_a_two_part_level_reads_back(reform_world, tmp_path):
    """17.1 of the real sets is a pair (hygienic water / clean water): written "≥ 95 / 60"."""
    ind = Indicator.objects.get(criterion__criteria_set=reform_world.cset, code="1.2")
    Indicator.objects.filter(pk=ind.pk).update(secondary_label="nước sạch")
    Threshold.objects.filter(indicator=ind, commune_group__code="N1").update(
        value_secondary=Decimal(60)
    )
    path = export(reform_world.cset, tmp_path)
    sheet = load_workbook(path)[INDICATOR_SHEET]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "1.2")
    assert row[header.index("N1")] == "≥ 90 / 60"
    plan = plan_catalogue(read_catalogue(path))
    assert plan.errors == [] and plan.changes == 0


# --- The pages --------------------------------------------------------------------------------


def upload_file(path):
    data = io.BytesIO(path.read_bytes())
    data.name = "bo-tieu-chi.xlsx"
    return data


def test_an_admin_downloads_previews_and_applies(client, reform_world, tmp_path):
    w = reform_world
    client.force_login(w.admin)
    change = client.get(reverse("admin:criteria_criteriaset_change", args=[w.cset.pk]))
    assert "Tải bộ tiêu chí (xlsx)" in change.content.decode()
    assert "Nhập bộ tiêu chí từ tệp" in change.content.decode()

    download = client.get(reverse("admin:criteria_criteriaset_catalogue_export", args=[w.cset.pk]))
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == [SET_SHEET, INDICATOR_SHEET]

    url = reverse("admin:criteria_criteriaset_catalogue_import", args=[w.cset.pk])
    assert client.get(url).status_code == 200
    before = fingerprint()
    preview = client.post(
        url, {"preview": "1", "file": upload_file(crafted(tmp_path, w.cset.code, TWO_NEW))}
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert fingerprint() == before
    assert re.search(r"Chỉ tiêu: thêm 2, sửa 0", html)
    assert 'name="apply"' in html and '<th scope="col">' in html
    assert '<label for="id_file"' in html

    applied = client.post(url, {"apply": "1"})
    assert applied.status_code == 302
    assert Indicator.objects.filter(criterion__criteria_set=w.cset, code="1.4").exists()
    # The preview is used once.
    assert client.post(url, {"apply": "1"}).status_code == 302
    assert Indicator.objects.filter(criterion__criteria_set=w.cset).count() == 13


def test_the_page_lists_the_errors_and_offers_no_apply(client, reform_world, tmp_path):
    w = reform_world
    client.force_login(w.admin)
    url = reverse("admin:criteria_criteriaset_catalogue_import", args=[w.cset.pk])
    rows = [[99, "99.1", "Thử", "Tỷ lệ (%)", "%", "≥ 90"]]
    html = client.post(
        url, {"preview": "1", "file": upload_file(crafted(tmp_path, w.cset.code, rows))}
    ).content.decode()
    assert "unknown_criterion" in html and 'name="apply"' not in html
    assert client.post(url, {"apply": "1"}).status_code == 302  # nothing kept to apply
    assert not Indicator.objects.filter(criterion__criteria_set=w.cset, code="99.1").exists()


def test_an_upload_for_another_set_is_refused(client, reform_world, tmp_path):
    w = reform_world
    client.force_login(w.admin)
    other = CriteriaSet.objects.get(code="xa-ntm-2021-2025")
    url = reverse("admin:criteria_criteriaset_catalogue_import", args=[w.cset.pk])
    html = client.post(
        url, {"preview": "1", "file": upload_file(export(other, tmp_path))}
    ).content.decode()
    assert "other_set" in html and 'name="apply"' not in html


@pytest.mark.parametrize("name", ["catalogue_export", "catalogue_import"])
def test_province_staff_cannot_use_the_catalogue_pages(client, reform_world, name):
    w = reform_world
    client.force_login(w.province_staff)
    url = reverse(f"admin:criteria_criteriaset_{name}", args=[w.cset.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"apply": "1"}).status_code in (403, 405)


def test_a_staff_user_with_the_catalogue_permissions_may(client, reform_world):
    from django.contrib.auth.models import Permission

    from accounts.roles import CATALOGUE_PERMISSIONS, can_manage_catalogue
    from tests.base import make_user

    user = make_user("catalogue-editor")
    assert not can_manage_catalogue(user)
    user.is_staff = True
    user.save()
    for dotted in CATALOGUE_PERMISSIONS:
        app, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    client.force_login(user)
    url = reverse("admin:criteria_criteriaset_catalogue_export", args=[reform_world.cset.pk])
    assert client.get(url).status_code == 200


def test_the_import_page_rejects_other_methods(client, reform_world):
    client.force_login(reform_world.admin)
    url = reverse("admin:criteria_criteriaset_catalogue_import", args=[reform_world.cset.pk])
    assert client.put(url).status_code == 405
    export_url = reverse("admin:criteria_criteriaset_catalogue_export", args=[reform_world.cset.pk])
    assert client.post(export_url).status_code == 405


def test_revisions_are_reused_while_nothing_is_judged_under_them(reform_world, tmp_path):
    w = reform_world
    first = catalogue_apply(read_catalogue(crafted(tmp_path, w.cset.code, TWO_NEW[:1])))
    second = catalogue_apply(read_catalogue(crafted(tmp_path, w.cset.code, TWO_NEW)))
    assert second.revision == first.revision
    assert revisions.latest_revision(w.cset) == first.revision
    assert Assessment.objects.filter(revision=first.revision).count() == 0
