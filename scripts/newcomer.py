"""The newcomer's path, as CI's first stage: a copy of the project with nothing installed, `make run`, and the
public pages of the demo answering.

Standard library only: it runs with the system's Python, as a newcomer's first command does.

  1. copy the project's files (tracked and new, never .venv/ or var/) into a scratch folder;
  2. `make run PORT=…` there: a new virtual environment with the runtime dependencies only, migrate, demo, server;
  3. wait for /healthz, then ask the public pages (home, policy, calls, notices, the problem form) for 200, and the
     calls page for a demo call;
  4. import every module of the package with that environment's Python (a development tool imported anywhere
     under src/ fails here), and check that no development tool is installed there;
  5. `make run` again on the same port: it must stop at once and say how to choose another port;
  6. stop the server and print how long each step of `make run` took and the time to the first page.

Any failure exits 1 naming the step, with the end of make's output.
Usage: python3 scripts/newcomer.py [--port N] [--no-pip-cache] [--keep] [--timeout SECONDS]
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_PAGES = ["/healthz", "/", "/policy/", "/calls/", "/notices/", "/problems/new/"]
DEMO_CALL_TITLE = "2026年智慧医疗与健康"  # minsheng.demo.calls.DEMO_CALL_TITLE, shown on /calls/
DEVELOPMENT_ONLY = ["pytest", "playwright", "hypothesis", "ruff"]


class StepFailed(Exception):
    def __init__(self, step: str, detail: str):
        super().__init__(f"{step}: {detail}")
        self.step = step


class MakeRun:
    """`make run` in the background, its output timestamped and split by the "== " lines the Makefile prints."""

    def __init__(self, tree: Path, port: int, env: dict):
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self.process = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=tree, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def steps(self, until: float) -> list[tuple[str, float]]:
        marks = [(at, line[3:]) for at, line in self.lines if line.startswith("== ")]
        ends = [at for at, _ in marks[1:]] + [until]
        return [(title, end - at) for (at, title), end in zip(marks, ends, strict=True)]

    def tail(self, count: int = 40) -> str:
        return "\n".join(line for _, line in self.lines[-count:])

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.reader.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_project(target: Path):
    """The files a fresh clone has, plus files not yet committed; nothing that is ignored (.venv/, var/)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local URL built here
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for_first_page(run: MakeRun, base: str, timeout: float) -> float:
    while time.monotonic() - run.started < timeout:
        if run.process.poll() is not None:
            raise StepFailed("make run", f"stopped with exit code {run.process.returncode} before serving")
        if get(base + "/healthz")[0] == 200 and get(base + "/")[0] == 200:
            return time.monotonic() - run.started
        time.sleep(0.5)
    raise StepFailed("make run", f"no answer on {base}/healthz within {timeout:.0f} s")


def check_pages(base: str):
    for path in PUBLIC_PAGES:
        status, body = get(base + path)
        if status != 200:
            raise StepFailed("public pages", f"{path} answered {status or 'nothing'}, not 200")
        if path == "/calls/" and DEMO_CALL_TITLE not in body:
            raise StepFailed("public pages", f"/calls/ does not list the demo call {DEMO_CALL_TITLE}")
        print(f"  {path:<16} 200")


def check_runtime_environment(tree: Path):
    python = tree / ".venv" / "bin" / "python"
    imported = subprocess.run([str(python), "scripts/import_all.py"], cwd=tree, capture_output=True, text=True)
    if imported.returncode:
        raise StepFailed("import every module", imported.stderr.strip() or imported.stdout.strip())
    print("  " + imported.stdout.strip())
    probe = "import importlib.util as u, sys; print(' '.join(m for m in sys.argv[1:] if u.find_spec(m)))"
    present = subprocess.run([str(python), "-c", probe, *DEVELOPMENT_ONLY], capture_output=True, text=True,
                             check=True).stdout.split()
    if present:
        raise StepFailed("runtime-only environment", f"development tools installed by make run: {present}")


def check_port_taken(tree: Path, port: int, env: dict):
    started = time.monotonic()
    second = subprocess.run(["make", "run", f"PORT={port}"], cwd=tree, env=env, capture_output=True, text=True,
                            timeout=60)
    said = second.stdout + second.stderr
    if second.returncode == 0 or f"make run PORT={port + 1}" not in said:
        raise StepFailed("port in use", f"a second make run on port {port} did not stop with advice:\n{said}")
    print(f"  a second make run on port {port} stopped after {time.monotonic() - started:.1f} s and said:")
    # the advice, not make's own "Entering directory" chatter when this runs under make
    print("\n".join("    " + line for line in said.splitlines() if "make[" not in line and line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port for the server (default: a free one)")
    parser.add_argument("--no-pip-cache", action="store_true", help="download every package, as a new machine does")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds to wait for the first page")
    args = parser.parse_args()
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    scratch = Path(tempfile.mkdtemp(prefix="minsheng-newcomer-"))
    tree = scratch / "minsheng"
    env = {key: value for key, value in os.environ.items()
           if key not in {"VIRTUAL_ENV", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "MINSHENG_VAR"}}
    if args.no_pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    run = None
    step = "copy the project"
    try:
        tree.mkdir()
        copy_project(tree)
        print(f"== newcomer: make run in {tree} on port {port}")
        step = "make run"
        run = MakeRun(tree, port, env)
        first_page = wait_for_first_page(run, base, args.timeout)
        print(f"== first page after {first_page:.0f} s")
        for title, seconds in run.steps(first_page):
            print(f"  {seconds:6.1f} s  {title}")
        step = "public pages"
        check_pages(base)
        step = "runtime-only environment"
        check_runtime_environment(tree)
        step = "port in use"
        check_port_taken(tree, port, env)
        print(f"== newcomer: passed; time to the first page {first_page:.0f} s")
        return 0
    except (StepFailed, subprocess.SubprocessError, OSError) as error:
        failed = error.step if isinstance(error, StepFailed) else step
        print(f"== newcomer: FAILED at step '{failed}': {error}", file=sys.stderr)
        if run:
            print("-- the end of make run's output:\n" + run.tail(), file=sys.stderr)
        return 1
    finally:
        if run:
            run.stop()
        if args.keep:
            print(f"scratch folder kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
