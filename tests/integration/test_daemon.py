"""chatd as a service (doc/chatd.8, src/chatd/core/daemon.h): classic daemon mode
(detach, pid file, start-up errors on the terminal), the privilege drop, and
sd_notify under a fake systemd (NOTIFY_SOCKET)."""

import grp
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import IMPL, chatd_binary, control_socket_path, free_port, listening_ports, to_toml

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")


def write_config(directory, port, control_dir=None, **server):
    data = os.path.join(directory, "data")
    os.makedirs(data, exist_ok=True)
    cfg = {
        "server": dict({"name": "irc.test", "data_dir": data}, **server),
        "channels": {"auto_join": []},
        "listen": [{"address": "127.0.0.1:%d" % port, "tls": False}],
        "control": {"socket": control_socket_path(control_dir or directory)},
    }
    path = os.path.join(directory, "chatd.conf")
    with open(path, "w") as f:
        f.write(to_toml(cfg))
    return path


def run_detached(config, timeout=20):
    """Starts chatd without --foreground; returns the CompletedProcess of the
    command (which exits once the daemon is ready or has failed)."""
    return subprocess.run([chatd_binary(), "--config", config], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)


def read_pid(path):
    with open(path) as f:
        return int(f.read().strip())


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not alive: it only waits for its parent to reap it.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def daemons():
    """Daemons started detached by a test; killed if the test left them running."""
    pids = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            wait_gone(pid)


def test_detaches_once_ready_and_removes_pid_file_at_exit(tmp_path, daemons):
    port = free_port()
    pid_file = str(tmp_path / "chatd.pid")
    config = write_config(str(tmp_path), port, pid_file=pid_file)
    r = run_detached(config)
    assert r.returncode == 0, r.stderr
    # Ready means listening: no wait needed after the command returned.
    assert port in listening_ports()
    pid = read_pid(pid_file)
    daemons.append(pid)
    assert alive(pid)
    assert pid != os.getpid()
    # A new session, not its leader (the second fork), no terminal.
    assert os.getsid(pid) != os.getsid(0)
    assert os.getsid(pid) != pid
    for fd in (0, 1, 2):
        assert os.readlink("/proc/%d/fd/%d" % (pid, fd)) == "/dev/null"
    assert os.readlink("/proc/%d/cwd" % pid) == "/"
    with open("/proc/%d/status" % pid) as f:
        umask = [line.split()[1] for line in f if line.startswith("Umask:")]
    assert umask == ["0027"]
    # It serves.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"NICK alice\r\nUSER a 0 * :A\r\n")
    s.settimeout(5)
    got = b""
    while b" 001 " not in got:
        chunk = s.recv(4096)
        assert chunk, got
        got += chunk
    s.close()
    os.kill(pid, signal.SIGTERM)
    assert wait_gone(pid), "daemon still running 10 s after SIGTERM"
    assert not os.path.exists(pid_file)


def test_detached_start_up_error_reaches_the_terminal(tmp_path, daemons):
    """A port in use: the command exits 1 with the daemon's error, and no
    daemon is left behind."""
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    pid_file = str(tmp_path / "chatd.pid")
    config = write_config(str(tmp_path), port, pid_file=pid_file)
    try:
        r = run_detached(config)
    finally:
        blocker.close()
    assert r.returncode == 1
    assert "127.0.0.1:%d" % port in r.stderr
    assert "in use" in r.stderr
    assert not os.path.exists(pid_file)


def test_second_instance_with_the_same_pid_file_is_refused(tmp_path, daemons):
    pid_file = str(tmp_path / "chatd.pid")
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    r = run_detached(write_config(str(first), free_port(), pid_file=pid_file))
    assert r.returncode == 0, r.stderr
    pid = read_pid(pid_file)
    daemons.append(pid)
    r = run_detached(write_config(str(second), free_port(), pid_file=pid_file))
    assert r.returncode == 1
    assert "already running as pid %d" % pid in r.stderr
    assert read_pid(pid_file) == pid
    os.kill(pid, signal.SIGTERM)
    assert wait_gone(pid)


def test_missing_pid_file_directory_is_a_start_up_error(tmp_path):
    config = write_config(str(tmp_path), free_port(), pid_file=str(tmp_path / "no" / "chatd.pid"))
    r = run_detached(config)
    assert r.returncode == 1
    assert "pid_file" in r.stderr and "No such file" in r.stderr


