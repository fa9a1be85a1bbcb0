"""``pmkscheck serve``: the checker as a page in the officer's own browser (issue 15).

:func:`serve` binds 127.0.0.1 (never another address), makes a random token, prints the URL with
the token and opens the browser on it, then serves until Ctrl+C. Uploads live in a private
temporary folder that is deleted when the server stops. The server's log names jobs and timings,
never a file's contents, a NIK or a name; the access log (which would show the token) is off.
"""

from __future__ import annotations

import logging
import socket
import sys
import tempfile
import webbrowser
from pathlib import Path

import uvicorn

from pmkscheck.serve.app import create_app
from pmkscheck.serve.jobs import JobQueue
from pmkscheck.serve.security import Gate, new_token
from pmkscheck.settings import Settings
from pmkscheck.text import section

DEFAULT_PORT = 8765


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1: ``port``, or a free one if ``port`` is 0 or taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows SO_REUSEADDR would let two servers share a port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        if port == 0:
            raise
        sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    return sock


def make_server(settings: Settings, port: int = DEFAULT_PORT, workers: int = 2,
                ttl_s: float = 3600.0, work_root: Path | None = None):  # noqa: ANN201
    """Build (not start) the uvicorn server; returns ``(server, socket, url, queue)``."""
    sock = bind(port)
    real_port = sock.getsockname()[1]
    gate = Gate(token=new_token(), port=real_port)
    root = Path(tempfile.mkdtemp(prefix="pmkscheck-serve-", dir=work_root))  # mode 0700
    queue = JobQueue(root, settings, workers=workers, ttl_s=ttl_s)
    app = create_app(queue, gate, settings.limits.max_file_bytes)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    url = f"http://127.0.0.1:{real_port}/?token={gate.token}"
    return server, sock, url, queue


def serve(settings: Settings, port: int = DEFAULT_PORT, open_browser: bool = True) -> None:
    """Run the page until interrupted; uploads are deleted on the way out."""
    logging.basicConfig(level=logging.INFO, format="pmkscheck serve: %(message)s",
                        stream=sys.stderr)
    server, sock, url, queue = make_server(settings, port)
    t = section("serve", settings.lang)
    sys.stderr.write(t["open"] + url + "\n")
    sys.stderr.write(t["stop"] + "\n")
    sys.stderr.flush()
    if open_browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    finally:
        queue.close()
        sock.close()
