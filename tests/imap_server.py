"""A real IMAP server for the tests: Debian's Dovecot (dovecot-imapd, installed by scripts/install.sh --test) started
on a free loopback port with its own configuration in a temporary folder; one user, mail in Maildir."""
import getpass
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .databases import in_ci

USER, PASSWORD = "shop", "imap-test-password"


@dataclass(frozen=True)
class ImapServer:
    port: int

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def deliver(self, raw: bytes) -> None:
        """A mail arrives in the inbox (IMAP APPEND: what a delivery agent does)."""
        with imaplib.IMAP4("127.0.0.1", self.port) as client:
            client.login(USER, PASSWORD)
            client.append("INBOX", None, None, raw)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _mail_owner() -> tuple[int, int]:
    """Dovecot refuses to run a mailbox as root: a root test run stores the mail as `nobody`."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


_CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_login_user = {internal}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


@contextmanager
def dovecot():
    """The server, stopped and its folder removed afterwards. The folder is not under pytest's tmp_path: that is
    private to the test run's user, and Dovecot reads its users and mail as its own users."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        message = "Dovecot is not installed (scripts/install.sh --test installs dovecot-imapd)"
        pytest.fail(message, pytrace=False) if in_ci() else pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="shopcs-imap-"))
    root.chmod(0o755)
    port, (uid, gid) = _free_port(), _mail_owner()
    for folder in ("run", "state", "home"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    os.chown(root / "home", uid, gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    internal = "dovecot" if os.getuid() == 0 else getpass.getuser()
    config = root / "dovecot.conf"
    config.write_text(_CONFIG.format(root=root, uid=uid, gid=gid, port=port, internal=internal))
    subprocess.run([binary, "-c", str(config)], check=True)
    try:
        _wait_for(port)
        yield ImapServer(port)
    finally:
        subprocess.run([binary, "-c", str(config), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not start listening on 127.0.0.1:{port}")
