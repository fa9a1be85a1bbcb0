"""How child processes start here, and the pandera helper (issue 16: start-up time).

:func:`isolation_method` says how the isolated reader (:mod:`pmkscheck.read.isolate`) starts:
``fork`` or ``spawn``. Standard library only.

**The pandera helper.** pandera takes ~0.4 s to import, and its built-in checks ~0.1 s more
(they import hypothesis's strategies where hypothesis is installed): a third of the run on a
small workbook, where the isolated reader is done long before the import would be
(``pipeline._warm_up`` hides the import behind the read only when the read is the longer of the
two: large files). For one small file the CLI therefore forks this helper as soon as pandas is
imported (``cli.validate``; for the Python API the pipeline does, just before the reader): the
helper shares pandas with this process and imports only pandera, its built-in checks and
:mod:`pmkscheck.schema.to_pandera` (:data:`WARM`), on the other core, while this process imports
the stages, reads, normalises and runs the other checks; the VALUE_ checks (the last to run) then
send the distinct values of their columns to it and get pandera's failure cases back
(:func:`call`). pandera runs the same schema on the same values either way
(:func:`pmkscheck.schema.to_pandera.failures`): only the process differs. The import moves to
the helper rather than being done twice, so a busy machine pays little extra CPU for it (a
helper forked before pandas is imported would start sooner but import pandas a second time:
measured slower under load).

When (:func:`start_for`): one file of at most :data:`HELPER_MAX_BYTES` (its read is shorter than
pandera's import), the reader isolated by ``fork`` (not Windows, not a ``serve`` job thread: they
import pandera in-process, as before), pandera not imported yet, and only once per process (a
process that checks again -- a folder, the Python API -- imports pandera once, in-process,
behind the next read). The helper can only make a run faster, never change it: if it fails (it
dies, passes the reader's time limit, raises), :func:`call` runs the function in this process.
It holds no data beyond the distinct values it is sent, dies with its parent, and is killed at
:func:`stop` (the end of the first file, or of the CLI command).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HELPER_MAX_BYTES = 1 << 20
"""Files up to this size are validated in the pandera helper: their read is shorter than
pandera's import. A larger file imports pandera in-process, behind its read."""
HIDES = "pandera"
"""The import the helper hides: none is started once this module is imported here."""
WARM = "pmkscheck.schema.to_pandera:warm"
"""What the helper runs first: imports pandera and the check module, validates one value."""
UNUSED = ("hypothesis",)
"""Imports the helper refuses: pandera loads hypothesis (~0.1 s) for data synthesis, which a
helper never does, when it is installed (a test dependency of pmkscheck: a user's install has
none, and pandera validates the same without it)."""

_THREAD = threading.local()


def spawn_in_this_thread() -> None:
    """Make reads started from the calling thread use ``spawn``, never ``fork``.

    For threads of a multi-threaded server (``pmkscheck serve``'s job workers): a child forked
    from such a process inherits every lock another thread happened to hold (logging, imports,
    the allocator) and can hang on it; a spawned interpreter starts clean.
    """
    _THREAD.spawn = True


def isolation_method() -> str:
    """``fork`` or ``spawn``: how the isolated child starts here.

    ``fork`` where the platform has it, else ``spawn``; ``PMKSCHECK_ISOLATE=spawn`` (or
    ``fork``, where it exists) chooses; a thread marked by :func:`spawn_in_this_thread` spawns.
    """
    forced = os.environ.get("PMKSCHECK_ISOLATE", "").strip().lower()
    if forced == "fork" and hasattr(os, "fork"):
        return "fork"
    if forced == "spawn" or not hasattr(os, "fork") or getattr(_THREAD, "spawn", False):
        return "spawn"
    return "fork"


# --------------------------------------------------------------------------- the pandera helper


_HEADER = struct.Struct("<Q")
_PENDING: list[int] = []  # killed helpers not reaped yet
_STATE: dict[str, Any] = {}  # "pid", "to", "back", "timeout": the running helper; "used"


