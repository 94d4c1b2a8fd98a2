"""The English interface: chosen with the language cookie (footer buttons -> set_language), never
from the browser's Accept-Language; Vietnamese stays the default. Pages are checked on the demo
province (Lạng Sơn, 2017) for English labels and for the absence of their Vietnamese source."""

import io
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from criteria.models import CriteriaSet, Criterion
from ntm.lib import pdf
from ops.translations import (
    check_locale_dir,
    check_mo,
    check_po,
    compare_with_code,
    extract_messages,
)

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
REPORT = reverse("reports:province_report", args=["20", 2017])
REPORT_PDF = reverse("reports:province_report_pdf", args=["20", 2017])
REPORT_XLSX = reverse("reports:province_report_xlsx", args=["20", 2017])
FORM = reverse("pages:assessment_edit", args=["06622", 2017])  # Bính Xá, approved
PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def province_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    return client


@pytest.fixture
def english(province_client):
    province_client.cookies[COOKIE] = "en"
    return province_client


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def assert_english(html: str, present: list[str], absent: list[str]) -> None:
    assert '<html lang="en">' in html
    for label in present:
        assert label in html, label
    for label in absent:
        assert label not in html, label


# Navbar and footer: on every page.
NAV_EN = ["Overview", "Communes", "Good practices", "Log out", "New Rural Development"]
NAV_VI = ["Tổng quan", "Danh sách xã", "Mô hình hay", "Đăng xuất", "Hệ thống theo dõi"]


def test_home_page_in_english(english):
    html = text_of(english.get(reverse("home"), {"year": 2018}))
    assert_english(
        html,
        NAV_EN
        + ["Province Lạng Sơn", "Average criteria per commune", "1,990 criteria met", "View"],
        NAV_VI + ["Bình quân tiêu chí/xã", "Chỉ tính đánh giá đã được phê duyệt", "Báo cáo năm"],
    )
    assert "Only approved assessments are counted." in html


def test_commune_list_in_english(english):
    html = text_of(english.get(reverse("pages:commune_list"), {"year": 2017}))
    assert_english(
        html,
        [
            "Assessment status",
            "Border commune",
            "Name or code",
            "All criteria met",  # a band label defined at import time: must stay lazy
            "Under 5",
            "207 communes",
            "View assessment",
        ],
        ["Trạng thái đánh giá", "Xã biên giới", "Đạt tất cả tiêu chí", "Dưới 5", "Xem đánh giá"],
    )


def test_assessment_form_in_english_shows_the_catalogue_in_english(english):
    html = text_of(english.get(FORM))
    assert_english(
        html,
        [
            "Assessment of Bính Xá Commune – 2017",
            "Approved: ",
            "National criteria set for new rural communes, 2016-2020",
            "Northern Midlands and Mountains",
            "I. Planning",  # group name_en
            "Criterion 19. National defence and security",  # criterion name_en
            "Review workflow",
            "Change history",
        ],
        ["Quy trình duyệt", "Lịch sử thay đổi", "Ngưỡng áp dụng cho xã", "Quốc phòng", "Approve: "],
    )


def test_province_report_in_english(english):
    html = text_of(english.get(REPORT))
    assert_english(
        html,
        [
            "New Rural Development results report 2017 – Lạng Sơn province",
            "Chi Lăng District",  # District.__str__ puts the kind after the name in English
            "I. Overall results",
            "IV. Results by district",
            "Communes near the standard",
            "Average criteria per commune",
            "Download PDF",
            "Environment and food safety",  # criterion 17 from name_en
        ],
        ["Kết quả chung", "Kết quả theo huyện", "Tải PDF", "Môi trường và an toàn thực phẩm"],
    )


def test_province_report_heading_names_the_area_in_vietnamese(province_client):
    html = text_of(province_client.get(REPORT))
    assert "Báo cáo kết quả xây dựng nông thôn mới năm 2017 – tỉnh Lạng Sơn" in html


