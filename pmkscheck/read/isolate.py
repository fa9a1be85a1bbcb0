"""Run the reader in a child process with memory and time limits (issue 5).

Stage ① read, the wrapper the pipeline calls: :func:`read_guarded` = :func:`guard.inspect`
(cheap pre-parse checks, notices) then :func:`read_isolated`.

calamine is Rust: on a crafted file it can abort the whole process (an allocation failure or a
panic is not a Python exception), and any parser can loop or eat all memory on a hostile file.
So the read runs in a forked child:

* the child sets ``RLIMIT_AS`` to ``Limits.memory_mb`` (never above the hard limit it inherited)
  and ``RLIMIT_CORE`` to 0 (no core dump full of personal data), sends its stdout and stderr to
  ``/dev/null`` (a Rust panic message may quote a cell; ``PMKSCHECK_DEBUG=1`` keeps them), dies
  with its parent (``PR_SET_PDEATHSIG``), reads, and pickles the :class:`ReadResult` (protocol
  5) straight into a pipe;
* the parent unpickles from the pipe as the bytes arrive (neither side ever holds the whole
  pickle: ~300 MB for 1M rows), every read with a deadline of ``Limits.timeout_s`` seconds, and
  accepts the result only if the child then exits with status 0; a child that is killed by a
  signal, runs out of memory or time, or exits without a result becomes :class:`InputError`
  ``INPUT_READER_FAILED`` (exit status 2), never a dead or hung pmkscheck;
* an :class:`InputError` raised in the child is raised again in the parent unchanged; any other
  exception (a reader bug) is raised again as itself when it pickles, so isolation changes
  nothing but the failure modes that would kill the process.

Cost (measured on the 2-core test machine under load, 100k rows x 15 text columns, whose read
took ~10 s there): fork ~5 ms; with pandas' own pickling the result costs 2.0 s to pickle and
0.8 s to load, so text columns travel as Arrow string arrays instead (:class:`_ArrowPickler`):
1.0 s + 0.3 s under that load, ~0.2 s + 0.15 s on a quiet machine. Both processes hand freed heap
back to the system after the read (:func:`release_memory`), which keeps the peak of a 1M-row
xlsx read under 2 GB. A 1M-row xlsx (814 MB of sheet XML) reads isolated within the default
6 GB address-space limit.
That is cheap enough to isolate every read, so there is no size threshold; ``Limits.isolate =
False`` reads in-process.

**Without fork (Windows; issue 12)** the child is a new interpreter (``sys.executable``, the
same ``sys.path``) that :func:`spawned_child` runs: the parent pickles the request into its
stdin, the child pickles the result to its stdout the same way (and sends its own stdout and
stderr to the null device). The limits are the best the platform offers: the same
``RLIMIT_AS`` / ``RLIMIT_CORE`` / die-with-parent on POSIX, set by the child first thing; on
Windows a Job Object with a per-process memory limit that kills the child when pmkscheck ends
(best effort: without it, the child's own ``MemoryError`` check); the time limit everywhere (a
reader thread, no ``select``). ``PMKSCHECK_ISOLATE=spawn`` forces this road where fork exists
(the tests run the hostile corpus through it), ``=fork`` the other; start-up costs ~1 s more
than a fork (a fresh interpreter imports the readers).

Why one module of ~660 lines: process isolation is platform code (fork, spawn, Windows job objects,
pipes, frame pickling) that has to be read together to be trusted.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pmkscheck import distinct
from pmkscheck.errors import InputError, internal_failure
from pmkscheck.mask import scrub
from pmkscheck.memory import release_memory
from pmkscheck.processes import isolation_method, spawn_in_this_thread
from pmkscheck.read import guard, read_file
from pmkscheck.read.grid import arrow_texts

if TYPE_CHECKING:
    from pmkscheck.read import ReadResult
    from pmkscheck.schema import Schema
    from pmkscheck.settings import Limits, Settings

_READ_CHUNK = 1 << 20
_EXIT_MEMORY = 71  # the child ran out of memory while sending its result
# Notices of the guard that the reader may report itself under its own code.
_SAME_NOTICE = {"FILE_MACROS": "WORKBOOK_MACROS"}


def read_guarded(path: Path, settings: Settings, schema: Schema | None = None,
                 meanwhile: Callable[[], object] | None = None) -> ReadResult:
    """Inspect ``path`` (:func:`guard.inspect`), then read it; notices merged.

    Both run in the isolated child: the guard's own pass over a large workbook (it inflates
    every XML part to catch bombs before any parser sees them) then overlaps with ``meanwhile``
    in the parent, and a file that troubles the guard itself is bounded by the child's limits.

    Args:
        path: the input file.
        settings: ``settings.limits`` configures the guards and the isolation.
        schema: passed on to :func:`pmkscheck.read.read_file`.
        meanwhile: work for the parent while the child reads (see :func:`read_isolated`).

    Returns:
        The reader's result with the guard's notices first.

    Raises:
        InputError: the file cannot be checked (exit status 2).
    """
    return read_isolated(Path(path), settings, schema, meanwhile, reader=_inspect_then_read)


def _inspect_then_read(path: Path, settings: Settings, schema: Schema | None) -> ReadResult:

    notices = guard.inspect(path, settings.limits)
    result = read_file(path, settings, schema)
    if notices:
        have = {n.code for n in result.notices}
        notices = [n for n in notices if _SAME_NOTICE.get(n.code) not in have]
        result = replace(result, notices=[*notices, *result.notices])
    return result


def _read_file(path: Path, settings: Settings, schema: Schema | None) -> ReadResult:

    return read_file(path, settings, schema)


def read_isolated(path: Path, settings: Settings, schema: Schema | None = None,
                  meanwhile: Callable[[], object] | None = None,
                  reader: Callable[[Path, Settings, Schema | None], ReadResult] | None = None,
                  ) -> ReadResult:
    """:func:`pmkscheck.read.read_file` in a child process with memory and time limits.

    Args:
        path: the input file.
        settings: ``settings.limits.memory_mb`` / ``timeout_s`` bound the child;
            ``settings.limits.isolate`` False reads in-process.
        schema: passed on to the reader.
        meanwhile: work for the parent while the child reads (the pipeline imports the checks
            and loads reference data: on two cores that costs nothing).
        reader: what the child runs (default :func:`pmkscheck.read.read_file`).

    Returns:
        The reader's :class:`~pmkscheck.read.ReadResult`.

    Raises:
        InputError: from the reader, or ``INPUT_READER_FAILED`` when the child dies, runs out
            of memory or passes its time limit.
    """
    reader = reader or _read_file
    limits = settings.limits
    if not limits.isolate:
        if meanwhile is not None:
            meanwhile()
        return reader(path, settings, schema)
    if isolation_method() == "spawn":
        return _read_spawned(path, settings, schema, meanwhile, reader)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (covered by the hostile tests)
        os.close(rfd)
        _child(wfd, path, settings, schema, reader)
    os.close(wfd)
    try:
        if meanwhile is not None:
            meanwhile()
        result, status = _receive(rfd, pid, path, limits)
    finally:
        os.close(rfd)
    release_memory()
    code = os.waitstatus_to_exitcode(status) if status >= 0 else None
    return _outcome(result, code, path, limits)


def _read_spawned(path: Path, settings: Settings, schema: Schema | None,
                  meanwhile: Callable[[], object] | None,
                  reader: Callable) -> ReadResult:
    """:func:`read_isolated` without fork: a new interpreter runs :func:`spawned_child`."""
    limits = settings.limits
    root = str(Path(__file__).resolve().parents[2])  # this very pmkscheck (read/isolate.py)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    debug = bool(os.environ.get("PMKSCHECK_DEBUG"))
    deadline = time.monotonic() + max(limits.timeout_s, 1)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-c",
         "from pmkscheck.read.isolate import spawned_child; spawned_child()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL, env=env,
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    job = _windows_job(proc, limits.memory_mb)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        box: dict[str, object] = {}
        thread = threading.Thread(target=_load_into, args=(proc.stdout, box), daemon=True,
                                  name="pmkscheck-receive")
        thread.start()
        with contextlib.suppress(OSError):  # a child that died at once: its exit code says why
            pickle.dump(list(sys.path), proc.stdin, protocol=5)
            pickle.dump((path, settings, schema, reader), proc.stdin, protocol=5)
            proc.stdin.close()
        if meanwhile is not None:
            meanwhile()
        thread.join(max(deadline - time.monotonic(), 0))
        if thread.is_alive():
            _stop(proc)
            raise InputError("INPUT_READER_FAILED", path, reason=(
                f"time limit of {limits.timeout_s} s passed{guard.how_to_raise('timeout-s')}"
            ))
        try:
            code: int | None = proc.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            _stop(proc)
            code = None
    except BaseException:
        _stop(proc)
        raise
    finally:
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        if job is not None:
            _close_handle(job)
    release_memory()
    return _outcome(box.get("result"), code, path, limits)


def _load_into(stream: object, box: dict[str, object]) -> None:
    """Unpickle the child's result from ``stream`` into ``box["result"]`` (thread body)."""
    with contextlib.suppress(EOFError, pickle.UnpicklingError, ValueError, TypeError,
                             AttributeError, ImportError, IndexError, KeyError, MemoryError,
                             OSError):
        box["result"] = pickle.load(stream)  # type: ignore[arg-type]  # noqa: S301


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _windows_job(proc: subprocess.Popen, memory_mb: int) -> object | None:  # pragma: no cover
    """Put the child in a Windows Job Object: a memory limit, killed when pmkscheck ends.

    Best effort (``None`` elsewhere or on failure): the time limit and the child's own
    ``MemoryError`` check still hold.
    """
    if sys.platform != "win32":
        return None
    try:
        import ctypes
        from ctypes import wintypes

        class _Basic(ctypes.Structure):
            _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                        ("PerJobUserTimeLimit", ctypes.c_int64),
                        ("LimitFlags", wintypes.DWORD),
                        ("MinimumWorkingSetSize", ctypes.c_size_t),
                        ("MaximumWorkingSetSize", ctypes.c_size_t),
                        ("ActiveProcessLimit", wintypes.DWORD),
                        ("Affinity", ctypes.c_size_t),
                        ("PriorityClass", wintypes.DWORD),
                        ("SchedulingClass", wintypes.DWORD)]

        class _Extended(ctypes.Structure):
            _fields_ = [("BasicLimitInformation", _Basic),
                        ("IoInfo", ctypes.c_ulonglong * 6),
                        ("ProcessMemoryLimit", ctypes.c_size_t),
                        ("JobMemoryLimit", ctypes.c_size_t),
                        ("PeakProcessMemoryUsed", ctypes.c_size_t),
                        ("PeakJobMemoryUsed", ctypes.c_size_t)]

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, wintypes.LPCWSTR]
        kernel32.SetInformationJobObject.argtypes = [wintypes.HANDLE, ctypes.c_int,
                                                     ctypes.c_void_p, wintypes.DWORD]
        kernel32.AssignProcessToJobObject.argtypes = [wintypes.HANDLE, wintypes.HANDLE]
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return None
        info = _Extended()
        flags = 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if memory_mb > 0:
            flags |= 0x0100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
            info.ProcessMemoryLimit = memory_mb * 1024 * 1024
        info.BasicLimitInformation.LimitFlags = flags
        ok = kernel32.SetInformationJobObject(job, 9, ctypes.byref(info), ctypes.sizeof(info))
        if not ok or not kernel32.AssignProcessToJobObject(job, int(proc._handle)):  # type: ignore[attr-defined]
            _close_handle(job)
            return None
        return job
    except Exception:  # noqa: BLE001 - the time limit still holds
        return None


