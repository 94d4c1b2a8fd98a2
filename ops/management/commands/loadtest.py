"""`make loadtest`: 50 users for 60 s against gunicorn (4 workers) and PostgreSQL on 127.0.0.1,
then a check that no save was lost or half-written. `--restart-db-at N` restarts PostgreSQL
N seconds into the run (the fault test): requests during the outage must get a clean 503 and the
app must recover by itself."""

import os
import signal
import subprocess  # noqa: S404 - starts gunicorn and pg_ctlcluster with argument lists
import sys
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from communes.models import Commune
from criteria.models import Assessment, CriterionResult, Indicator, IndicatorValue
from ops import loadtest

PORT = 8010


class Command(BaseCommand):
    help = "Kiểm thử tải: gunicorn 4 worker + PostgreSQL, 50 người dùng trong 60 giây."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="Số người dùng đồng thời.")
        parser.add_argument("--seconds", type=float, default=60, help="Thời gian chạy (giây).")
        parser.add_argument("--workers", type=int, default=4, help="Số worker gunicorn.")
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
        server = self.start_gunicorn(options["workers"])
        started_at = timezone.now()
        try:
            fault = self.schedule_fault(options["restart_db_at"])
            samples, records, elapsed = loadtest.run(plan)
            if fault:
                fault.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        for line in loadtest.summary(samples, elapsed):
            self.stdout.write(line)
        errors_5xx = sum(1 for s in samples if s.status >= 500 and s.status != 503)
        unavailable = sum(1 for s in samples if s.status == 503)
        connection.close()
        lost, traces, half = self.verify(plan, records, started_at)
        saves_ok = sum(len(r.ok) for r in records)
        saves_failed = sum(len(r.failed) for r in records)
        self.stdout.write(
            f"saves: {saves_ok} succeeded, {saves_failed} refused or failed; lost saves: {lost}; "
            f"failed saves that left a trace: {traces}; half-written assessments: {half}"
        )
        self.stdout.write(
            f"5xx other than 503: {errors_5xx}; 503 (database unavailable): {unavailable}"
        )
        last = [s for s in samples if s.at > (samples[-1].at - 5)] if samples else []
        recovered = all(s.status < 500 for s in last)
        self.stdout.write(f"recovered (no 5xx in the last 5 s): {recovered}")
        if lost or traces or half or errors_5xx or not recovered:
            raise CommandError("load test failed")

    def prepare(self, options) -> loadtest.Plan:
        year = 2019
        communes = list(
            Commune.objects.in_programme()
            .valid_in(year)
            .filter(province__code="20")
            .order_by("code")
            .values_list("code", flat=True)[: options["users"]]
        )
        Assessment.objects.filter(commune__code__in=communes, year=year).delete()
        indicator = Indicator.objects.get(
            criterion__criteria_set__code="xa-ntm-2016-2020", code="4.2"
        )
        return loadtest.Plan(
            base=f"http://127.0.0.1:{PORT}",
            users=options["users"],
            seconds=options["seconds"],
            communes=communes,
            indicator_field=f"i{indicator.pk}_value",
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

    def start_gunicorn(self, workers: int) -> subprocess.Popen:
        env = self.production_env()
        # With DEBUG off, static files come from the hashed manifest that collectstatic writes.
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603
            [
                str(gunicorn),
                "ntm.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)  # noqa: S310
                return server
            except OSError:
                time.sleep(0.5)
        server.kill()
        raise CommandError("gunicorn did not start")

    def schedule_fault(self, at: float | None) -> threading.Thread | None:
        if at is None:
            return None
        version = sorted(os.listdir("/etc/postgresql"))[0]

        def restart():
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

    def verify(self, plan, records, started_at) -> tuple[int, int, int]:
        indicator_pk = int(plan.indicator_field[1:].split("_")[0])
        lost = traces = 0
        for record in records:
            stored = IndicatorValue.objects.filter(
                assessment__commune__code=record.commune,
                assessment__year=plan.year,
                indicator_id=indicator_pk,
            ).first()
            history = set(
                IndicatorValue.history.filter(
                    assessment__commune__code=record.commune,
                    assessment__year=plan.year,
                    indicator_id=indicator_pk,
                    history_date__gte=started_at,
                ).values_list("value", flat=True)
            )
            if record.ok:
                last = Decimal(record.ok[-1])
                if stored is None or stored.value != last or last not in history:
                    lost += 1
            traces += sum(1 for v in record.failed if Decimal(v) in history)
        half = 0
        for a in Assessment.objects.filter(commune__code__in=plan.communes, year=plan.year):
            if a.criteria_met != CriterionResult.objects.filter(assessment=a, met=True).count():
                half += 1
        return lost, traces, half
