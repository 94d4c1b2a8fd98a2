"""The criteria app's admin, one module per part of the app; importing them registers their
ModelAdmins when Django's admin autodiscovers `criteria.admin`."""

from criteria.admin import assessments, catalogue, villages  # noqa: F401
