"""What a long command (import, export, backup, restore) shows while it works.

On a terminal a bar is redrawn in place: count, rate and time left. Into a log (cron,
systemd, a pipe) a plain line goes out every LOG_EVERY items, and each stage gets a
line of its own either way, so a long run never sits silent.
"""

import time
from datetime import timedelta

# A terminal's bar is redrawn at most this often.
REDRAW_SECONDS = 0.2
# A log gets a line per this many items.
LOG_EVERY = 10_000


class Progress:
    def __init__(self, out=None, unit: str = "items"):
        self.out = out  # a management command's stdout (OutputWrapper), or None
        self.unit = unit
        self.tty = bool(out) and out.isatty()
        self.started = self.drawn = time.monotonic()
        self.logged = 0
        self.bar_shown = False

    def stage(self, text: str) -> None:
        """A step of the work, on a line of its own."""
        self.end_bar()
        if self.out:
            self.out.write(text)

    def start(self, unit: str) -> None:
        """Counting anew, in `unit` (files, articles)."""
        self.end_bar()
        self.unit = unit
        self.started = self.drawn = time.monotonic()
        self.logged = 0

    def update(
        self, done: int, total: int | None = None, *, share: float | None = None
    ) -> None:
        """`done` items so far, of `total` if known; `share` of the work when the
        count cannot tell it (an import knows the bytes read, not the lines)."""
        if not self.out:
            return
        now = time.monotonic()
        elapsed = max(now - self.started, 1e-6)
        if share is None and total:
            share = done / total
        finished = share is not None and share >= 1
        if self.tty:
            if now - self.drawn < REDRAW_SECONDS and not finished:
                return
            self.drawn = now
            self.out.write("\r\033[K" + self.describe(done, elapsed, share), ending="")
            self.out.flush()
            self.bar_shown = True
        elif done - self.logged >= LOG_EVERY:
            self.logged = done - done % LOG_EVERY
            self.out.write(self.describe(done, elapsed, share))

    def describe(self, done: int, elapsed: float, share: float | None) -> str:
        text = f"{done:,} {self.unit}, {done / elapsed:,.0f}/s"
        if not share:
            return text
        share = min(share, 1.0)
        left = timedelta(seconds=round(elapsed * (1 - share) / share))
        if not self.tty:
            return f"{text}, {share:.0%}, {left} left"
        bar = "#" * int(share * 30)
        return f"[{bar:<30}] {share:4.0%} {text}, {left} left"

    def interrupt(self) -> None:
        """Clear the bar for a message (a bad line); the next update draws it again."""
        if self.bar_shown:
            self.out.write("\r\033[K", ending="")
            self.bar_shown = False

    def end_bar(self) -> None:
        """End the bar's line, its last state left in view."""
        if self.bar_shown:
            self.out.write("")
            self.bar_shown = False
