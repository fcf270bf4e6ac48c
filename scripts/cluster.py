"""The platform on several servers, on this machine: two gunicorn servers, a job worker and the scheduler,
PostgreSQL and Redis.

    .venv/bin/python scripts/cluster.py up             # start everything, print the addresses; Ctrl-C stops it all
    .venv/bin/python scripts/cluster.py up --detach    # start everything and return; `down` stops it
    .venv/bin/python scripts/cluster.py status         # which processes run, whether each server is healthy
    .venv/bin/python scripts/cluster.py down           # stop what `up --detach` started, drop its database

(`make cluster` is the first command.) Everything runs as docs/deployment.md describes production, DEBUG off:

- PostgreSQL: the server at 127.0.0.1:5432 (or --postgres, an administrator's URL). A database of its own with two
  roles, the tables' owner and the platform's role that owns nothing (core/database_roles.py); `minsheng migrate`
  runs as the owner (MIGRATIONS_DATABASE_URL), the servers and the worker connect as the platform's role.
- Redis: the server at 127.0.0.1:6379 when it answers (keys under a prefix of this cluster's own, removed on
  `down`), else Debian's `redis-server` started on a free port without persistence. It holds the cache: rate
  limits, the sign-in lock-out and the sessions (SESSION_STORE=cached_db: the database read through Redis).
- Two web servers (gunicorn, 2 workers each) on two ports, each with a folder of its own (as two machines would
  have), sharing only what docs/deployment.md says they must: the database, Redis, the keys and the uploads
  folder (UPLOADS_DIR).
- One `minsheng worker`: it sends the mail, which goes to files in <dir>/mail (EMAIL_BACKEND file-based), so
  that the mail a job sends can be read; and one `minsheng scheduler`, which queues the reminders and the
  nightly jobs for it.

The folder (--dir, default var/cluster) holds the logs, the uploads, the mail, the keys and state.json, which
`status` and `down` read. tests/test_two_servers.py starts a cluster with these functions and checks what the
servers share over real HTTP.
"""

