"""Background tasks (django.tasks; `manage.py db_worker` runs them): the compendium PDF rendered
away from the request, as the reports are (reports.tasks)."""

from django.tasks import task
from django.utils import translation

from communes.models import Province
from ntm.lib import reportfiles
from practices import pdf


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
