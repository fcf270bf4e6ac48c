"""`make run` on a taken port stops at once and says how to choose another (scripts/port_free.py)."""

import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "port_free.py"


def run(port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "127.0.0.1", str(port)], capture_output=True, text=True,
                          timeout=30)


def test_a_taken_port_is_named_with_the_command_for_another():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(port)
    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr


def test_a_free_port_passes_silently():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run(port)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
