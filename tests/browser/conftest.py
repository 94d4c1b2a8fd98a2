import datetime
import time

import pytest
import time_machine

# The home page's working year is the server's year: browser tests that read it set the day.
HANOI = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def server_day(settings):
    """`server_day(datetime)` sets the server's clock for the rest of the test (stopped). The
    browser keeps the machine's clock, so the session and CSRF cookies end with the browser
    session instead of on a date it could find past."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    travellers = []

    def travel(moment: datetime.datetime) -> None:
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield travel
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture(autouse=True)
def _requests_end_before_the_database_is_emptied(request):
    """The live server's request threads share the test's SQLite connection: a request the
    browser started just before its page closed (a stale tab's reload, a static file) could
    still be reading when the transactional test empties the database, which SQLite refuses
    ("database table is locked"). Set up after the database and before the page, this waits,
    once the page has closed, for the server's requests to end."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    server = request.getfixturevalue("live_server")
    yield
    httpd = getattr(server.thread, "httpd", None)
    # A connection the browser opened just before its page closed may still wait in the
    # listening socket's backlog and be accepted after a first join (then its request reads
    # while PostgreSQL's TRUNCATE waits: a deadlock): join until no new request has come for a
    # moment, 10 s at most.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = [t for t in list(getattr(httpd, "_threads", None) or ()) if t.is_alive()]
        for thread in alive:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        time.sleep(0.3)
        if not alive and not any(
            t.is_alive() for t in list(getattr(httpd, "_threads", None) or ())
        ):
            break
