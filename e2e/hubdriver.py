"""A class on a real JupyterHub, driven the way students use it: `make hub-test` (e2e/test_hub.py).

The hub runs on 127.0.0.1 with the course configuration (deploy/jupyterhub_config.py) plus what a
throwaway test needs: the dummy authenticator (any password), SimpleLocalProcessSpawner (one
process per student, each in their own home folder under a temporary directory, no system users),
configurable-http-proxy from the npm registry, and a "teacher" service token to create the students.

Students talk to the hub only through its public URL (the proxy): they log in through the REST
API, start their server, pull the series with nbgitpuller, and run a notebook over the kernel's
websocket under /user/<name>/, as JupyterLab does.

Everything started here carries a marker in its environment (HUB_TEST_RUN), inherited by the proxy,
the spawned servers and their kernels: `stop` ends the hub, then kills whatever still carries the
marker, so nothing outlives a run, whatever step failed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
MARKER = "HUB_TEST_RUN"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# Processes: find them by the marker in their environment, and end them
# ---------------------------------------------------------------------------------------------

def processes_with(env: dict[str, str]) -> list[int]:
    """Pids of the processes whose environment holds every key=value of `env`."""
    wanted = {f"{k}={v}".encode() for k, v in env.items()}
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = set((entry / "environ").read_bytes().split(b"\0"))
            if (entry / "stat").read_text().split(")")[-1].split()[0] == "Z":
                continue  # a zombie: already dead, waiting for its parent to read its status
        except OSError:
            continue
        if wanted <= environ:
            pids.append(int(entry.name))
    return pids


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def memory_kib(pid: int) -> dict[str, int]:
    """Resident memory now (VmRSS) and its peak (VmHWM) of one process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


# ---------------------------------------------------------------------------------------------
# HTTP against the hub's public URL
# ---------------------------------------------------------------------------------------------

class HTTPFailure(RuntimeError):
    def __init__(self, status: int, url: str, body: str):
        super().__init__(f"HTTP {status} for {url}: {body[:300]}")
        self.status = status


def request(url: str, method: str = "GET", token: str | None = None, body=None,
            timeout: float = 60) -> tuple[int, object]:
    """One request; returns (status, decoded JSON or text). Raises HTTPFailure on status >= 400."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"token {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            text = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as err:
        raise HTTPFailure(err.code, url, err.read().decode(errors="replace")) from None
    try:
        return status, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, text


# ---------------------------------------------------------------------------------------------
# The hub
# ---------------------------------------------------------------------------------------------

@dataclass
class Hub:
    url: str                      # the public URL (the proxy), e.g. http://127.0.0.1:PORT
    work: Path                    # temporary folder: database, logs, students' homes
    teacher_token: str            # the "teacher" service: creates students, reads server state
    run_id: str                   # the marker value in every process this hub started
    process: subprocess.Popen
    log: Path

    @property
    def api(self) -> str:
        return f"{self.url}/hub/api"

    def home(self, name: str) -> Path:
        return self.work / "home" / name

    def processes(self, **env: str) -> list[int]:
        return processes_with({MARKER: self.run_id, **env})

    def alive(self) -> bool:
        try:
            return request(f"{self.api}/", timeout=10)[0] == 200 and self.process.poll() is None
        except (OSError, HTTPFailure):
            return False


TEST_CONFIG = """\
# Written by e2e/hubdriver.py for one test run: the course configuration, then the test's own
# settings (loopback only, throwaway users, no system accounts).
c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{work}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{work}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{work}/jupyterhub.pid"

# Any name and password logs in (test only), and no system users are needed: each student's server
# is a local process running as the test's own user, with HOME in its own folder.
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {home_template!r}
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {spawner_args!r}
c.Spawner.environment.update({environment!r})
c.Spawner.poll_interval = 2  # notice a killed server within seconds (the default is 30 s)
# Four servers starting at once on a busy 2-core machine can take minutes; a slow start is
# not what this test is about
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 240
c.JupyterHub.cleanup_servers = True

c.JupyterHub.services = [{{"name": "teacher", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "teacher", "services": ["teacher"],
                            "scopes": ["admin:users", "admin:servers", "admin:server_state"]}}]
