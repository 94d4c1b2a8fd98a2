"""gunicorn.conf.py, the settings gunicorn reads when started from the project directory (the
README's deployment, `make loadtest`)."""

import gc
import runpy
from pathlib import Path

from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_gunicorn_reads_the_file_from_the_directory_it_starts_in():
    assert Config().settings["config"].default == "./gunicorn.conf.py"
    assert CONF.is_file()


def test_each_worker_freezes_what_it_loaded_out_of_the_collectors_reach():
    hooks = runpy.run_path(str(CONF))
    before = gc.get_freeze_count()  # a plugin of the test run may have frozen a few
    try:
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > before + 10_000  # Django, the app, this test run
        assert gc.isenabled()  # new objects are still collected
    finally:
        gc.unfreeze()  # back in the oldest generation, as they would be without the hook
