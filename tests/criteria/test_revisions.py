"""Revisions of a criteria set (criteria.revisions): indicators and levels loaded after an
assessment was judged change nothing it shows; a new or draft assessment follows the revision
in force. Before the reform (districts, a set keyed by region) and after it (units without a
district, a set keyed by commune group)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from criteria import revisions
from criteria.applicable import revision_for
from criteria.evaluation import Catalogue, IndicatorEntry
from criteria.forms import indicator_field
from criteria.models import Assessment, CriteriaSet, CriteriaSetAmendment, Indicator, Threshold
from criteria.services import AssessmentInput, assessment_reopen, assessment_save
from tests.base import admin_form_data, make_assessment, make_commune_group

pytestmark = pytest.mark.django_db


def add_two_indicators(cset, *, by_group: bool, citation="QĐ thử 1/2026"):
    """What the catalogue workbook does: a revision, two indicators of criterion 1 and their
    levels (N1/N2/N3 for a set by group, nationwide otherwise)."""
    revision = revisions.revision_create(cset, citation=citation)
    criterion = cset.criteria.get(number=1)
    new = []
    for code, levels in (("1.3", (95, 85, 75)), ("1.4", (60, 50, 40))):
        ind = Indicator.objects.create(
            criterion=criterion,
            code=code,
            order=int(code[-1]),
            name_vi=f"Chỉ tiêu mới {code}",
            kind="percent",
            comparison=">=",
            added_in=revision,
        )
        if by_group:
            for group, value in zip(("N1", "N2", "N3"), levels, strict=True):
                Threshold.objects.create(
                    indicator=ind,
                    commune_group=make_commune_group(group),
                    value=Decimal(value),
                    status="confirmed",
                    added_in=revision,
                )
        else:
            Threshold.objects.create(
                indicator=ind, value=Decimal(levels[0]), status="confirmed", added_in=revision
            )
        new.append(ind)
    return revision, new


def page(client, user, commune, year):
    client.force_login(user)
    return client.get(reverse("pages:assessment_edit", args=[commune.code, year]))


def shown(client, user, commune, year) -> str:
    """The page as a person reads it: the form tokens (new on every request) left out."""
    html = page(client, user, commune, year).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_after_the_reform_an_approved_assessment_shows_what_it_showed(client, reform_world):
    w = reform_world
    approved = make_assessment(w.dong_tay, 2026, w.cset, met=5)
    submitted = make_assessment(w.bac_son, 2026, w.cset, met=3, status="submitted")
    before = {a.pk: shown(client, w.province_staff, a.commune, 2026) for a in (approved, submitted)}
    assert 'id="met-total">5<' in before[approved.pk]

    revision, (ind3, ind4) = add_two_indicators(w.cset, by_group=True)

    for a in (approved, submitted):
        html = shown(client, w.province_staff, a.commune, 2026)
        assert indicator_field(ind3.pk, "value") not in html
        assert indicator_field(ind4.pk, "value") not in html
        assert html == before[a.pk]
        a.refresh_from_db()
        assert a.revision is None and a.criteria_met in (5, 3)
    # The commune list says the same.
    client.force_login(w.province_staff)
    listing = client.get(reverse("pages:commune_list"), {"year": 2026}).content.decode()
    assert "5/10" in listing or ">5<" in listing

    # A new 2026 assessment (ward aside, a unit of group N2 without one yet) shows the two
    # indicators with its group's level; after reopening, the approved one does too.
    assessment_reopen(assessment=approved, user=w.province_staff, reason="Bổ sung chỉ tiêu")
    html = page(client, w.province_staff, w.dong_tay, 2026).content.decode()
    assert indicator_field(ind3.pk, "value") in html
    assert "QĐ thử 1/2026" in html
    catalogue = Catalogue.load(w.cset, revision=revision_for(w.cset, 2026))
    assert [i.code for i in catalogue.indicators[w.cset.criteria.get(number=1).pk]] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
    ]


def test_a_draft_saved_after_the_revision_is_judged_under_it(reform_world):
    w = reform_world
    draft = make_assessment(w.dong_tay, 2026, w.cset, met=10, status="draft")
    assert draft.revision is None and draft.criteria_met == 10
    revision, (ind3, ind4) = add_two_indicators(w.cset, by_group=True)
    # N2 levels: 85 and 50; 84 misses the first.
    entries = {ind3.pk: Decimal(84), ind4.pk: Decimal(50)}
    assessment_save(
        assessment=draft,
        data=AssessmentInput(entries={k: IndicatorEntry(value=v) for k, v in entries.items()}),
    )
    draft.refresh_from_db()
    assert draft.revision == revision
    assert draft.results.get(criterion__number=1).met is False


def test_before_the_reform_a_level_changed_in_the_admin_is_a_new_row(client, world):
    """The region-keyed set of the world with districts: the admin changes indicator 1.2's
    regional level 70 -> 75 after an approval; the approved page keeps 70, a new assessment
    is judged against 75, and the old row is kept, ended by the admin's revision."""
    approved = make_assessment(world.commune_a1, 2027, world.cset, met=3)
    ind = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    regional = ind.thresholds.get(region__isnull=False)
    client.force_login(world.admin)
    url = reverse("admin:criteria_indicator_change", args=[ind.pk])
    data = admin_form_data(client.get(url))
    prefix = "thresholds"
    row = next(k for k, v in data.items() if k.startswith(prefix) and v == regional.pk)
    data[row.replace("-id", "-value")] = "75"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    regional.refresh_from_db()
    assert regional.value == 70 and regional.withdrawn_in is not None
    new = Threshold.objects.get(indicator=ind, region__isnull=False, withdrawn_in__isnull=True)
    assert new.value == 75 and new.added_in == regional.withdrawn_in
    assert "trang quản trị" in new.added_in.citation

    old = Catalogue.load(world.cset, revision=approved.revision)
    assert old.thresholds[ind.pk] and {t.value for t in old.thresholds[ind.pk]} == {80, 70}
    current = Catalogue.load(world.cset, revision=revision_for(world.cset, 2027))
    assert {t.value for t in current.thresholds[ind.pk]} == {80, 75}
    # A second change the same day, nothing judged under the admin's revision yet: in place.
    data = admin_form_data(client.get(url))
    row = next(k for k, v in data.items() if k.startswith(prefix) and v == new.pk)
    data[row.replace("-id", "-value")] = "76"
    assert client.post(url, data).status_code == 302
    new.refresh_from_db()
    assert (
        new.value == 76
        and CriteriaSetAmendment.objects.filter(criteria_set=world.cset).count() == 1
    )


