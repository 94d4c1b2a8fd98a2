"""The certification rule on plain values (criteria.certifications.certification_eligibility):
the one definition behind `certification_check` (form, admin, service) and the Excel import."""

import pytest
from django.core.exceptions import ValidationError

from criteria.certifications import certification_eligibility, certification_refusal


@pytest.mark.parametrize(
    ("status", "met", "needed", "code"),
    [
        (None, 0, 0, "no_approved_assessment"),
        ("draft", 19, 19, "no_approved_assessment"),
        ("submitted", 19, 19, "no_approved_assessment"),
        ("approved", 18, 19, "criteria_not_all_met"),
    ],
)
def test_it_refuses_an_assessment_not_approved_or_not_meeting_every_criterion(
    status, met, needed, code
):
    with pytest.raises(ValidationError) as refused:
        certification_eligibility(
            year=2019, status=status, criteria_met=met, criteria_needed=needed
        )
    assert refused.value.code == code


def test_it_accepts_an_approved_assessment_meeting_every_criterion():
    assert (
        certification_eligibility(year=2019, status="approved", criteria_met=19, criteria_needed=19)
        is None
    )


def test_the_messages_name_the_year_and_the_figures():
    with pytest.raises(ValidationError) as missing:
        certification_eligibility(year=2019, status=None, criteria_met=0, criteria_needed=0)
    assert missing.value.messages == ["Xã chưa có đánh giá đã phê duyệt cho năm 2019."]
    with pytest.raises(ValidationError) as short:
        certification_eligibility(year=2019, status="approved", criteria_met=18, criteria_needed=19)
    assert short.value.messages == [
        "Chưa đủ điều kiện công nhận: đánh giá đã phê duyệt năm 2019 đạt 18/19 tiêu chí."
    ]


@pytest.mark.parametrize("tier", ["advanced", "model", "modern"])
def test_a_higher_tier_needs_the_certification_of_the_tier_below(tier):
    values = {"year": 2027, "status": "approved", "criteria_met": 2, "criteria_needed": 2}
    with pytest.raises(ValidationError) as refused:
        certification_eligibility(**values, tier=tier)
    assert refused.value.code == "no_standard_certification"
    assert certification_eligibility(**values, tier=tier, holds_tier_below=True) is None


def test_the_standard_tier_needs_no_certification_below():
    assert (
        certification_eligibility(
            year=2027, status="approved", criteria_met=2, criteria_needed=2, tier="ntm"
        )
        is None
    )


@pytest.mark.parametrize(
    ("status", "met", "needed", "code"),
    [
        (None, 0, 0, "no_approved_assessment"),
        ("submitted", 19, 19, "no_approved_assessment"),
        ("approved", 0, 0, "empty_criteria_set"),
        ("approved", 18, 19, "criteria_not_all_met"),
        ("approved", 19, 19, None),
        ("approved", 10, 10, None),
    ],
)
def test_the_refusal_code_is_the_errors_code(status, met, needed, code):
    """The seeders ask certification_refusal; it is the same rule as the error's."""
    assert certification_refusal(status=status, criteria_met=met, criteria_needed=needed) == code
    if code is None:
        certification_eligibility(
            year=2019, status=status, criteria_met=met, criteria_needed=needed
        )
    else:
        with pytest.raises(ValidationError) as refused:
            certification_eligibility(
                year=2019, status=status, criteria_met=met, criteria_needed=needed
            )
        assert refused.value.code == code
