"""Checking uploaded files in the background: a bounded queue of jobs (issue 15).

A job is one drop of one or more files. It runs the same pipeline as ``pmkscheck validate``
(:func:`pmkscheck.pipeline.check_paths`, the isolated reader included) with every output written
into the job's own private folder. A fixed number of worker threads take jobs in turn; when the
queue is full a new upload is refused (HTTP 503) instead of piling up. A broken or hostile file
ends as that file's one clear sentence; the worker and the server go on.

Finished jobs are deleted after ``ttl_s`` seconds, and the whole work folder when the server stops.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmkscheck.errors import PmkscheckError
from pmkscheck.pipeline import check_paths
from pmkscheck.read.isolate import spawn_in_this_thread
from pmkscheck.report.html import render_html
from pmkscheck.settings import Settings
from pmkscheck.text import code_sentence, section

log = logging.getLogger("pmkscheck.serve")
_LETTERS = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")


class QueueFull(Exception):
    """Too many jobs are waiting; the upload is refused."""


@dataclass
class Job:
    """One drop of files and what became of it."""

    id: str
    folder: Path
    names: list[str]
    lang: str
    state: str = "queued"  # queued | running | done | failed
    step: dict[str, str] = field(default_factory=dict)  # file name -> read | check | write
    report: dict[str, Any] | None = None
    html: str | None = None
    province_html: str | None = None
    downloads: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # download id -> path
    error: str | None = None
    finished: float | None = None

    def public(self) -> dict[str, Any]:
        """What the page may see (the report is masked already)."""
        return {"id": self.id, "state": self.state, "names": self.names, "step": self.step,
                "report": self.report, "downloads": self.downloads, "error": self.error,
                "has_html": self.html is not None,
                "has_province": self.province_html is not None}


class JobQueue:
    """Jobs by id, run by ``workers`` threads, at most ``max_pending`` waiting."""

    def __init__(self, root: Path, settings: Settings, workers: int = 2,
                 max_pending: int = 16, ttl_s: float = 3600.0) -> None:
        self.root = root
        self.settings = settings
        self.ttl_s = ttl_s
        self.max_pending = max_pending
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        # a worker thread of this server never forks its isolated reader (see
        # spawn_in_this_thread): each read runs in a freshly spawned interpreter
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pmkscheck-job",
                                        initializer=spawn_in_this_thread)

    def new_folder(self) -> tuple[str, Path]:
        """A fresh id and its private folder (created)."""
        # letters only (a uuid's hex digits mapped to g-v): a run of 10 digits in a folder name
        # would be masked like an identifier in messages, and _private would no longer find the
        # folder to take out of them
        job_id = uuid.uuid4().hex.translate(_LETTERS)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        return job_id, folder

    def submit(self, job_id: str, folder: Path, paths: list[Path], lang: str) -> Job:
        """Queue the check of ``paths``; raises :class:`QueueFull`."""
        self.reap()
        with self._lock:
            waiting = sum(j.state in ("queued", "running") for j in self._jobs.values())
            if waiting >= self.max_pending:
                raise QueueFull()
            job = Job(id=job_id, folder=folder, names=[p.name for p in paths], lang=lang)
            self._jobs[job_id] = job
        self._pool.submit(self._run, job, paths)
        log.info("job %s queued (%d file(s))", job_id[:8], len(paths))
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, if it exists (and has not been reaped)."""
        with self._lock:
            return self._jobs.get(job_id)

    def reap(self, now: float | None = None) -> int:
        """Delete finished jobs older than the time-to-live; return how many."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [j for j in self._jobs.values()
                   if j.finished is not None and now - j.finished > self.ttl_s]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)
        return len(old)

    def close(self) -> None:
        """Stop taking jobs, wait for running ones, delete every folder."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------------------------

    def _run(self, job: Job, paths: list[Path]) -> None:
        job.state = "running"
        t0 = time.perf_counter()
        try:
            self._check(job, paths)
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - one sentence on the page, the server goes on
            job.error = _sentence(exc, job.lang)
            job.state = "failed"
        job.finished = time.monotonic()
        log.info("job %s %s in %.1f s", job.id[:8], job.state, time.perf_counter() - t0)

    def _check(self, job: Job, paths: list[Path]) -> None:
        settings = dataclasses.replace(
            self.settings, lang=job.lang, write=True, output_dir=job.folder / "hasil",
            format="json", progress=False)

        def progress(message: str) -> None:
            verb, _, rest = message.partition(" ")
            name = rest.split(" [", 1)[0]
            job.step[name] = {"baca/read": "read", "periksa/check": "check",
                              "tulis/write": "write"}.get(verb, verb)

        report = check_paths([str(p) for p in paths], settings, progress=progress)
        doc = report.to_dict()
        for entry in doc["files"]:
            entry.pop("outputs", None)
            entry.pop("timings", None)
        job.report = json.loads(_private(json.dumps(doc, ensure_ascii=False), paths, job.folder))
        job.html = _private(render_html(report, settings), paths, job.folder)
        for f in report.files:
            for key, target in f.outputs.items():
                self._offer(job, key, Path(target), f.sheet)
        summary = report.province
        if summary is not None and getattr(summary, "outputs", None):
            self._offer(job, "province_xlsx", Path(summary.outputs["xlsx"]), None)
            self._offer(job, "province_html", Path(summary.outputs["html"]), None)
            job.province_html = _private(
                Path(summary.outputs["html"]).read_text(encoding="utf-8"), paths, job.folder)
        for name in job.names:
            job.step[name] = "done"

    def _offer(self, job: Job, key: str, target: Path, sheet: str | None) -> None:
        if not target.is_file():
            return
        n = str(len(job.files) + 1)
        job.files[n] = target
        label = section("outputs", job.lang).get(key, key)
        job.downloads.append({"id": n, "kind": key, "label": label, "name": target.name,
                              "sheet": sheet or ""})


def _private(text: str, paths: list[Path], folder: Path) -> str:
    """``text`` with the server's folders taken out: the officer sees only file names."""
    for p in paths:
        for form in {str(p), str(p.resolve()), p.as_posix()}:
            text = text.replace(json.dumps(form)[1:-1], p.name).replace(form, p.name)
    for form in {str(folder), str(folder.resolve())}:
        text = text.replace(json.dumps(form)[1:-1], "").replace(form, "")
    return text


def _sentence(exc: Exception, lang: str) -> str:
    """One sentence for a job that failed as a whole (never a traceback, never data)."""
    if isinstance(exc, PmkscheckError):
        code = getattr(exc, "code", "")
        said = code_sentence(code, getattr(exc, "params", {}), lang)
        if said is not None:
            return " ".join(said) or code
    log.warning("job failed: %s", type(exc).__name__)
    t = section("serve", lang)
    return f"{t['internal_error']}: {type(exc).__name__}. {t['internal_todo']}"
