"""Exits 1 with a message in both languages when HOST:PORT is already taken, so `make run` says so at once.

Run by `make run` with the system's Python before anything is installed: standard library only.
Usage: python3 scripts/port_free.py HOST PORT
"""

import socket
import sys


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def main(host: str, port: str) -> int:
    if port_is_free(host, int(port)):
        return 0
    following = int(port) + 1
    print(f"端口 {port} 已被占用（{host}:{port}），可能另一个 make run 仍在运行。\n"
          f"  换一个端口：make run PORT={following}\n"
          f"Port {port} on {host} is already in use; another `make run` may still be running.\n"
          f"  Choose another port: make run PORT={following}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
