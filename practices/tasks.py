"""Background tasks (django.tasks; `manage.py db_worker` runs them): the compendium PDF rendered
away from the request, as the reports are (reports.tasks)."""

from django.tasks import task
from django.utils import translation

from communes.models import Province
from communes.versions import data_changed
from ntm.lib import reportfiles
from practices import pdf, services


@task()
def render_compendium(*, province_id: int, year: int, language: str) -> str:
    """Render and store one province's compendium of `year`; returns its stored name. The
    version is read before the practices, so a change made meanwhile can only make the file
    newer than its name says, never older."""
    with translation.override(language):
        province = Province.objects.get(pk=province_id)
        key = pdf.compendium_key(province, year)
        name = key.file_name
        if not reportfiles.report_storage().exists(name):
            reportfiles.store(name, pdf.compendium(province, year), variant=key.variant)
    return name


def count_after_reference_change(sender, *, province_ids, **kwargs) -> None:
    """A change everywhere (a unit or catalogue load, an admin edit of reference data) can rename
    a commune, a district or a criterion that compendiums print: count it for every province's
    compendium (on commit, after communes.versions.data_changed). A change of one province's
    figures (an assessment) leaves its compendium as it is."""
    if province_ids is None:
        services.count_compendium_change(province_ids=None)


data_changed.connect(
    count_after_reference_change, dispatch_uid="practices.count_after_reference_change"
)
