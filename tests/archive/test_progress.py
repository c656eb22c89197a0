"""Long commands show how far they are: a bar on a terminal, lines in a log."""

import io

from django.core.management.base import OutputWrapper

from archive.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar_with_count_rate_and_time_left(monkeypatch):
    monkeypatch.setattr("archive.progress.REDRAW_SECONDS", 0)
    screen = Terminal()
    progress = Progress(OutputWrapper(screen), "articles")

    progress.update(250, 1000)
    progress.update(1000, 1000)
    progress.end_bar()

    drawn = screen.getvalue()
    assert drawn.count("\r") == 2 and drawn.endswith("\n")
    assert "[#######                       ]  25% 250 articles, " in drawn
    assert " 100% 1,000 articles, " in drawn and "0:00:00 left" in drawn


def test_a_log_gets_a_line_per_ten_thousand_and_each_stage():
    log = io.StringIO()
    progress = Progress(OutputWrapper(log), "files")

    progress.stage("Copying the files")
    for done in range(0, 25_001, 500):
        progress.update(done, 25_000)

    lines = log.getvalue().splitlines()
    assert lines[0] == "Copying the files"
    assert [line.split(" files")[0] for line in lines[1:]] == ["10,000", "20,000"]
    assert "\r" not in log.getvalue()


def test_without_an_output_nothing_is_shown():
    progress = Progress()
    progress.stage("Dumping")
    progress.update(10_000, 10_000)
    progress.end_bar()