import argparse
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DIR = REPO / "var" / "cluster"
DEFAULT_POSTGRES = os.environ.get("CLUSTER_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DEFAULT_REDIS = ("127.0.0.1", 6379)
KEYS = ("SECRET_KEY", "AUDIT_KEY", "SECOND_FACTOR_KEY", "BACKUP_KEY", "PERSONAL_DATA_KEY")
SERVERS = ("web-a", "web-b")
HEALTH_SECONDS = 90
STOP_SECONDS = 30


class ClusterError(Exception):
    """The cluster could not start or stop; the message says why, in both languages."""


class Unavailable(ClusterError):
    """PostgreSQL or Redis is neither answering nor installed here."""


def say(chinese: str, english: str) -> None:
    print(f"== {chinese} / {english}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a child of this process that ended but was not yet reaped
        finished, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return finished == 0


def health(base: str) -> str:
    """What /healthz answers: "ok", or the reason the server is not ready."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 (a local address)
            return json.loads(response.read()).get("status", "?")
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read().decode(errors='replace')[:200]}"
    except OSError as error:
        return f"no answer ({error})"


def _own_control_socket(var: Path) -> list[str]:
    """Recent gunicorn opens a control socket, by default at one path in the home folder for every server: two
    servers of one user would take each other's. Each gets its own, in its folder."""
    from gunicorn import config

    return ["--control-socket", str(var / "gunicorn.ctl")] if hasattr(config, "ControlSocket") else []


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@dataclass
class Cluster:
    """One cluster's settings and, once started, its processes (name -> pid); saved as <directory>/state.json."""

    directory: Path
    database: str = "minsheng_cluster"
    ports: tuple[int, int] = (8001, 8002)
    postgres: str = DEFAULT_POSTGRES
    sessions: str = "cached_db"
    web_workers: int = 2
    second_factor: bool = True
    redis: str = "auto"  # auto: 127.0.0.1:6379 if it answers, else start one; start: always start one; or a URL
    redis_url: str = ""
    redis_prefix: str = ""
    keys: dict = field(default_factory=dict)
    passwords: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)

    # --- where things are ---------------------------------------------------------------------------------------
    @property
    def state_file(self) -> Path:
        return self.directory / "state.json"

    @property
    def logs(self) -> Path:
        return self.directory / "logs"

    @property
    def mail(self) -> Path:
        return self.directory / "mail"

    @property
    def uploads(self) -> Path:
        return self.directory / "uploads"

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def _role(self, which: str) -> str:
        return f"{self.database}_{which}"

    def _database_url(self, which: str) -> str:
        parts = urllib.parse.urlsplit(self.postgres)
        host = parts.hostname or "127.0.0.1"
        netloc = f"{self._role(which)}:{self.passwords[which]}@{host}:{parts.port or 5432}"
        return urllib.parse.urlunsplit((parts.scheme, netloc, f"/{self.database}", parts.query, ""))

    def environment(self, name: str) -> dict:
        """The environment of one process: the same settings everywhere, a folder of its own (MINSHENG_VAR)."""
        inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
        return {
            **inherited, **self.keys,
            # The checkout's code first, whichever checkout the virtual environment was installed from.
            "PYTHONPATH": str(REPO / "src"),
            "DJANGO_SETTINGS_MODULE": "minsheng.settings",
            "MINSHENG_VAR": str(self.directory / name),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Behind one reverse proxy in production; a request without X-Forwarded-For counts by its own address.
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": self._database_url("platform"),
            "CACHE_URL": self.redis_url,
            "CACHE_KEY_PREFIX": self.redis_prefix,
            "SESSION_STORE": self.sessions,
            "UPLOADS_DIR": str(self.uploads),
            "AUDIT_CHECKPOINTS_FILE": str(self.directory / "audit-checkpoints.jsonl"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "SECOND_FACTOR_REQUIRED": "1" if self.second_factor else "0",
            "LOG_LEVEL": "WARNING",
        }

    # --- state ----------------------------------------------------------------------------------------------------
    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        state = {**asdict(self), "directory": str(self.directory), "ports": list(self.ports)}
        self.state_file.write_text(json.dumps(state, indent=2))
        self.state_file.chmod(0o600)  # it holds the keys and the database passwords

    @classmethod
    def load(cls, directory: Path) -> "Cluster":
        state_file = Path(directory) / "state.json"
        if not state_file.exists():
            raise ClusterError(f"{directory} 中没有运行的集群（缺少 state.json） / "
                               f"no cluster in {directory} (no state.json)")
        state = json.loads(state_file.read_text())
        return cls(**{**state, "directory": Path(state["directory"]), "ports": tuple(state["ports"])})

    # --- starting -------------------------------------------------------------------------------------------------
    def up(self) -> "Cluster":
        """Start PostgreSQL's database, Redis, migrate, two servers and a worker; return once every server is
        healthy. Whatever was started is stopped again if a later step fails."""
        for port in self.ports:
            if not port_is_free(port):
                raise ClusterError(f"端口 {port} 已被占用，用 --ports 选择其他端口 / port {port} is taken; "
                                   f"choose others with --ports")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        self.mail.mkdir(exist_ok=True)
        self.uploads.mkdir(exist_ok=True)
        self.keys = self.keys or {key: secrets.token_urlsafe(48) for key in KEYS}
        self.passwords = self.passwords or {which: secrets.token_hex(16) for which in ("owner", "platform")}
        self.save()
        try:
            self._start_redis()
            self._create_database()
            self.save()
            self._migrate()
            for index, name in enumerate(SERVERS):
                self._start_server(name, self.ports[index])
            self._start_worker()
            self.save()
            self._wait_until_healthy()
        except BaseException:
            self.down(quiet=True)
            raise
        return self

    def _start_redis(self) -> None:
        if self.redis_url:
            return
        self.redis_prefix = f"minsheng-cluster-{secrets.token_hex(4)}"
        given = urllib.parse.urlsplit(self.redis) if "://" in self.redis else None
        if given and not redis_answers(given.hostname or "127.0.0.1", given.port or 6379):
            raise Unavailable(f"Redis 没有应答（{self.redis}） / Redis does not answer at {self.redis}")
        if given or (self.redis == "auto" and redis_answers(*DEFAULT_REDIS)):
            self.redis_url = self.redis if given else f"redis://{DEFAULT_REDIS[0]}:{DEFAULT_REDIS[1]}/0"
            say(f"使用 {self.redis_url} 上的 Redis（键前缀 {self.redis_prefix}）",
                f"using Redis at {self.redis_url} (key prefix {self.redis_prefix})")
            return
        server = shutil.which("redis-server")
        if not server:
            raise Unavailable("127.0.0.1:6379 上没有 Redis，也没有安装 redis-server（apt-get install redis-server）"
                               " / no Redis at 127.0.0.1:6379 and redis-server is not installed "
                               "(apt-get install redis-server)")
        port = free_port()
        self._spawn("redis", [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                              "--dir", str(self.directory)], env=None)
        for _ in range(100):
            if redis_answers("127.0.0.1", port):
                break
            time.sleep(0.1)
        else:
            raise ClusterError(f"redis-server 未能启动 / redis-server did not start:\n{_tail(self.logs / 'redis.log')}")
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        say(f"已启动 redis-server（{self.redis_url}，不持久化）",
            f"started redis-server ({self.redis_url}, no persistence)")

    def _admin(self):
        import psycopg

        try:
            return psycopg.connect(self.postgres, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            raise Unavailable(f"PostgreSQL 没有应答（{self.postgres}）；启动它或用 --postgres 指定 / PostgreSQL "
                               f"does not answer at {self.postgres}; start it or name another with --postgres\n"
                               f"{error}") from error

    def _create_database(self) -> None:
        from psycopg import sql

        owner, platform = self._role("owner"), self._role("platform")
        with self._admin() as connection:
            self._drop(connection)
            for role, which in ((owner, "owner"), (platform, "platform")):
                connection.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(self.passwords[which])))
            connection.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(self.database), sql.Identifier(owner)))
        say(f"已建数据库 {self.database}：所有者 {owner}，平台角色 {platform}（不拥有任何表）",
            f"created database {self.database}: owner {owner}, platform role {platform} (owns no table)")

    def _drop(self, connection) -> None:
        from psycopg import sql

        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database)))
        for role in (self._role("platform"), self._role("owner")):
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))

    def _run(self, name: str, *arguments: str, **extra_env: str) -> None:
        log = self.logs / f"{name}.log"
        with log.open("a") as output:
            result = subprocess.run([sys.executable, "-m", "minsheng", *arguments],
                                    env={**self.environment(name), **extra_env}, cwd=REPO, stdout=output,
                                    stderr=subprocess.STDOUT, timeout=900)
        if result.returncode:
            raise ClusterError(f"`minsheng {' '.join(arguments)}` 失败 / failed:\n{_tail(log)}")

    def _migrate(self) -> None:
        say("以表的所有者迁移数据库", "migrating as the tables' owner")
        self._run("release", "migrate", "--no-input", "-v", "0", MIGRATIONS_DATABASE_URL=self._database_url("owner"))
        # The production checks, as a release runs them: a per-process cache or session store, or password hashing
        # below OWASP's minimum, stops here (the HTTPS warnings remain: these servers speak plain HTTP locally).
        self._run("release", "check", "--deploy", "--fail-level", "ERROR")
        say("收集静态文件（每台服务器同一份）", "collecting the static files (the same release on every server)")
        self._run("release", "collectstatic", "--no-input", "-v", "0")

    def _spawn(self, name: str, command: list[str], env: dict | None) -> None:
        """Start one process in a session of its own (Ctrl-C reaches the script, which stops it in order), its
        output in logs/<name>.log."""
        with (self.logs / f"{name}.log").open("a") as output:
            process = subprocess.Popen(command, env=env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes[name] = process.pid
        self.save()

    def _start_server(self, name: str, port: int) -> None:
        var = self.directory / name
        shutil.rmtree(var / "static", ignore_errors=True)  # each machine gets this release's collected static files
        shutil.copytree(self.directory / "release" / "static", var / "static")
        self._spawn(name, [str(BIN / "gunicorn"), "minsheng.wsgi", "-b", f"127.0.0.1:{port}",
                           "-w", str(self.web_workers), "--worker-class", "gthread", "--threads", "4",
                           "--timeout", "120", "--graceful-timeout", "20",
                           "--access-logfile", str(self.logs / f"{name}.access.log"), *_own_control_socket(var)],
                    env=self.environment(name))

    def _start_worker(self) -> None:
        self._spawn("worker", [sys.executable, "-m", "minsheng", "worker", "--interval", "0.5"],
                    env=self.environment("worker"))
        self._spawn("scheduler", [sys.executable, "-m", "minsheng", "scheduler"], env=self.environment("scheduler"))

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_SECONDS
        for name, base in zip(SERVERS, self.urls, strict=True):
            while (answer := health(base)) != "ok":
                for process in self.processes:
                    if not alive(self.processes[process]):
                        raise ClusterError(f"{process} 已退出 / {process} stopped:\n"
                                           f"{_tail(self.logs / f'{process}.log')}")
                if time.monotonic() > deadline:
                    raise ClusterError(f"{name} 在 {HEALTH_SECONDS} 秒内未就绪 / {name} not healthy within "
                                       f"{HEALTH_SECONDS} s: {answer}\n{_tail(self.logs / f'{name}.log')}")
                time.sleep(0.2)

    def load_demo(self) -> None:
        say("载入演示数据（约半分钟）", "loading the demo data (about half a minute)")
        self._run("release", "demo")

    # --- stopping -------------------------------------------------------------------------------------------------
    def down(self, *, quiet: bool = False, keep_database: bool = False) -> None:
        """Stop every process this cluster started (the web servers first, then the scheduler and the worker, then
        Redis), remove its keys from a shared Redis, drop its database and roles."""
        order = [name for name in (*SERVERS, "scheduler", "worker", "redis") if name in self.processes]
        for name in order:
            pid = self.processes[name]
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
        for name in order:
            pid, deadline = self.processes[name], time.monotonic() + STOP_SECONDS
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
            if not quiet:
                say(f"已停止 {name}（进程 {pid}）", f"stopped {name} (process {pid})")
        self.processes = {}
        if self.redis_url and self.redis_prefix and "redis" not in order:
            self._forget_redis_keys()
        if self.passwords and not keep_database:
            try:
                with self._admin() as connection:
                    self._drop(connection)
            except ClusterError:
                if not quiet:
                    raise
            else:
                if not quiet:
                    say(f"已删除数据库 {self.database} 及其角色", f"dropped database {self.database} and its roles")
        if self.state_file.exists():
            self.state_file.unlink()

    def _forget_redis_keys(self) -> None:
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
            keys = list(client.scan_iter(match=f"{self.redis_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except Exception as error:  # Redis gone already: nothing of ours is left in it
            print(f"   Redis: {error}", file=sys.stderr)

    # --- reporting ------------------------------------------------------------------------------------------------
    def status(self) -> bool:
        """Print each process and each server's health; True when all run and every server is healthy."""
        healthy = True
        for name, pid in self.processes.items():
            running = alive(pid)
            healthy &= running
            line = f"   {name:<7} 进程 {pid} {'运行中' if running else '已退出'} / process {pid} " \
                   f"{'running' if running else 'stopped'}"
            if name in SERVERS:
                base = self.urls[SERVERS.index(name)]
                answer = health(base) if running else "-"
                healthy &= answer == "ok"
                line += f"  {base}  /healthz: {answer}"
            print(line)
        return healthy

    def describe(self) -> None:
        say("集群已就绪", "the cluster is ready")
        for name, base in zip(SERVERS, self.urls, strict=True):
            print(f"   {name}: {base}/")
        print(f"   PostgreSQL: {self.database} (owner {self._role('owner')}, platform {self._role('platform')})")
        print(f"   Redis: {self.redis_url} (prefix {self.redis_prefix}); sessions: SESSION_STORE={self.sessions}")
        print(f"   上传文件 / uploads: {self.uploads}")
        print(f"   邮件 / mail: {self.mail}")
        print(f"   日志 / logs: {self.logs}")


def _stop_as_on_ctrl_c(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the cluster's folder (default var/cluster)")
    parser.add_argument("--ports", default="8001,8002", help="the two web servers' ports (default 8001,8002)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="an administrator's URL of the PostgreSQL server (default %(default)s)")
    parser.add_argument("--database", default="minsheng_cluster", help="the database to create (default %(default)s)")
    parser.add_argument("--redis", default="auto",
                        help="auto (127.0.0.1:6379 if it answers, else start redis-server), start (always start "
                             "redis-server on a free port), or a redis:// URL")
    parser.add_argument("--sessions", choices=["cached_db", "cache", "db"], default="cached_db",
                        help="SESSION_STORE of every server (default cached_db)")
    parser.add_argument("--demo", action="store_true", help="load the demo data after migrating")
    parser.add_argument("--no-second-factor", action="store_true",
                        help="SECOND_FACTOR_REQUIRED=0, to sign in as the demo's officers with a password alone")
    parser.add_argument("--detach", action="store_true", help="return once started; `down` stops it")
    parser.add_argument("--keep-database", action="store_true", help="down: keep the database and its roles")
    options = parser.parse_args(argv)
    if importlib.util.find_spec("psycopg") is None or importlib.util.find_spec("gunicorn") is None:
        print("请用平台的虚拟环境运行：.venv/bin/python scripts/cluster.py（或 make cluster） / run it with the "
              "platform's virtual environment: .venv/bin/python scripts/cluster.py (or make cluster)", file=sys.stderr)
        return 1
    directory = options.dir.resolve()
    try:
        if options.command == "status":
            return 0 if Cluster.load(directory).status() else 1
        if options.command == "down":
            Cluster.load(directory).down(keep_database=options.keep_database)
            return 0
        if (directory / "state.json").exists():
            raise ClusterError(f"{directory} 中已有集群；先运行 down / a cluster already runs in {directory}; "
                               f"run `down` first")
        ports = tuple(int(port) for port in options.ports.split(","))
        if len(ports) != 2:
            raise ClusterError("--ports 需要两个端口 / --ports takes two ports, e.g. 8001,8002")
        cluster = Cluster(directory=directory, database=options.database, ports=ports, postgres=options.postgres,
                          sessions=options.sessions, second_factor=not options.no_second_factor,
                          redis=options.redis)
        started = time.monotonic()
        cluster.up()
        if options.demo:
            cluster.load_demo()
        cluster.describe()
        print(f"   {time.monotonic() - started:.0f} s")
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    if options.detach:
        say("停止：python scripts/cluster.py down", "stop it with: python scripts/cluster.py down")
        return 0
    say("按 Ctrl-C 停止全部", "press Ctrl-C to stop everything")
    signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)
    try:
        while all(alive(pid) for pid in cluster.processes.values()):
            time.sleep(1)
        stopped = [name for name, pid in cluster.processes.items() if not alive(pid)]
        names = ", ".join(stopped)
        say(f"{names} 意外退出，停止其余进程", f"{names} stopped unexpectedly; stopping the rest")
    except KeyboardInterrupt:
        say("正在停止", "stopping")
    cluster.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