def _close_handle(handle: object) -> None:  # pragma: no cover - Windows
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- child


def _child(wfd: int, path: Path, settings: Settings, schema: Schema | None,
           reader: Callable) -> None:  # pragma: no cover - child process
    code = 70
    try:
        _limit_child(settings.limits)
        code = _run_child(wfd, path, settings, schema, reader)
    except BaseException:  # noqa: BLE001,S110 - the exit code tells the parent
        pass
    finally:
        os._exit(code)


def _run_child(wfd: int, path: Path, settings: Settings, schema: Schema | None,
               reader: Callable) -> int:  # pragma: no cover - child process
    """Read and send the outcome into ``wfd``; returns the exit status for the parent."""
    code = 70
    try:
        try:
            payload: tuple = ("ok", reader(path, settings, schema))
        except InputError as err:
            payload = ("input", err.code, err.path, dict(err.params))
        except MemoryError:
            payload = ("memory",)
        except BaseException as exc:  # noqa: BLE001 - handed to the parent as it is
            payload = ("exception", exc)
        release_memory()
        with open(wfd, "wb", buffering=_READ_CHUNK) as out:
            if payload[0] == "ok":
                # streamed: neither process ever holds the whole pickle (1M rows: ~300 MB)
                try:
                    _ArrowPickler(out, protocol=5).dump(payload)
                except MemoryError:
                    code = _EXIT_MEMORY
                    raise
            else:
                out.write(_small_payload(payload))
        code = 0
    except BaseException:  # noqa: BLE001,S110 - the exit code tells the parent
        pass
    return code


