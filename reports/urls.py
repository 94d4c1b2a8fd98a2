from django.urls import path

from reports import rescoring, views

app_name = "reports"

urlpatterns = []

# /reports/province/20/2017/, /reports/province/20/2017.pdf, /reports/province/20/2017.xlsx and
# the same under /reports/district/<code>/.
for kind in ("province", "district"):
    urlpatterns += [
        path(
            f"reports/{kind}/<str:code>/<year:year>/",
            views.report_html,
            {"kind": kind},
            name=f"{kind}_report",
        ),
        path(
            f"reports/{kind}/<str:code>/<year:year>.pdf",
            views.report_pdf,
            {"kind": kind},
            name=f"{kind}_report_pdf",
        ),
        path(
            f"reports/{kind}/<str:code>/<year:year>.xlsx",
            views.report_xlsx,
            {"kind": kind},
            name=f"{kind}_report_xlsx",
        ),
    ]

# The national summary (admins): /reports/national/2017/, /reports/national/2017.pdf, .xlsx.
urlpatterns += [
    path(
        "reports/national/<year:year>/",
        views.report_html,
        {"kind": "national", "code": ""},
        name="national_report",
    ),
    path(
        "reports/national/<year:year>.pdf",
        views.report_pdf,
        {"kind": "national", "code": ""},
        name="national_report_pdf",
    ),
    path(
        "reports/national/<year:year>.xlsx",
        views.report_xlsx,
        {"kind": "national", "code": ""},
        name="national_report_xlsx",
    ),
]

# The re-scoring preview of a province (its staff, admins): /reports/rescoring/20/2025/?set=...
urlpatterns += [
    path(
        "reports/rescoring/<str:code>/<year:year>/",
        rescoring.rescoring_html,
        name="rescoring",
    ),
    path(
        "reports/rescoring/<str:code>/<year:year>.xlsx",
        rescoring.rescoring_xlsx,
        name="rescoring_xlsx",
    ),
]
