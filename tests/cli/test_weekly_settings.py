"""``sodiem school set --weekly-news`` and the template from the command line, in Vietnamese and English;
a bad value is explained and changes nothing."""

from __future__ import annotations

from tests.cli.test_admin_commands import school, sodiem

__all__ = ["school"]


def test_the_weekly_news_schedule_and_template_from_the_command_line(school):
    shown = sodiem("school", "set", "--weekly-news", "t7 17:00", cwd=school)
    assert shown.returncode == 0, shown.stderr
    assert "Bản tin tuần: gửi thứ Bảy lúc 17:00 (giờ Việt Nam)." in shown.stdout
    assert "Chưa có mẫu được duyệt" in shown.stdout

    bad = sodiem("school", "set", "--weekly-news", "thứ tám 25:00", cwd=school)
    assert bad.returncode != 0
    assert "Không hiểu lịch gửi bản tin tuần „thứ tám 25:00”" in bad.stderr + bad.stdout
    english = sodiem("school", "set", "--weekly-news", "someday", cwd=school, lang="en")
    assert 'e.g. "sat 17:00"' in english.stderr + english.stdout

    parts = sodiem(
        "school",
        "set",
        "--weekly-template",
        "Kính gửi quý phụ huynh.",
        "--weekly-parts",
        "scores,marks",
        cwd=school,
    )
    assert parts.returncode != 0 and "absences, scores, comments, notices" in parts.stderr + parts.stdout
    proposed = sodiem(
        "school",
        "set",
        "--weekly-template",
        "Kính gửi quý phụ huynh.",
        "--weekly-parts",
        "absences,notices",
        cwd=school,
    )
    assert proposed.returncode == 0, proposed.stderr
    assert "Mẫu bản tin tuần số 1 đã gửi Ban giám hiệu chờ duyệt (/bantin)." in proposed.stdout

    sunday = sodiem("school", "set", "--weekly-news", "CN 8:30", cwd=school)
    assert "gửi Chủ nhật lúc 08:30" in sunday.stdout
    off = sodiem("school", "set", "--weekly-news", "off", cwd=school, lang="en")
    assert "Weekly news: off." in off.stdout