def spawned_child() -> None:  # pragma: no cover - runs in the spawned child
    """Entry point of the spawned child (module docstring): request on stdin, result on stdout."""
    code = 70
    try:
        out = os.dup(1)  # the result channel; fd 1 itself goes to the null device
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
        _quiet_windows()
        stdin = sys.stdin.buffer
        parent_path = pickle.load(stdin)
        sys.path[:] = [*parent_path, *(p for p in sys.path if p not in parent_path)]
        path, settings, schema, reader = pickle.load(stdin)  # noqa: S301 - from our parent
        _limit_child(settings.limits)
        code = _run_child(out, path, settings, schema, reader)
    except BaseException:  # noqa: BLE001,S110 - the exit code tells the parent
        pass
    finally:
        os._exit(code)


def _quiet_windows() -> None:  # pragma: no cover - Windows
    """No error dialog and no Rust message on a console: our stdout is the null device."""
    if sys.platform != "win32":
        return
    with contextlib.suppress(Exception):
        import ctypes
        import msvcrt

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetErrorMode(0x0001 | 0x0002 | 0x8000)  # no GP-fault or open-file dialogs
        kernel32.SetStdHandle(-11, msvcrt.get_osfhandle(1))  # STD_OUTPUT_HANDLE -> null


def _small_payload(payload: tuple) -> bytes:  # pragma: no cover - child process
    """An error payload as bytes; an exception that does not pickle travels as its text."""
    try:
        return pickle.dumps(payload, protocol=5)
    except MemoryError:
        return pickle.dumps(("memory",), protocol=5)
    except Exception:  # noqa: BLE001 - an exception that does not pickle

        exc = payload[-1]
        return pickle.dumps(("exception", RuntimeError(
            f"{type(exc).__name__}: {scrub(str(exc))[:300]}")), protocol=5)


