import datetime

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