def test_an_indicator_added_in_the_admin_after_an_approval_waits_in_a_revision(client, world):
    approved = make_assessment(world.commune_a1, 2027, world.cset, met=2)
    html_before = shown(client, world.province_staff, world.commune_a1, 2027)
    admin_client = Client()
    admin_client.force_login(world.admin)
    criterion = world.cset.criteria.get(number=2)
    response = admin_client.post(
        reverse("admin:criteria_indicator_add"),
        {
            "criterion": criterion.pk,
            "code": "2.2",
            "order": 2,
            "name_vi": "Chỉ tiêu thêm",
            "name_en": "",
            "unit": "",
            "kind": "boolean",
            "comparison": "",
            "secondary_label": "",
            "thresholds-TOTAL_FORMS": 0,
            "thresholds-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = Indicator.objects.get(criterion=criterion, code="2.2")
    assert added.added_in is not None
    assert shown(client, world.province_staff, world.commune_a1, 2027) == html_before
    assert approved.revision is None
    # Another commune's new assessment asks for it.
    html = page(client, world.province_staff, world.commune_a2, 2027).content.decode()
    assert indicator_field(added.pk, "met") in html


def test_a_revision_in_force_later_does_not_apply_to_an_earlier_year(reform_world):
    w = reform_world
    early = revisions.revision_create(
        w.cset, citation="A", effective_from=datetime.date(2026, 3, 1)
    )
    revisions.revision_create(w.cset, citation="B", effective_from=datetime.date(2027, 1, 1))
    assert revision_for(w.cset, 2026) == early
    assert revision_for(w.cset, 2027).citation == "B"
    # A submitted assessment keeps its own whatever is in force.
    a = make_assessment(w.dong_tay, 2026, w.cset, met=1, status="submitted")
    assert a.revision == early
    assert revision_for(w.cset, 2027, a) == early
    assert Assessment.objects.get(pk=a.pk).revision == early


def report_figures_shown(client, user, province, year) -> dict[str, str]:
    client.force_login(user)
    url = reverse("reports:province_report", args=[province.code, year])
    body = client.get(url).content.decode()
    figures = dict(re.findall(r'data-figure="([^"]+)">\s*([^<]*)<', body))
    assert figures, body[:2000]
    return figures


def test_the_province_report_counts_the_same_after_indicators_are_loaded(client, reform_world):
    """After the reform: the 2026 report's figures (approved 10/10 and 6/10) are the same once
    two indicators have been loaded into criterion 1; the report then names the revision."""
    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=10)
    make_assessment(w.bac_son, 2026, w.cset, met=6)
    before = report_figures_shown(client, w.province_staff, w.province, 2026)
    add_two_indicators(w.cset, by_group=True)
    after = report_figures_shown(client, w.province_staff, w.province, 2026)
    assert after == before


def test_loading_the_catalogue_again_never_rewrites_a_judged_level(tmp_path):
    """The demo's 2017-2019 assessments are approved under the 2016-2020 set as first loaded.
    Loading the same file writes nothing; a file whose level of 2.1 for TDMNPB reads 90 ends
    the old row in a new revision, and the approved assessments still read 100."""
    from criteria.catalogue import CATALOGUE_FILES, load_catalogue

    path = next(p for p in CATALOGUE_FILES if p.name == "criteria-2016-2020.yaml")
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    approved = Assessment.objects.filter(criteria_set=cset, status="approved").first()
    assert approved is not None and approved.revision is None
    rows = set(Threshold.objects.values_list("pk", "value", "added_in", "withdrawn_in"))

    load_catalogue(path)
    assert set(Threshold.objects.values_list("pk", "value", "added_in", "withdrawn_in")) == rows
    assert not cset.amendments.exists()

    text = path.read_text(encoding="utf-8").replace(
        "thresholds: {TDMNPB: 100, DBSH: 100, BTB: 100, DHNTB: 100, TN: 100, DNB: 100, DBSCL: 100}",
        "thresholds: {TDMNPB: 90, DBSH: 100, BTB: 100, DHNTB: 100, TN: 100, DNB: 100, DBSCL: 100}",
        1,
    )
    changed = tmp_path / path.name
    changed.write_text(text, encoding="utf-8")
    load_catalogue(changed)

    revision = cset.amendments.get()
    assert "load_criteria" in revision.citation
    road = Indicator.objects.get(criterion__criteria_set=cset, code="2.1")
    old = road.thresholds.get(region__code="TDMNPB", withdrawn_in=revision)
    new = road.thresholds.get(region__code="TDMNPB", withdrawn_in__isnull=True)
    assert (old.value, new.value, new.added_in) == (100, 90, revision)
    as_judged = Catalogue.load(cset, revision=approved.revision)
    assert {t.value for t in as_judged.thresholds[road.pk] if t.region_id} == {100}


def test_the_province_report_page_pdf_and_workbook_read_the_same_after_loading(
    client, reform_world, settings, tmp_path
):
    """After the reform: the 2026 report as a page, a PDF read back and a workbook read back
    are the same once two indicators are loaded into criterion 1 (the revision is named only
    where an assessment counted rests on it)."""
    import io
    import shutil
    import subprocess

    from openpyxl import load_workbook

    from tests.base import run_worker

    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=10)
    make_assessment(w.bac_son, 2026, w.cset, met=6)
    client.force_login(w.province_staff)

    def read() -> tuple[str, str, list]:
        page = client.get(reverse("reports:province_report", args=[w.province.code, 2026]))
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode())
        body = body[body.index("<main") :]
        files = {}
        for ext in ("pdf", "xlsx"):
            url = reverse(f"reports:province_report_{ext}", args=[w.province.code, 2026])
            if client.get(url).status_code != 200:
                run_worker()
            response = client.get(url)
            assert response.status_code == 200
            files[ext] = response.content
        path = tmp_path / "r.pdf"
        path.write_bytes(files["pdf"])
        text = subprocess.run(  # noqa: S603
            [shutil.which("pdftotext"), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        wb = load_workbook(io.BytesIO(files["xlsx"]))
        cells = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb]
        return body, text, cells

    before = read()
    add_two_indicators(w.cset, by_group=True)
    after = read()
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2] == before[2]
