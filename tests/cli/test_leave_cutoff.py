"""The school's cut-off time for leave requests, set from the command line."""

import sqlite3

from tests.cli.test_admin_commands import school, sodiem  # noqa: F401  (the fixture, by name)


def test_the_leave_cutoff_is_set_shown_and_refused_when_not_a_time(school):  # noqa: F811
    shown = sodiem("school", "set", "--sessions-per-day", "1", cwd=school)
    assert "Giờ chốt xin nghỉ: 07:00" in shown.stdout  # the default
    done = sodiem("school", "set", "--leave-cutoff", "6h45", cwd=school)
    assert done.returncode == 0, done.stderr
    assert "Giờ chốt xin nghỉ: 06:45" in done.stdout
    refused = sodiem("school", "set", "--leave-cutoff", "25:00", cwd=school)
    assert refused.returncode == 1
    assert 'Giờ chốt "25:00" chưa đúng. Gõ dạng 07:00.' in refused.stdout + refused.stderr
    with sqlite3.connect(school / "sodiem.db") as db:
        (settings,) = db.execute("SELECT settings FROM school").fetchone()
    assert '"leave_cutoff": "06:45"' in settings
