"""The Locust scenario of `make loadtest` (and of its short run in the test suite).

Started by `manage.py loadtest` as a subprocess (Locust monkey-patches the standard library
with gevent, which must not happen inside a Django process), with the plan in the environment:
LOADTEST_PLAN (JSON: hosts, users, seconds, communes, field_name, year, username,
password, pages, tour) and LOADTEST_OUTPUT (a file for the outcome). Standard library and
Locust only.

The users are Locust's FastHttpUser (geventhttpclient): the plain HttpUser (python-requests)
costs several times more CPU per request, and on this machine the load generator shares the
two cores with the servers it measures.

Each virtual user is a province officer who logs in through the login form before the clock
starts (a login costs a PBKDF2 hash, by design: fifty at once would measure the hasher, not the
pages), then loops without think time over the home page, the commune list, a commune page,
reports (HTML, PDF, xlsx) and saves of its own commune's assessment. Users take the hosts of the
plan in turn, so two app servers share them. The clock starts once every user has logged in;
statistics gathered before it are reset. A PDF may answer 202 (being prepared in the
background): that counts as success.

The outcome file holds Locust's figures per request name, the status codes seen and, per
commune, the values of saves answered with a redirect (`ok`), refused or failed (`failed`), or
in flight when the run was stopped (`unknown`), for the database check that follows.
"""

import itertools
import json
import os
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

from ops.form_fields import form_fields  # standard library only (LOADTEST's PYTHONPATH)

PLAN = json.loads(os.environ.get("LOADTEST_PLAN") or "{}")
if not PLAN:
    raise SystemExit("LOADTEST_PLAN is not set: start the load test with `manage.py loadtest`.")
OUTPUT = Path(os.environ["LOADTEST_OUTPUT"])
LOGIN_BUDGET = float(PLAN.get("login_budget", 180))  # seconds for every user to log in

_numbers = itertools.count()
_everyone_in = Event()  # every user has logged in (or given up)
_clock_started = Event()
_run = {"settled": 0, "logged_in": 0, "started_at": None, "last_error_at": None}
_statuses: dict[str, dict[str, int]] = {}
_saves: dict[str, dict[str, list[str]]] = {
    code: {"ok": [], "failed": [], "unknown": []} for code in PLAN["communes"]
}


def _settle(logged_in: bool) -> None:
    _run["settled"] += 1
    _run["logged_in"] += logged_in
    if _run["settled"] >= PLAN["users"]:
        _everyone_in.set()


@events.test_start.add_listener
def _start_clock_when_everyone_is_in(environment, **_kwargs):
    def start():
        _everyone_in.wait(timeout=LOGIN_BUDGET)
        environment.runner.stats.reset_all()  # the logins are not part of the figures
        _run["started_at"] = time.time()
        OUTPUT.with_suffix(".started").write_text(str(_run["started_at"]))
        _clock_started.set()
        gevent.spawn_later(PLAN["seconds"], environment.runner.quit)

    gevent.spawn(start)