def test_excel_import_page_in_english(english):
    html = text_of(english.get(reverse("imports:import_upload")))
    assert_english(
        html,
        ["Import assessments from Excel", "Download the template", "Check the file"],
        ["Nhập đánh giá từ Excel", "Tải tệp mẫu", "Kiểm tra tệp"],
    )


def test_login_page_in_english(client):
    client.cookies[COOKIE] = "en"
    html = text_of(client.get(reverse("login")))
    assert_english(html, ["Log in", "Username", "Password"], ["Đăng nhập", "Mật khẩu"])


def test_vietnamese_is_the_default_even_when_the_browser_asks_for_english(province_client):
    html = text_of(province_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en"))
    assert '<html lang="vi">' in html
    assert "Tổng quan" in html and "Bình quân tiêu chí/xã" in html
    assert "Overview" not in html and "Average criteria per commune" not in html


def test_login_page_is_vietnamese_without_the_cookie(client):
    html = text_of(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Đăng nhập" in html and "Log in" not in html


def test_an_unsupported_cookie_falls_back_to_vietnamese(province_client):
    province_client.cookies[COOKIE] = "fr"
    html = text_of(province_client.get(reverse("home")))
    assert '<html lang="vi">' in html and "Tổng quan" in html


def test_the_footer_button_switches_to_english_and_back(province_client):
    response = province_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert province_client.cookies[COOKIE].value == "en"
    assert "Overview" in text_of(province_client.get("/"))
    province_client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tổng quan" in text_of(province_client.get("/"))


def test_english_message_after_a_save(english):
    """Flash messages from views come out in the chosen language."""
    response = english.post(reverse("pages:assessment_submit", args=["06622", 2017]), follow=True)
    html = text_of(response)
    # Bính Xá 2017 is approved: submitting is refused with the translated service error.
    assert "Only a draft assessment can be submitted for review." in html
    assert "Chỉ gửi duyệt được" not in html


@pytest.fixture
def fake_renderer(monkeypatch, settings, tmp_path):
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    calls = []

    def render(html: str) -> bytes:
        calls.append(html)
        return b"%PDF-fake"

    monkeypatch.setattr(pdf, "render_pdf", render)
    return calls


def test_pdf_report_in_english_has_english_headings(english, fake_renderer):
    response = english.get(REPORT_PDF)
    assert response.status_code == 200
    html = fake_renderer[-1]
    assert '<html lang="en">' in html
    for heading in [
        "SOCIALIST REPUBLIC OF VIET NAM",
        "Independence - Freedom - Happiness",
        "REPORT",
        "I. Overall results",
        "IV. Results by district",
        "ON BEHALF OF THE STEERING COMMITTEE",
        "PEOPLE&#x27;S COMMITTEE OF LẠNG SƠN PROVINCE",
    ]:
        assert heading in html, heading
    for heading in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Kết quả chung",
        "TM. BAN CHỈ ĐẠO",
        "UBND",
    ]:
        assert heading not in html, heading


def test_the_pdf_cache_keeps_one_file_per_language(english, fake_renderer):
    english.get(REPORT_PDF)
    english.cookies[COOKIE] = "vi"
    english.get(REPORT_PDF)
    assert len(fake_renderer) == 2
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in fake_renderer[1]
    english.cookies[COOKIE] = "en"
    english.get(REPORT_PDF)
    assert len(fake_renderer) == 2  # the English file came from the cache


def test_workbook_in_english(english):
    response = english.get(REPORT_XLSX)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "Summary"
    rows = {r[0]: r[1:] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Communes certified as new rural communes"][1] == 36
    assert "Số xã trong chương trình" not in rows


# The localized_name filter.


def render_name(obj, language: str) -> str:
    with translation.override(language):
        return Template("{% load catalogue %}{{ obj|localized_name }}").render(
            Context({"obj": obj})
        )


def test_localized_name_follows_the_active_language():
    criterion = Criterion.objects.get(criteria_set__code="xa-ntm-2016-2020", number=2)
    assert render_name(criterion, "en") == "Transport"
    assert render_name(criterion, "vi") == "Giao thông"


def test_localized_name_falls_back_to_vietnamese_without_an_english_name(world):
    criterion = world.cset.criteria.get(number=1)
    assert criterion.name_en == ""
    assert render_name(criterion, "en") == criterion.name_vi


def test_localized_name_of_something_without_names():
    assert render_name(None, "en") == ""
    assert render_name("Lạng Sơn", "en") == "Lạng Sơn"
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    assert render_name(cset, "en").startswith("National criteria set")


# check_translations (make lint).


def test_the_committed_translations_are_complete_and_compiled():
    po_files, problems = check_locale_dir(Path(settings.BASE_DIR) / "locale")
    # en: the interface in English; vi: Django's own strings its catalogue lacks.
    assert [p.parent.parent.name for p in po_files] == ["en", "vi"]
    assert problems == []
    call_command("check_translations")


def write_po(path: Path, body: str) -> Path:
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + body,
        encoding="utf-8",
    )
    return path


def test_untranslated_fuzzy_and_broken_placeholders_are_reported(tmp_path):
    po = write_po(
        tmp_path / "django.po",
        'msgid "Xã"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Huyện"\nmsgstr "District"\n\n'
        '#, python-format\nmsgid "Năm %(y)s"\nmsgstr "Year %(year)s"\n\n'
        '#, python-format\nmsgid "%(n)s xã"\nmsgid_plural "%(n)s xã"\n'
        'msgstr[0] "one commune"\nmsgstr[1] ""\n\n'
        'msgid "Tỉnh"\nmsgstr ""\n"Province"\n',
    )
    problems = check_po(po)
    assert len(problems) == 4, problems
    assert "untranslated: 'Xã'" in problems[0]
    assert "fuzzy: 'Huyện'" in problems[1]
    assert "placeholders" in problems[2] and "Year %(year)s" in problems[2]
    assert "untranslated: '%(n)s xã'" in problems[3]


def test_a_stale_or_missing_mo_is_reported(tmp_path):
    po, mo = tmp_path / "django.po", tmp_path / "django.mo"
    shutil.copy(PO, po)
    shutil.copy(PO.with_suffix(".mo"), mo)
    assert check_mo(po) == []
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Log out"', 'msgstr "Sign out"'), encoding="utf-8")
    problems = check_mo(po)
    assert len(problems) == 1 and "stale" in problems[0] and "Đăng xuất" in problems[0]
    mo.unlink()
    assert "missing" in check_mo(po)[0]


def test_check_translations_fails_on_an_incomplete_catalogue(tmp_path, settings):
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_po(folder / "django.po", 'msgid "Xã"\nmsgstr ""\n')
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="2 lỗi"):  # untranslated + no .mo
        call_command("check_translations")


def test_a_string_of_the_code_missing_from_the_po_and_one_no_longer_used_are_reported(tmp_path):
    """The gap a complete .po could hide: a string marked in the code after the last `make
    messages` is shown in Vietnamese in the English interface."""
    (po_path, extracted), *others = extract_messages().items()
    assert others == [] and po_path == PO  # the English .po, from the code
    assert compare_with_code(PO, extracted) == []
    po = polib.pofile(str(PO))
    dropped = po[0]
    po.remove(dropped)
    po.append(polib.POEntry(msgid="Chuỗi không còn dùng", msgstr="A string no longer used"))
    copy = tmp_path / "django.po"
    po.save(str(copy))
    assert compare_with_code(copy, extracted) == [
        f"{copy}: not in the .po (run make messages and translate): {dropped.msgid!r}",
        f"{copy}: no longer in the code (run make messages): 'Chuỗi không còn dùng'",
    ]