def _limit_child(limits: Limits) -> None:  # pragma: no cover - child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
    try:
        import resource
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.memory_mb > 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limits.memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    if not os.environ.get("PMKSCHECK_DEBUG"):
        import faulthandler

        faulthandler.disable()  # it may hold a duplicate of the parent's stderr
        sys.stdout.flush()
        sys.stderr.flush()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)


# --------------------------------------------------------------------------- transport


def _dumps(payload: object) -> memoryview:
    """Pickle (protocol 5) into memory, text columns as Arrow (see :class:`_ArrowPickler`)."""
    buf = io.BytesIO()
    _ArrowPickler(buf, protocol=5).dump(payload)
    return buf.getbuffer()


def _arrow(values: object) -> object | None:
    try:
        import pyarrow as pa

        return pa.array(values, type=pa.string(), from_pandas=False)
    except Exception:  # noqa: BLE001 - not all text: pickle the column as it is
        return None


def _rebuild_frame(names: list, cols: list, index: object) -> object:
    import pandas as pd

    data = {name: _unpack(col) for name, col in zip(names, cols, strict=True)}
    return pd.DataFrame(data, index=index, copy=False)


def _rebuild_series(packed: object, index: object, name: object) -> object:
    import pandas as pd

    return pd.Series(_unpack(packed), index=index, name=name, dtype=object, copy=False)


def _pack(values: object) -> object:
    """An object column in its transport form, or ``None`` to pickle it as it is.

    Repetitive text (few distinct values in its first 2,000 cells: wilayah, jenis, cell kinds)
    travels as int32 codes + the distinct strings; other text as an Arrow string array.
    """
    arr = values  # an object ndarray
    if len(arr) > 4000 and len(set(arr[:2000].tolist())) <= 200:  # type: ignore[index,arg-type]
        codes, uniques = distinct.factorize(arr)
        missing = arr[codes < 0]  # type: ignore[index]
        if all(type(u) is str for u in uniques) and (
                not len(missing) or np.equal(missing, None).all()):  # NaN, other types: no
            return _Coded(codes.astype(np.int32), list(uniques))
    return _arrow(arr)


def _unpack(packed: object) -> object:

    if isinstance(packed, np.ndarray):
        return packed
    if isinstance(packed, _Coded):
        return distinct.take_or_none(packed.uniques, packed.codes)
    return arrow_texts(packed)


class _Coded:
    """Transport form of a repetitive text column (see :func:`_pack`)."""

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: object, uniques: list) -> None:
        self.codes, self.uniques = codes, uniques

    def __reduce__(self) -> tuple:
        return _Coded, (self.codes, self.uniques)


