"""Gunicorn and wrk for the load benchmarks: start a server, load it, read the figures."""

import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, production_environment

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = "/usr/bin/wrk"
LUA = Path(__file__).resolve().parent / "wrk_rotate.lua"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def collect_static(static_root: str) -> None:
    """Hashed, compressed static files, as production's deploy makes them."""
    subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=production_environment(BENCH_STATIC_ROOT=static_root),
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Server:
    """Gunicorn with sync workers, one per core, as in production, on loopback."""

    def __init__(
        self,
        workers: int,
        *,
        app: str = "newsroom.wsgi:application",
        chdir: Path = ROOT,
        gunicorn: Path = GUNICORN,
        environment: dict[str, str] | None = None,
        timeout: int = 30,
        **overrides: str,
    ):
        """Newsroom under the bench settings, or any WSGI `app` given its environment."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        # Tracebacks of failing requests go to the log, not the benchmark's output.
        self.log_file = self.log.open("a")
        self.process = subprocess.Popen(
            [
                gunicorn,
                app,
                f"--workers={workers}",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                f"--error-logfile={self.log}",
                "--log-level=warning",
                f"--timeout={timeout}",
            ],
            cwd=chdir,
            env=environment or production_environment(**overrides),
            stdout=self.log_file,
            stderr=self.log_file,
        )

    def wait_ready(self, path: str = "/hello/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} in {timeout} s")

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict]:
        """Status and headers of one request (errors are statuses too)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(kib / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@dataclass
class WrkResult:
    requests_per_second: float
    latency_ms: dict[str, float]  # "50%", "99%"...
    requests: int
    non_2xx_3xx: int
    socket_errors: str
    statuses: dict[int, int] = field(default_factory=dict)
    per_second: dict[int, dict[int, int]] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict)
    output: str = ""


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(
    url: str,
    paths: list[str],
    *,
    connections: int = 16,
    threads: int = 2,
    seconds: int = 10,
    timeout: int = 10,
) -> WrkResult:
    """Load `url`, rotating over `paths`; the figures wrk and the Lua hooks give."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    completed = subprocess.run(
        [
            WRK,
            f"--connections={connections}",
            f"--threads={threads}",
            f"--duration={seconds}s",
            f"--timeout={timeout}s",
            "--latency",
            f"--script={LUA}",
            url,
            "--",
            listing.name,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(listing.name).unlink()
    return parse_wrk(completed.stdout)


def parse_wrk(output: str) -> WrkResult:
    latency = {
        share: float(value) * UNITS_MS[unit]
        for share, value, unit in re.findall(
            r"^\s+(\d+%)\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE
        )
    }
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    result = WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        latency_ms=latency,
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        non_2xx_3xx=int(non_ok[1]) if non_ok else 0,
        socket_errors=errors[1] if errors else "none",
        output=output,
    )
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "count":
            if parts[1] == "cache":
                result.cache[parts[2]] = int(parts[3])
                continue
            second, status, count = int(parts[1]), int(parts[2]), int(parts[3])
            result.statuses[status] = result.statuses.get(status, 0) + count
            result.per_second.setdefault(second, {})
            result.per_second[second][status] = (
                result.per_second[second].get(status, 0) + count
            )
    return result