"""


def chp_command() -> str:
    """configurable-http-proxy as `make hub-test` installed it (CHP), else one on PATH."""
    chp = os.environ.get("CHP") or ""
    if chp and Path(chp).exists():
        return chp
    from shutil import which
    found = which("configurable-http-proxy")
    if not found:
        raise RuntimeError("configurable-http-proxy not found: run `make hub-test`, which installs it")
    return found


@contextlib.contextmanager
def jupyterhub(work: Path, home_template: str | None = None):
    """A JupyterHub on 127.0.0.1 in `work`; yields a Hub; stops it and everything it started."""
    work.mkdir(parents=True, exist_ok=True)
    run_id = uuid.uuid4().hex
    token = secrets.token_hex(32)
    port = free_port()
    env_for_students = {
        MARKER: run_id, "NB_THREADS": "1", "NB_STRICT_WARNINGS": "1", "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    args = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
    config = TEST_CONFIG.format(
        deploy=str(DEPLOY_CONFIG), port=port, hub_port=free_port(), proxy_api_port=free_port(),
        chp=chp_command(), work=work, token=token, singleuser=str(Path(sys.executable).parent /
                                                                   "jupyterhub-singleuser"),
        home_template=home_template or str(work / "home" / "{username}"),
        spawner_args=args, environment=env_for_students)
    (work / "jupyterhub_config.py").write_text(config)
    log = work / "jupyterhub.log"
    env = {**os.environ, MARKER: run_id}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with open(log, "w") as out:
        cmd = [sys.executable, "-m", "jupyterhub", "-f", str(work / "jupyterhub_config.py")]
        process = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    hub = Hub(url=f"http://127.0.0.1:{port}", work=work, teacher_token=token, run_id=run_id,
              process=process, log=log)
    try:
        deadline = time.monotonic() + 90
        while not hub.alive():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not start; its log:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield hub
    finally:
        stop(hub)


def stop(hub: Hub, grace_s: float = 30) -> None:
    """SIGTERM the hub (it stops the students' servers and the proxy it started), then kill what
    is left of everything that carries this run's marker."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            pass
    kill_all(hub.processes())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(hub.process.pid, signal.SIGKILL)
    hub.process.wait(10)
    deadline = time.monotonic() + 10
    while hub.processes() and time.monotonic() < deadline:
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# A student
# ---------------------------------------------------------------------------------------------

@dataclass
class Student:
    hub: Hub
    name: str
    token: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def log_in(self, password: str = "any password") -> None:
        """Ask the hub for an API token with a username and password, as a script would log in."""
        _, reply = request(f"{self.hub.api}/users/{self.name}/tokens", "POST",
                           body={"auth": {"username": self.name, "password": password},
                                 "note": "hub-test login"})
        self.token = reply["token"]

    def start_server(self, timeout_s: float = 300) -> None:
        start = time.monotonic()
        try:
            request(f"{self.hub.api}/users/{self.name}/server", "POST", self.token)
        except HTTPFailure as err:
            if err.status != 400:  # 400: already running
                raise
        while True:
            _, model = request(f"{self.hub.api}/users/{self.name}", token=self.token)
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if time.monotonic() - start > timeout_s:
                raise RuntimeError(f"{self.name}'s server did not become ready: {model}")
            time.sleep(0.5)
        self.timings["spawn"] = time.monotonic() - start

    def server_running(self) -> bool:
        _, model = request(f"{self.hub.api}/users/{self.name}", token=self.token)
        return bool(model.get("servers", {}).get(""))

    def pull(self, repo: str, branch: str, target: str, timeout_s: float = 120) -> list[dict]:
        """nbgitpuller's own endpoint (what its link's page calls): a stream of progress events,
        ending in phase 'finished' or 'error'."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch, "targetpath": target})
        req = urllib.request.Request(f"{self.server}/git-pull/api?{query}",
                                     headers={"Authorization": f"token {self.token}"})
        events = []
        with urllib.request.urlopen(req, timeout=timeout_s) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        return events

    def read_notebook(self, path: str) -> dict:
        """A notebook through the server's contents API (what JupyterLab opens)."""
        return request(f"{self.server}/api/contents/{path}?content=1", token=self.token)[1]["content"]

    def save_notebook(self, path: str, notebook: dict) -> None:
        request(f"{self.server}/api/contents/{path}", "PUT", self.token,
                body={"type": "notebook", "format": "json", "content": notebook})

    def run_notebook(self, path: str, stop_after: threading.Event | None = None,
                     cell_timeout_s: float = 300) -> Run:
        """Execute every code cell of `path` in a new kernel of the student's server, over the
        kernel's websocket under /user/<name>/ (as JupyterLab's Run All does). Returns a Run."""
        notebook = self.read_notebook(path)
        _, session = request(f"{self.server}/api/sessions", "POST", self.token,
                             body={"path": path, "type": "notebook", "name": Path(path).name,
                                   "kernel": {"name": "python3"}})
        run = Run(kernel_id=session["kernel"]["id"])
        start = time.monotonic()
        try:
            _execute(self, run, notebook, stop_after, cell_timeout_s)
        finally:
            run.seconds = time.monotonic() - start
            with contextlib.suppress(Exception):
                request(f"{self.server}/api/sessions/{session['id']}", "DELETE", self.token, timeout=20)
        return run


@dataclass
class Run:
    kernel_id: str
    outputs: list[list[dict]] = field(default_factory=list)   # per code cell, in order
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kernel_peak_kib: int = 0
    kernel_pid: int = 0

    def text(self) -> str:
        """Every text/plain, stream and error output of the run, joined."""
        parts = []
        for cell in self.outputs:
            for out in cell:
                if out.get("output_type") == "stream":
                    parts.append(out.get("text", ""))
                elif out.get("output_type") == "error":
                    parts.append("\n".join(out.get("traceback", [])))
                else:
                    parts.append(out.get("data", {}).get("text/plain", ""))
        return "\n".join(parts)


def _execute(student: Student, run: Run, notebook: dict, started: threading.Event | None,
             cell_timeout_s: float) -> None:
    import websocket  # websocket-client, a dependency of jupyter_server's stack

    ws_url = student.server.replace("http://", "ws://") + f"/api/kernels/{run.kernel_id}/channels"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {student.token}"],
                                     timeout=cell_timeout_s)
    session = uuid.uuid4().hex
    try:
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        for index, cell in enumerate(code_cells):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                           "username": student.name, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            outputs, idle, replied, status = [], False, False, None
            while not (idle and replied):
                raw = ws.recv()
                if isinstance(raw, bytes):
                    continue  # a message with binary buffers: a widget's image update, not ours
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind in ("stream", "display_data", "execute_result", "error"):
                    outputs.append({"output_type": kind, **msg["content"]})
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
                elif kind == "execute_reply":
                    replied, status = True, msg["content"]["status"]
            run.outputs.append(outputs)
            if started is not None and index == 2:
                started.set()  # the notebook's imports and first cells ran: it is mid-run
            if status != "ok":
                error = next((o for o in outputs if o["output_type"] == "error"), {})
                run.errors.append(f"code cell {index}: {error.get('ename')}: {error.get('evalue')}")
                break
    finally:
        ws.close()
