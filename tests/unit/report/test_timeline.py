import datetime as dt

from moderation.report.timeline import Timeline, parse_time


def test_times_in_the_shapes_exports_use() -> None:
    day = dt.date(2019, 3, 3)
    assert parse_time("2019-03-03T16:12:00Z") == day
    assert parse_time("2019-03-03 16:12:00") == day  # WordPress
    assert parse_time("2019-03-03T23:30:00-05:00") == dt.date(2019, 3, 4)  # UTC day
    assert parse_time("Sun, 03 Mar 2019 16:12:00 +0000") == day
    assert parse_time(1551629520) == day and parse_time("1551629520000") == day
    assert parse_time("yesterday") is None and parse_time(True) is None and parse_time(10**30) is None


def test_days_are_grouped_into_weeks_or_months_by_the_span_with_gaps_filled() -> None:
    timeline = Timeline(("abuse", "conspiracy"))
    timeline.add("2020-01-01T10:00:00Z", ["abuse"])
    timeline.add("2020-01-02T10:00:00Z", [])
    timeline.add("2020-02-20", ["abuse", "conspiracy"])
    period, starts, rows = timeline.series()
    assert period == "day" and len(starts) == 51 and rows[0] == [1, 1, 0] and rows[-1] == [1, 1, 1]
    timeline.add("2020-12-31", [])
    period, starts, rows = timeline.series()
    assert period == "week" and starts[0] == dt.date(2019, 12, 30) and rows[0] == [2, 1, 0]
    timeline.add("2023-05-05", [])
    period, starts, rows = timeline.series()
    assert period == "month" and starts[0] == dt.date(2020, 1, 1) and len(starts) == 41
    assert sum(row[0] for row in rows) == timeline.dated == 5


def test_missing_and_unreadable_times_are_counted_not_drawn() -> None:
    timeline = Timeline(("abuse",))
    timeline.add(None, [])
    timeline.add("", [])
    timeline.add("next tuesday", [])
    timeline.add("0001-01-01", [])
    assert (timeline.undated, timeline.unreadable, timeline.dated) == (2, 2, 0)
    assert timeline.unreadable_example == "next tuesday"
    assert timeline.series() == ("day", [], [])