@pytest.fixture
def open_dir():
    """A directory the unprivileged user can reach (pytest's tmp_path lives
    under a 0700 directory of root's)."""
    d = tempfile.mkdtemp(prefix="chatd-daemon-test-", dir="/tmp")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _nobody():
    try:
        return pwd.getpwnam("nobody"), grp.getgrnam("nogroup")
    except KeyError:
        pytest.skip("no user nobody / group nogroup")


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop needs root")
def test_root_drops_to_the_configured_user_for_good(open_dir, daemons):
    pw, gr = _nobody()
    tmp_path = pathlib.Path(open_dir)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    os.chown(str(run_dir), pw.pw_uid, gr.gr_gid)
    port = free_port()
    config = write_config(str(tmp_path), port, control_dir=str(run_dir), user="nobody", group="nogroup",
                          pid_file=str(run_dir / "chatd.pid"))
    os.chown(str(tmp_path / "data"), pw.pw_uid, gr.gr_gid)
    r = run_detached(config)
    assert r.returncode == 0, r.stderr
    pid = read_pid(str(run_dir / "chatd.pid"))
    daemons.append(pid)
    with open("/proc/%d/status" % pid) as f:
        status = dict(line.split(":", 1) for line in f)
    assert status["Uid"].split() == [str(pw.pw_uid)] * 4
    assert status["Gid"].split() == [str(gr.gr_gid)] * 4
    assert "0" not in status["Groups"].split()
    assert int(status["CapEff"], 16) == 0 and int(status["CapPrm"], 16) == 0
    # Files created while starting belong to the runtime user.
    for name in os.listdir(str(tmp_path / "data")):
        st = os.stat(str(tmp_path / "data" / name))
        assert st.st_uid == pw.pw_uid, name
    assert os.stat(str(run_dir / "control.sock")).st_uid == pw.pw_uid
    os.kill(pid, signal.SIGTERM)
    assert wait_gone(pid)
    # The pid file is gone: /run/chatd-like directory owned by the user.
    assert not os.path.exists(str(run_dir / "chatd.pid"))


@pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop needs root")
def test_data_dir_the_user_cannot_write_fails_at_start(open_dir):
    _nobody()
    tmp_path = pathlib.Path(open_dir)
    config = write_config(str(tmp_path), free_port(), user="nobody")
    os.chmod(str(tmp_path / "data"), 0o700)  # root's
    r = run_detached(config)
    assert r.returncode == 1
    assert "data" in r.stderr and "nobody" in r.stderr


def test_unknown_user_is_a_start_up_error(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the user is looked up only when started as root")
    config = write_config(str(tmp_path), free_port(), user="no-such-user-chatd")
    r = subprocess.run([chatd_binary(), "--config", config, "--foreground"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert "unknown user 'no-such-user-chatd'" in r.stderr


def test_group_without_user_is_a_config_error(tmp_path):
    config = write_config(str(tmp_path), free_port(), group="nogroup")
    r = subprocess.run([chatd_binary(), "--check-config", "--config", config],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert "server.group" in r.stderr


def _linked_with_libsystemd():
    r = subprocess.run(["ldd", chatd_binary()], capture_output=True, text=True)
    return "libsystemd" in r.stdout


def test_sd_notify_ready_reloading_stopping(tmp_path):
    """Under systemd (Type=notify): READY=1 once listening, RELOADING=1 then
    READY=1 around SIGHUP, STOPPING=1 on SIGTERM."""
    if not _linked_with_libsystemd():
        pytest.skip("chatd built without libsystemd")
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    port = free_port()
    config = write_config(str(tmp_path), port)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    proc = subprocess.Popen([chatd_binary(), "--config", config, "--foreground"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        ready = sock.recv(4096).decode()
        assert "READY=1" in ready.split("\n")
        assert port in listening_ports()
        proc.send_signal(signal.SIGHUP)
        reloading = sock.recv(4096).decode().split("\n")
        assert "RELOADING=1" in reloading
        assert any(line.startswith("MONOTONIC_USEC=") for line in reloading)
        assert "READY=1" in sock.recv(4096).decode().split("\n")
        proc.send_signal(signal.SIGTERM)
        assert "STOPPING=1" in sock.recv(4096).decode().split("\n")
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
        sock.close()