@events.request.add_listener
def _count_status(name, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    counts = _statuses.setdefault(name, {})
    counts[str(status)] = counts.get(str(status), 0) + 1
    if (status == 0 or status >= 500) and _run["started_at"] is not None:
        _run["last_error_at"] = time.time()


@events.test_stop.add_listener
def _write_outcome(environment, **_kwargs):
    stats = environment.runner.stats
    ended = time.time()
    started = _run["started_at"] or ended
    rows = []
    asked = [e for e in stats.entries.values() if e.num_requests]  # reset ones stay, at 0
    for entry in [*sorted(asked, key=lambda e: e.name), stats.total]:
        rows.append(
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.median_response_time,
                "p95_ms": entry.get_response_time_percentile(0.95),
                "p99_ms": entry.get_response_time_percentile(0.99),
                "max_ms": entry.max_response_time,
            }
        )
    outcome = {
        "elapsed": ended - started,
        "logged_in": _run["logged_in"],
        "users": PLAN["users"],
        "last_error_after": (
            None if _run["last_error_at"] is None else _run["last_error_at"] - started
        ),
        "stats": rows,
        "errors": [
            {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "statuses": _statuses,
        "saves": _saves,
    }
    OUTPUT.write_text(json.dumps(outcome, ensure_ascii=False, indent=1))


class ProvinceOfficer(FastHttpUser):
    wait_time = constant(0)  # no think time

    def __init__(self, environment):
        number = next(_numbers)
        # Each user its own host from the plan's list (the user builds its client from it).
        self.host = PLAN["hosts"][number % len(PLAN["hosts"])]
        super().__init__(environment)
        self.commune = PLAN["communes"][number % len(PLAN["communes"])]
        self.page_cycle = {name: itertools.cycle(paths) for name, paths in PLAN["pages"].items()}
        self.saves = 0

    def on_start(self):
        for _attempt in range(20):
            if self.log_in():
                _settle(True)
                break
            gevent.sleep(0.5)
        else:
            _settle(False)
            raise StopUser()
        _clock_started.wait()
        if not PLAN.get("tour"):
            return
        # One of each first, so that even a run of a few seconds asks for every page (the
        # test suite's short run; `make loadtest` keeps the weighted mix from the start).
        for first in (self.home, self.commune_list, self.commune_page, self.report_html):
            first()
        for first in (self.report_pdf, self.report_xlsx, self.plans, self.dossiers, self.save):
            first()

    def csrf_token(self) -> str:
        """The CSRF cookie, as a browser's script would read it."""
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def log_in(self) -> bool:
        response = self.client.get("/accounts/login/", name="login")
        token = self.csrf_token()
        if response.status_code != 200 or not token:
            return False
        response = self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": PLAN["username"],
                "password": PLAN["password"],
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        return response.status_code == 302

    def get(self, page: str) -> None:
        path = next(self.page_cycle[page])
        with self.client.get(path, name=page, catch_response=True) as response:
            # 202: a report being prepared in the background (the download page polls).
            if response.status_code in (200, 202):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    @task(10)
    def home(self):
        self.get("home")

    @task(20)
    def commune_list(self):
        self.get("commune list")

    @task(10)
    def commune_page(self):
        with self.client.get(
            f"/communes/{self.commune}/", name="commune page", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(15)
    def report_html(self):
        self.get("report HTML")

    @task(5)
    def report_pdf(self):
        self.get("report PDF")

    @task(5)
    def report_xlsx(self):
        self.get("report xlsx")

    @task(3)
    def plans(self):
        self.get("plans")

    @task(3)
    def dossiers(self):
        self.get("dossiers")

    @task(30)
    def save(self):
        """Open the commune's assessment form, change one field (an indicator's value, or a
        criterion's note where the set judges criteria as a whole) and post the form back as a
        browser would (every field, the version and the CSRF token from the cookie)."""
        path = f"/communes/{self.commune}/{PLAN['year']}/"
        with self.client.get(path, name="assessment form", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            data = form_fields(response.text)
            if PLAN["field_name"] not in data:
                response.failure(f"no field {PLAN['field_name']} in the form")
                return
        # Unique per user: 50.00, 50.01, ... so each stored value names the save that wrote it.
        value = f"{50 + self.saves / 100:.2f}"
        self.saves += 1
        data[PLAN["field_name"]] = value
        token = self.csrf_token()
        data["csrfmiddlewaretoken"] = token
        record = _saves[self.commune]
        record["unknown"].append(value)  # until an answer says otherwise
        with self.client.post(
            path,
            data=data,
            headers={"Referer": self.host + path, "X-CSRFToken": token},
            name="save assessment",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            record["unknown"].remove(value)
            if response.status_code == 302:
                record["ok"].append(value)
            else:
                record["failed"].append(value)
                response.failure(f"HTTP {response.status_code}")
