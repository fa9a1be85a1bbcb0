"""The web application: routes of the local checker page (issue 15).

Starlette is the ASGI toolkit (small, typed, well kept; routing, responses, middleware and a test
client, nothing else), uvicorn the server, python-multipart the streaming form parser. Every
route sits behind :class:`~pmkscheck.serve.security.GateMiddleware`. The page, its script and its
style ship in ``pmkscheck/serve/static``: no CDN, no request leaves the machine.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pmkscheck import reference
from pmkscheck.errors import UsageError
from pmkscheck.rules import catalogue, codes
from pmkscheck.serve.jobs import JobQueue, QueueFull
from pmkscheck.serve.security import COOKIE, Gate, GateMiddleware
from pmkscheck.serve.uploads import ALLOWED_SUFFIXES, UploadError, receive_files
from pmkscheck.text import lang_of, section
from pmkscheck.write.template import write_template

log = logging.getLogger("pmkscheck.serve")

STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}
UPLOAD_STATUS = {"too_large": 413, "bad_form": 400, "no_file": 400, "suffix": 400, "busy": 503}
"""HTTP status of each refused upload; its sentence is in the text catalogue (``upload``)."""
# Content-Security-Policy: the page may load only its own script and style and talk to itself.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def _lang(request: Request) -> str:
    return lang_of(request.query_params.get("lang"))


def _static(name: str) -> bytes:
    return resources.files("pmkscheck.serve").joinpath("static", name).read_bytes()


def create_app(queue: JobQueue, gate: Gate, max_upload_bytes: int) -> Starlette:
    """The Starlette app serving one officer's browser."""

    async def index(request: Request) -> Response:
        response = HTMLResponse(_static("index.html"), headers={
            "Content-Security-Policy": CSP, "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})
        response.set_cookie(COOKIE, gate.token, httponly=True, samesite="strict", path="/")
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        suffix = Path(name).suffix
        if "/" in name or "\\" in name or suffix not in STATIC_TYPES:
            return Response(status_code=404)
        try:
            body = _static(name)
        except FileNotFoundError:
            return Response(status_code=404)
        return Response(body, media_type=STATIC_TYPES[suffix],
                        headers={"X-Content-Type-Options": "nosniff"})

    def refuse(code: str, lang: str, **params: object) -> JSONResponse:
        sentence = section("upload", lang)[code].format(**params)
        return JSONResponse({"error": sentence}, status_code=UPLOAD_STATUS[code])

    async def upload(request: Request) -> Response:
        lang = _lang(request)
        limit_mb = max_upload_bytes // (1024 * 1024)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_upload_bytes:
            return refuse("too_large", lang, limit=limit_mb)
        job_id, folder = queue.new_folder()
        try:
            paths = await receive_files(request.stream(), request.headers.get("content-type", ""),
                                        folder / "unggahan", max_upload_bytes)
        except UploadError as err:
            _discard(folder)
            return refuse(err.code, lang, limit=limit_mb)
        for p in paths:
            if p.suffix.lower() not in ALLOWED_SUFFIXES:
                _discard(folder)
                return refuse("suffix", lang, name=p.name)
        try:
            job = queue.submit(job_id, folder, paths, lang)
        except QueueFull:
            _discard(folder)
            return refuse("busy", lang)
        return JSONResponse(job.public(), status_code=202)

    async def job_status(request: Request) -> Response:
        job = queue.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(job.public(), headers={"Cache-Control": "no-store"})

    async def job_html(request: Request) -> Response:
        job = queue.get(request.path_params["job"])
        which = request.path_params["which"]
        html = None if job is None else (job.province_html if which == "provinsi" else job.html)
        if html is None:
            return Response(status_code=404)
        return HTMLResponse(html, headers={"Cache-Control": "no-store",
                                           "Content-Security-Policy": "default-src 'none'; "
                                           "style-src 'unsafe-inline'; img-src data:"})

    async def download(request: Request) -> Response:
        job = queue.get(request.path_params["job"])
        target = None if job is None else job.files.get(request.path_params["file"])
        if target is None or not target.is_file():
            return Response(status_code=404)
        return FileResponse(target, filename=target.name,
                            headers={"Cache-Control": "no-store"})

    async def rules(request: Request) -> Response:
        lang = _lang(request)
        table = catalogue()
        return JSONResponse([
            {"code": c, "severity": table[c].severity.label, "group": table[c].group,
             **{k: table[c].doc(k, lang) for k in ("title", "what", "why", "fix")}}
            for c in codes()])

    async def districts(request: Request) -> Response:
        return JSONResponse([{"code": code, "name": reference.kabupaten_name(code)}
                             for code in reference.KALTIM_KABKOTA])

    async def template(request: Request) -> Response:
        district = request.query_params.get("district", "")
        kind = request.query_params.get("kind", "individu")
        job_id, folder = queue.new_folder()
        target = folder / f"templat_pmks_{kind}_{district}.xlsx"
        try:
            write_template(target, district, kind)
        except UsageError:
            _discard(folder)
            return JSONResponse({"error": "district/kind"}, status_code=400)
        body = target.read_bytes()
        _discard(folder)
        return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={
                            "Content-Disposition": f'attachment; filename="{target.name}"'})

    routes = [
        Route("/", index),
        Route("/static/{name}", static),
        Route("/api/jobs", upload, methods=["POST"]),
        Route("/api/jobs/{job}", job_status),
        Route("/api/jobs/{job}/{which:str}.html", job_html),
        Route("/api/jobs/{job}/files/{file}", download),
        Route("/api/rules", rules),
        Route("/api/districts", districts),
        Route("/api/template", template),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(GateMiddleware, gate=gate)
    return app


def _discard(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
