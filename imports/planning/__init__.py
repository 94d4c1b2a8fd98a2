"""Planning an import: every row of a sheet checked against the database as it is now and turned
into a `RowPlan` (what the row would write and why), before anything is written.

The steps, in the order `plan_import` runs them: rows that name only a commune and a year are
blank; the commune code and the year are parsed; the commune-years are located (`locating`:
the commune exists that year, is in the caller's scope and in the programme, a criteria set
covers the year, no row repeats another); what is stored for them is loaded once
(`rows.Existing`); each row is read against its catalogue and evaluated
(`assessments.plan_row`); its action and status are decided (`assessments.decide_action`);
certification columns are checked (`decisions.plan_certifications`); and rows lowering an
approved figure are listed (`assessments.lowering`). Errors are collected, never raised: the
report lists them all.
"""

from accounts.roles import Scope
from imports import workbook
from imports.planning.assessments import decide_action, lowering, plan_row
from imports.planning.decisions import plan_certifications
from imports.planning.locating import blank_outcome, designated_by_year, is_blank, locate
from imports.planning.rows import Context, ErrorLog, Existing, Permission, Planned
from imports.report import RowOutcome
from imports.workbook import Row, Sheet
from ntm.lib.workbook import Budget

# Rows planned between two looks at the time budget.
BUDGET_EVERY = 200


def plan_import(
    sheet: Sheet,
    *,
    scope: Scope,
    update_approved: bool,
    may: Permission,
    budget: Budget | None = None,
) -> Planned:
    """Plan every row of `sheet` for a user with `scope` and permissions `may`. Queries: the
    communes, the criteria sets and catalogues of the years, and `Existing.load`. `budget`
    (the one the file's reading started) is looked at every BUDGET_EVERY rows: past it,
    WorkbookError `time_budget`, nothing planned."""
    errors = ErrorLog(sheet)
    blank: list[RowOutcome] = []
    parsed: list[tuple[Row, str, int]] = []
    for n, row in enumerate(sheet.rows):
        if budget is not None and n % BUDGET_EVERY == 0:
            budget.check()
        if row.number in errors.rows:
            continue  # a formula without a value: reported once, not again as a bad year
        if is_blank(row):
            blank.append(blank_outcome(row))
            continue
        try:
            code = workbook.parse_code(row.values.get("commune_code"))
        except workbook.BadValue as exc:
            errors.bad_value(row, "commune_code", exc)
            continue
        try:
            year = workbook.parse_year(row.values.get("year"))
        except workbook.BadValue as exc:
            errors.bad_value(row, "year", exc)
            continue
        parsed.append((row, code, year))

    located = locate(parsed, scope, errors)
    ctx = Context(
        sheet=sheet,
        errors=errors,
        existing=Existing.load(located),
        update_approved=update_approved,
        may=may,
        designated=designated_by_year(located),
    )
    plans = []
    for n, row in enumerate(located):
        if budget is not None and n % BUDGET_EVERY == 0:
            budget.check()
        plan = plan_row(row, ctx)
        if plan is None or row.row.number in errors.rows:
            continue
        decide_action(plan, ctx)
        plans.append(plan)
    plan_certifications(plans, ctx)
    plans = [p for p in plans if p.row.number not in errors.rows]
    return Planned(
        plans=plans,
        blank=blank,
        errors=errors.errors,
        warnings=lowering(plans, ctx.existing),
    )
