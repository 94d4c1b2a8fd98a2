"""A bounded load test against a running server on this machine (loopback only).

Virtual users log in through the login form and loop over a mix of pages: the home page,
the province and district reports (HTML and PDF), the commune list, and saves of an assessment
form. Each user saves its own commune's 2019 assessment, so every successful save has one known
last value; afterwards the database is checked: every save answered with a redirect is there
with its last value and a history row, and no value from a failed save left a trace.
"""

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class FormParser(HTMLParser):
    """The fields of the first <form method=post> with a version field (the assessment form)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and not a.get("disabled"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields[name] = a.get("value") or ""
        elif tag == "select" and name and "disabled" not in a:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


@dataclass
class Sample:
    action: str
    status: int
    seconds: float
    at: float


@dataclass
class SaveRecord:
    commune: str
    ok: list[str] = field(default_factory=list)  # values of saves answered 302, in order
    failed: list[str] = field(default_factory=list)


class Client:
    def __init__(self, base: str):
        parts = urlsplit(base)
        if parts.hostname not in LOOPBACK:
            raise ValueError("the load test only targets this machine (loopback)")
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    return 0, "", {}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def login(self, username: str, password: str) -> bool:
        status, html, _ = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            return False
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        )
        return status == 302


@dataclass
class Plan:
    base: str
    users: int
    seconds: float
    communes: list[str]  # one per virtual user, for saves
    indicator_field: str  # the form field each save changes
    year: int = 2019
    password: str = "demo12345"  # noqa: S105 - the documented demo password
    mix: tuple = (
        ("home", 10),
        ("province_report", 15),
        ("district_report", 10),
        ("province_pdf", 5),
        ("district_pdf", 5),
        ("commune_list", 25),
        ("save", 30),
    )


PATHS = {
    "home": "/?year=2017",
    "province_report": "/reports/province/20/2017/",
    "district_report": "/reports/district/187/2017/",
    "province_pdf": "/reports/province/20/2017.pdf",
    "district_pdf": "/reports/district/187/2017.pdf",
    "commune_list": "/communes/?year=2017",
}


def virtual_user(n: int, plan: Plan, clock: dict, samples: list, record: SaveRecord, lock):
    rng = random.Random(n)
    client = Client(plan.base)
    # Log in before the clock starts: a login costs about a second of CPU (PBKDF2, by design),
    # and 50 of them at once would measure the password hasher, not the pages.
    for _attempt in range(20):
        if client.login("province", plan.password):
            break
        time.sleep(0.5)
    clock["ready"].wait()
    deadline = clock["deadline"]
    actions = [a for a, w in plan.mix for _ in range(w)]
    attempt = 0
    while time.monotonic() < deadline:
        action = rng.choice(actions)
        start = time.monotonic()
        if action == "save":
            status = save_once(client, plan, record, attempt)
            attempt += 1
        else:
            status, _, _ = client.request("GET", PATHS[action])
        end = time.monotonic()
        with lock:
            samples.append(Sample(action, status, end - start, end))


def save_once(client: Client, plan: Plan, record: SaveRecord, attempt: int) -> int:
    path = f"/communes/{record.commune}/{plan.year}/"
    status, html, _ = client.request("GET", path)
    if status != 200:
        return status
    parser = FormParser()
    parser.feed(html)
    data = parser.fields
    if plan.indicator_field not in data:
        return -1
    # Unique per user: 50.00, 50.01, ... so each stored value names the save that wrote it.
    value = f"{50 + attempt / 100:.2f}"
    data[plan.indicator_field] = value
    data.setdefault("csrfmiddlewaretoken", client.cookies.get("csrftoken", ""))
    status, _, _ = client.request("POST", path, data)
    (record.ok if status == 302 else record.failed).append(value)
    return status


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def run(plan: Plan, on_tick=None) -> tuple[list[Sample], list[SaveRecord], float]:
    lock = threading.Lock()
    samples: list[Sample] = []
    records = [SaveRecord(commune=c) for c in plan.communes[: plan.users]]
    clock = {"ready": threading.Barrier(plan.users + 1)}
    threads = [
        threading.Thread(
            target=virtual_user, args=(i, plan, clock, samples, records[i], lock), daemon=True
        )
        for i in range(plan.users)
    ]
    for t in threads:
        t.start()
    start = time.monotonic()
    clock["deadline"] = start + 600  # replaced below, once every user has logged in
    while clock["ready"].n_waiting < plan.users and any(t.is_alive() for t in threads):
        time.sleep(0.1)
    start = time.monotonic()
    clock["deadline"] = start + plan.seconds
    clock["ready"].wait()
    while any(t.is_alive() for t in threads):
        if on_tick:
            on_tick(time.monotonic() - start)
        time.sleep(1)
    return samples, records, time.monotonic() - start


def summary(samples: list[Sample], elapsed: float) -> list[str]:
    lines = [f"{'action':<16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses"]
    by_action: dict[str, list[Sample]] = {}
    for s in samples:
        by_action.setdefault(s.action, []).append(s)
    for action, items in sorted(by_action.items()) + [("ALL", samples)]:
        times = [s.seconds * 1000 for s in items]
        statuses: dict[int, int] = {}
        for s in items:
            statuses[s.status] = statuses.get(s.status, 0) + 1
        lines.append(
            f"{action:<16} {len(items):>6} {statistics.median(times) if times else 0:>8.0f} "
            f"{percentile(times, 95):>8.0f} {percentile(times, 99):>8.0f}  "
            + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        )
    lines.append(f"requests/s: {len(samples) / elapsed:.1f} over {elapsed:.0f} s")
    return lines