def start_for(paths: Iterable[str | Path], isolate: bool, timeout_s: float) -> bool:
    """Start the helper if this run checks one small file (see the module docstring).

    Args:
        paths: the run's paths (one file of at most :data:`HELPER_MAX_BYTES`, else nothing).
        isolate: ``Limits.isolate`` (a reader in-process: no helper either).
        timeout_s: how long a :func:`call` may wait for the helper (the reader's time limit).

    Returns:
        Whether a helper runs.
    """
    _reap()
    if _STATE.get("pid"):
        return True
    paths = list(paths)
    if (_STATE.get("used") or not isolate or len(paths) != 1 or HIDES in sys.modules
            or isolation_method() != "fork"):
        return False
    try:
        if not Path(paths[0]).is_file() or Path(paths[0]).stat().st_size > HELPER_MAX_BYTES:
            return False
    except OSError:  # the reader says why
        return False
    _STATE["used"] = True
    to_r, to_w = os.pipe()
    back_r, back_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the helper
        os.close(to_w)
        os.close(back_r)
        _serve(to_r, back_w)
    os.close(to_r)
    os.close(back_w)
    _STATE.update(pid=pid, to=to_w, back=back_r, timeout=max(timeout_s, 1))
    return True


def running() -> bool:
    """Is a helper started for this file?"""
    return bool(_STATE.get("pid"))


def call(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in the helper if one runs (``fn`` and ``args`` pickled), else here.

    Any failure of the helper (dead, too slow, an exception) ends it and runs ``fn`` here.
    """
    if not running():
        return fn(*args)
    try:
        deadline = time.monotonic() + _STATE["timeout"]
        _send(_STATE["to"], pickle.dumps((fn, args), protocol=5), deadline)
        kind, value = pickle.loads(_receive(_STATE["back"], deadline))  # noqa: S301 - our child
    except (OSError, EOFError, TimeoutError, pickle.PickleError, ValueError, TypeError,
            AttributeError, ImportError, MemoryError):
        kind, value = "failed", None
    if kind == "ok":
        return value
    stop()
    return fn(*args)


def stop() -> None:
    """End the helper (it may still be importing: it is killed, not waited for)."""
    pid = _STATE.pop("pid", None)
    for key in ("to", "back"):
        fd = _STATE.pop(key, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
    if pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _PENDING.append(pid)
    _reap()


def _reap() -> None:
    """Reap the killed helpers that have exited; the others at a later call.

    (Or never: they go with this process.) Waiting for the kernel to tear a killed helper down
    costs ~20 ms that a run need not spend, and a thread to wait would make a later fork unsafe.
    """
    for pid in list(_PENDING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _PENDING.remove(pid)


# --------------------------------------------------------------------------- pipes


def _send(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        _wait(fd, deadline, write=True)
        view = view[os.write(fd, view):]


def _receive(fd: int, deadline: float) -> bytes:
    size = _HEADER.unpack(_read(fd, _HEADER.size, deadline))[0]
    return _read(fd, size, deadline)


def _read(fd: int, size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        _wait(fd, deadline, write=False)
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _wait(fd: int, deadline: float, write: bool) -> None:
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready = select.select([], [fd], [], min(left, 1.0))[1] if write else (
            select.select([fd], [], [], min(left, 1.0))[0])
        if ready:
            return


# --------------------------------------------------------------------------- the helper


def _serve(rfd: int, wfd: int) -> None:  # pragma: no cover - child
    """The helper's life: quiet, bound to its parent, warm up, answer calls until EOF."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
        if os.getppid() == 1:  # the parent died before prctl
            os._exit(0)
        if not os.environ.get("PMKSCHECK_DEBUG"):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)  # never a byte into the parent's report stream
            os.dup2(null, 2)
            os.close(null)
        for unused in UNUSED:
            sys.modules.setdefault(unused, None)  # type: ignore[arg-type]  # ImportError
        with contextlib.suppress(Exception):
            module, name = WARM.split(":")
            getattr(importlib.import_module(module), name)()
        deadline = float("inf")
        while True:
            try:
                request = _receive(rfd, deadline)
            except EOFError:
                break
            try:
                fn, args = pickle.loads(request)  # noqa: S301 - from our parent
                reply = ("ok", fn(*args))
                data = pickle.dumps(reply, protocol=5)
            except BaseException as exc:  # noqa: BLE001 - the parent runs it again itself
                data = pickle.dumps(("error", type(exc).__name__), protocol=5)
            _send(wfd, data, deadline)
    except BaseException:  # noqa: BLE001 - the parent falls back to itself
        code = 70
    finally:
        os._exit(code)


__all__ = ["HELPER_MAX_BYTES", "call", "isolation_method", "running", "spawn_in_this_thread",
           "start_for", "stop"]
