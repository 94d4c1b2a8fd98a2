"""`make loadtest`: Locust drives 50 users for 60 s against two gunicorn instances (2 workers
each, on two free ports) sharing the PostgreSQL on 127.0.0.1, then a check that no save was lost or
half-written. The tasks backend's worker (`db_worker`) runs beside them when there is one.
`--restart-db-at N` restarts PostgreSQL N seconds into the run (the fault test):
requests during the outage must get a clean 503 and the app must recover by itself."""

import os
import signal
import socket
import subprocess  # noqa: S404 - starts gunicorn and pg_ctlcluster with argument lists
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from criteria.applicable import criteria_set_for_year
from criteria.models import Indicator
from ops import loadtest

NUMERIC = (Indicator.Kind.NUMBER, Indicator.Kind.PERCENT)

WORKDIR = Path(settings.BASE_DIR) / "var" / "loadtest"


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now (a developer's runserver may hold 8000 or 8010)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Command(BaseCommand):
    help = (
        "Kiểm thử tải bằng Locust: hai gunicorn (mỗi cái 2 worker) + PostgreSQL, 50 người dùng "
        "trong 60 giây."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="Số người dùng đồng thời.")
        parser.add_argument("--seconds", type=float, default=60, help="Thời gian đo (giây).")
        parser.add_argument("--instances", type=int, default=2, help="Số phiên bản gunicorn.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Số worker của mỗi phiên bản gunicorn."
        )
        parser.add_argument(
            "--restart-db-at",
            type=float,
            default=None,
            help="Khởi động lại PostgreSQL sau N giây (kiểm thử sự cố).",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Đặt DATABASE_URL trỏ tới PostgreSQL (ví dụ ntm_load).")
        call_command("migrate", verbosity=0)
        call_command("seed_demo", force=True, verbosity=0)
        plan = self.prepare(options)
        servers = self.start_gunicorn([urlsplit(h).port for h in plan.hosts], options["workers"])
        servers += self.start_task_worker()
        self.stdout.write(
            f"{options['instances']} gunicorn x {options['workers']} workers on "
            f"{', '.join(plan.hosts)}; Locust: {plan.users} users, {plan.seconds:.0f} s "
            f"(log and HTML report in {WORKDIR})"
        )
        started_at = timezone.now()
        try:
            fault = self.schedule_fault(options["restart_db_at"])
            outcome = loadtest.run(plan, WORKDIR)
            if fault:
                fault.join(timeout=120)
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        for line in loadtest.summary(outcome):
            self.stdout.write(line)
        connection.close()
        check = loadtest.verify(plan, outcome.records, started_at)
        self.stdout.write(
            f"saves: {check.ok} succeeded, {check.failed} refused or failed; lost saves: "
            f"{check.lost}; failed saves that left a trace: {check.traces}; half-written "
            f"assessments: {check.half}"
        )
        errors_5xx = outcome.count(lambda s: s >= 500 and s != 503)
        unavailable = outcome.count(lambda s: s == 503)
        no_answer = outcome.count(lambda s: s == 0)
        self.stdout.write(
            f"5xx other than 503: {errors_5xx}; 503 (database unavailable): {unavailable}; "
            f"no answer: {no_answer}"
        )
        last = outcome.last_error_after
        recovered = last is None or outcome.elapsed - last > 5
        self.stdout.write(f"recovered (no 5xx in the last 5 s): {recovered}")
        if not check.passed or errors_5xx or no_answer or not recovered:
            raise CommandError("load test failed")
        if outcome.logged_in < plan.users:
            raise CommandError(f"only {outcome.logged_in} of {plan.users} users could log in")

    def prepare(self, options) -> loadtest.Plan:
        """The deadline of December 2026: Lạng Sơn's units of 01/07/2025 save their 2026
        assessment (the first criterion's note, or the first indicator's value once the set's
        indicators are entered) while the province reads its home, lists, 2026 report, plans and
        dossiers."""
        year = 2026
        criteria_set = criteria_set_for_year(year)
        criterion = criteria_set.criteria.order_by("number").first()
        indicator = Indicator.objects.filter(criterion=criterion, kind__in=NUMERIC).first()
        return loadtest.Plan(
            hosts=[f"http://127.0.0.1:{port}" for port in free_ports(options["instances"])],
            users=options["users"],
            seconds=options["seconds"],
            communes=loadtest.fresh_communes("20", year, options["users"]),
            target="indicator" if indicator else "criterion",
            target_pk=indicator.pk if indicator else criterion.pk,
            pages=loadtest.demo_pages(year=year),
            year=year,
        )

    @staticmethod
    def production_env() -> dict:
        return {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "loadtest-" + "x" * 50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
        }

    def start_gunicorn(self, ports: list[int], workers: int) -> list[subprocess.Popen]:
        """One gunicorn process per port, as separate app servers would be: they share nothing
        but the database and the settings."""
        env = self.production_env()
        # With DEBUG off, static files come from the hashed manifest that collectstatic writes.
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        servers = []
        for port in ports:
            command = [str(gunicorn), "ntm.wsgi", "--workers", str(workers)]
            command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120"]
            command += ["--log-level", "warning"]
            servers.append(subprocess.Popen(command, cwd=settings.BASE_DIR, env=env))  # noqa: S603
        for port, server in zip(ports, servers, strict=True):
            if not self.answers(port, server):
                for s in servers:
                    s.kill()
                raise CommandError(f"gunicorn on port {port} did not start")
        return servers

    def start_task_worker(self) -> list[subprocess.Popen]:
        """The background worker that renders reports (`run_worker`: db_worker with its
        heartbeat, as `make run` and a deployment start it): without a live heartbeat a
        download's waiting page gives up at once (503)."""
        if "run_worker" not in get_commands():
            return []
        command = [sys.executable, "manage.py", "run_worker"]
        env = self.production_env()
        return [subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)]  # noqa: S603

    @staticmethod
    def answers(port: int, server: subprocess.Popen) -> bool:
        """Our gunicorn answers on `port` (not some other server that holds it)."""
        for _ in range(60):
            if server.poll() is not None:
                return False
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
                return server.poll() is None
            except OSError:
                time.sleep(0.5)
        return False

    def schedule_fault(self, at: float | None) -> threading.Thread | None:
        """Restart PostgreSQL `at` seconds after the clock of the run started (once every
        user has logged in)."""
        if at is None:
            return None
        version = sorted(os.listdir("/etc/postgresql"))[0]
        started = loadtest.started_file(WORKDIR)
        started.unlink(missing_ok=True)

        def restart():
            for _ in range(600):
                if started.exists():
                    break
                time.sleep(0.5)
            else:
                return
            time.sleep(at)
            self.stdout.write(f"t={at:.0f}s: restarting PostgreSQL {version}")
            subprocess.run(  # noqa: S603
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
                check=True,
            )
            self.stdout.write("PostgreSQL is back")

        thread = threading.Thread(target=restart, daemon=True)
        thread.start()
        return thread