class _ArrowPickler(pickle.Pickler):
    """Pickle (protocol 5); text columns of frames and series travel as buffers, not objects.

    pandas pickles an object column element by element; an Arrow string array is two buffers,
    and a repetitive column is an int32 array plus its few distinct strings (:func:`_pack`).
    Measured on 100k rows x 15 columns (data + kinds): 2.0 s -> 1.0 s to pickle, 0.8 s ->
    0.3 s to load, under load. A column holding anything but ``str``/``None`` is pickled as it is.
    """

    def reducer_override(self, obj: object) -> object:
        import pandas as pd

        if type(obj) is pd.DataFrame and obj.columns.is_unique:
            cols: list = []
            for _, col in obj.items():
                packed = _pack(col.to_numpy()) if col.dtype == object else None
                cols.append(packed if packed is not None else col.to_numpy())
            return _rebuild_frame, (list(obj.columns), cols, obj.index)
        if type(obj) is pd.Series and obj.dtype == object:
            packed = _pack(obj.to_numpy())
            if packed is not None:
                return _rebuild_series, (packed, obj.index, obj.name)
        return NotImplemented


# --------------------------------------------------------------------------- parent


class _Deadline(Exception):  # noqa: N818 - a signal, not an error
    """The reader passed its time limit."""


class _Pipe(io.RawIOBase):
    """The read end of the child's pipe; every read waits at most until ``deadline``."""

    def __init__(self, fd: int, deadline: float) -> None:
        super().__init__()
        self._fd = fd
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise _Deadline
            ready, _, _ = select.select([self._fd], [], [], min(left, 1.0))
            if ready:
                return os.readv(self._fd, [buffer])


def _receive(rfd: int, pid: int, path: Path, limits: Limits) -> tuple[object, int]:
    """Unpickle the child's result as it streams in, then reap the child.

    Returns ``(result or None, wait status)``; ``None`` when the stream is cut short (the child
    died or failed), and the status says why. Kills the child at the deadline.
    """
    deadline = time.monotonic() + max(limits.timeout_s, 1)
    result = None
    try:
        with contextlib.suppress(EOFError, pickle.UnpicklingError, ValueError, TypeError,
                                 AttributeError, ImportError, IndexError, KeyError,
                                 MemoryError):
            result = pickle.load(io.BufferedReader(_Pipe(rfd, deadline), _READ_CHUNK))  # noqa: S301
        status = _reap(pid, deadline)
    except _Deadline:
        _kill(pid)
        raise InputError("INPUT_READER_FAILED", path, reason=(
            f"time limit of {limits.timeout_s} s passed{guard.how_to_raise('timeout-s')}"
        )) from None
    except BaseException:
        _kill(pid)
        raise
    return result, status


def _reap(pid: int, deadline: float) -> int:
    """Wait for the child (it has closed the pipe, so it is exiting); kill it at the deadline."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            _kill(pid)
            return -1
        time.sleep(0.005)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _outcome(result: object, code: int | None, path: Path, limits: Limits) -> ReadResult:
    """The child's result, or why there is none.

    ``code`` is the child's exit code, ``None`` when it was killed at the time limit.
    """
    if result is None or code != 0:
        if code is None:
            reason = (f"time limit of {limits.timeout_s} s passed"
                      f"{guard.how_to_raise('timeout-s')}")
        elif code < 0:
            reason = f"the reader stopped abnormally ({_signal_name(-code)}; " \
                     f"memory limit {limits.memory_mb} MB)"
        elif code == _EXIT_MEMORY:
            reason = (f"memory limit of {limits.memory_mb} MB reached"
                      f"{guard.how_to_raise('memory-mb')}")
        elif code > 0xFFFF:  # a Windows status (0xC0000409: a fail-fast abort)
            reason = f"the reader stopped abnormally (status {code & 0xFFFFFFFF:#010X}; " \
                     f"memory limit {limits.memory_mb} MB)"
        else:
            reason = f"the reader stopped abnormally (exit status {code})"
        raise InputError("INPUT_READER_FAILED", path, reason=reason)
    kind = result[0]
    if kind == "ok":
        return result[1]
    if kind == "input":
        _, code_, err_path, params = result
        params = {k: v for k, v in params.items() if k != "path"}
        raise InputError(code_, err_path if err_path is not None else path, **params)
    if kind == "memory":
        raise InputError("INPUT_READER_FAILED", path, reason=(
            f"memory limit of {limits.memory_mb} MB reached{guard.how_to_raise('memory-mb')}"))
    if isinstance(result[1], ImportError):  # not a bug of the file: name the broken install
        raise internal_failure(result[1], path, limits.memory_mb)
    raise result[1]


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


__all__ = ["isolation_method", "read_guarded", "read_isolated", "release_memory",
           "spawn_in_this_thread", "spawned_child"]
