"""The status and tier columns read the labels of Assessment.Status and Tier (in Vietnamese,
whatever the interface's language) with their codes and a few other spellings."""

from django.utils import translation

from criteria.models import Assessment
from imports.workbook import parse_status, parse_tier, source_label, status_words, tier_words


def test_statuses_are_read_by_code_label_and_short_form():
    assert status_words() == {
        "draft": "draft",
        "dự thảo": "draft",
        "submitted": "submitted",
        "đã gửi duyệt": "submitted",
        "gửi duyệt": "submitted",
        "approved": "approved",
        "đã phê duyệt": "approved",
        "phê duyệt": "approved",
    }


def test_tiers_are_read_by_code_label_and_short_form():
    assert tier_words() == {
        "ntm": "ntm",
        "đạt chuẩn ntm": "ntm",
        "advanced": "advanced",
        "ntm nâng cao": "advanced",
        "nâng cao": "advanced",
        "đạt chuẩn ntm nâng cao": "advanced",
        "model": "model",
        "ntm kiểu mẫu": "model",
        "kiểu mẫu": "model",
        "đạt chuẩn ntm kiểu mẫu": "model",
        "modern": "modern",
        "ntm hiện đại": "modern",
        "hiện đại": "modern",
        "đạt chuẩn ntm hiện đại": "modern",
        "đạt chuẩn ntm hiện đại (thí điểm)": "modern",
        "xã ntm hiện đại": "modern",
    }


def test_the_vocabulary_stays_vietnamese_in_an_english_interface():
    status_words.cache_clear()
    tier_words.cache_clear()
    with translation.override("en"):
        assert parse_status("Đã phê duyệt") == "approved"
        assert parse_tier("Đạt chuẩn NTM nâng cao") == "advanced"
        assert source_label(Assessment.Status.SUBMITTED) == "Đã gửi duyệt"
