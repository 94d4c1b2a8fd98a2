"""The criteria catalogue (sets, groups, criteria, indicators, thresholds), yearly assessments
and certification decisions.

A package of three modules, `catalogue`, `assessments` and `certifications`; every model and
public name is imported here, so Django finds the models and `from criteria.models import X`
works everywhere."""

from criteria.models.assessments import (
    TIER_BELOW,
    TIER_LEVEL,
    TIER_SLUG,
    Assessment,
    AssessmentQuerySet,
    CriterionResult,
    IndicatorValue,
    Tier,
)
from criteria.models.catalogue import (
    CriteriaSet,
    CriteriaSetAmendment,
    CriteriaSetAmendmentQuerySet,
    CriteriaSetQuerySet,
    Criterion,
    CriterionGroup,
    Indicator,
    PovertyStandard,
    Threshold,
)
from criteria.models.certifications import (
    RECOGNITION_LAG_YEARS,
    Certification,
    CertificationQuerySet,
    recognised_year_error,
)

__all__ = [
    "RECOGNITION_LAG_YEARS",
    "TIER_BELOW",
    "TIER_LEVEL",
    "TIER_SLUG",
    "Assessment",
    "AssessmentQuerySet",
    "Certification",
    "CertificationQuerySet",
    "CriteriaSet",
    "CriteriaSetAmendment",
    "CriteriaSetAmendmentQuerySet",
    "CriteriaSetQuerySet",
    "Criterion",
    "CriterionGroup",
    "CriterionResult",
    "Indicator",
    "IndicatorValue",
    "PovertyStandard",
    "Threshold",
    "Tier",
    "recognised_year_error",
]
