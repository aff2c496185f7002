"""The explorer's web application: the page, its files, and the JSON API.

Every answer comes from one engine through the
:class:`~casegraph.engines.base.Engine` interface, so the page works the same
over an export (the embedded engine) and over the shared Neo4j database. The
API is small and plain, for the page and for notebooks alike::

    GET /api/search?q=张芳                     {"results": [{"id", "kind", "label", "n_cases", "match", …}]}
    GET /api/node?id=party:P3f62007d74fd       the details: cases by role, totals, the rules that made it one party
    GET /api/expand?id=…[&offset&limit]         {"nodes", "edges", "total", "more", "hidden"}
        filters: role, open_only, cause, amount_min, amount_max, year_from, year_to, hide_mass
    GET /api/path?from=…&to=…[&max_hops=6]     {"nodes", "edges", "paths", "hops", "n_paths"}
    GET /api/view?kind=bundle|debtor|offset|candidate&id=…
    GET /api/findings                           the findings that lead into the views
    GET /api/candidates[?offset&limit]          the candidates for review, and what is decided
    POST /api/decisions  {"candidate_id", "decision": "same"|"different", "by", "note"}

Each request carries the run's token (``?token=`` or the ``X-Casegraph-Token``
header; see :mod:`casegraph.explore.guard`). A question that cannot be
answered is one line: ``{"error": "…"}`` with 400 (bad input), 404 (not
there) or 500.

Example::

    app = make_app(engine, token=secrets.token_urlsafe(32), port=8765)
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from casegraph.engines import answers as A
from casegraph.engines.base import Engine
from casegraph.errors import CasegraphError, InputError, NotFound
from casegraph.explore import views
from casegraph.explore.guard import Guard
from casegraph.explore.review import Review
from casegraph.pictures.page import EDGE_LOOKS, LOOKS, VIS_FILES, templates, vis_file

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
STATIC_FILES = ("explore.js", "explore.css")


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name, "")
    if not text:
        return default
    try:
        n = int(text)
    except ValueError:
        raise InputError(f"{name}: {text[:40]!r} is not a whole number") from None
    if not low <= n <= high:
        raise InputError(f"{name}: {n} is not between {low} and {high}")
    return n


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise InputError(f"give {name}=")
    return value


def answer(fn: Callable[[Request], object]):
    """An endpoint's result as JSON; its failure as one line and a status."""

    def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(fn(request))
        except Exception as e:  # noqa: BLE001 - the page shows one line, never a traceback
            return failure(e)

    return endpoint


def failure(e: Exception) -> JSONResponse:
    """One line and the status that says whose the fault is."""
    if isinstance(e, NotFound):
        return JSONResponse({"error": _line(e)}, status_code=404)
    if isinstance(e, InputError):
        return JSONResponse({"error": _line(e)}, status_code=400)
    if isinstance(e, CasegraphError):
        return JSONResponse({"error": _line(e)}, status_code=500)
    return JSONResponse({"error": f"internal error: {type(e).__name__}"}, status_code=500)


def _line(e: Exception) -> str:
    return " ".join(str(e).split())[:300]


def _script_json(x) -> str:
    """JSON safe inside a <script> element: nothing in it can close the element."""
    return json.dumps(x, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def make_app(engine: Engine, token: str, port: int, where: str = "", decisions: str | Path | None = None) -> Guard:
    """The explorer over ``engine``, guarded for ``token`` on 127.0.0.1:``port``.

    ``where`` says on the page what is explored (an export, a database);
    ``decisions`` is the clerk's decisions file the review panel adds to
    (without one, the candidates are shown and nothing is recorded)."""
    findings = views.Findings(engine)
    review = Review(findings, decisions)

    def page(request: Request) -> Response:
        config = {"token": token, "backend": engine.name, "where": where,
                  "looks": {k: {"shape": v.shape, "color": v.color, "label": v.label} for k, v in LOOKS.items()},
                  "edge_looks": {k: {"color": c, "dashed": d} for k, (c, d, _) in EDGE_LOOKS.items()},
                  "max_hops": A.MAX_HOPS, "default_hops": A.DEFAULT_HOPS,
                  "decisions": review.path.name if review.path is not None else None}
        html = templates(HERE / "templates").get_template("explore.html").render(
            token=token, config=_script_json(config), where=where, looks=LOOKS)
        return HTMLResponse(html)

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name in STATIC_FILES:
            return FileResponse(STATIC / name)
        if name.startswith("lib/") and name[4:] in VIS_FILES:
            return FileResponse(vis_file(name[4:]))
        return JSONResponse({"error": "no such file"}, status_code=404)

    @answer
    def search(request: Request):
        q = request.query_params.get("q", "")
        return {"results": engine.search(q[:200], _int(request, "limit", A.SEARCH_LIMIT, 1, 100))}

    @answer
    def node(request: Request):
        return engine.node(_required(request, "id"))

    @answer
    def expand(request: Request):
        return engine.expand(_required(request, "id"), A.Filters.from_params(request.query_params),
                             limit=_int(request, "limit", A.EXPAND_LIMIT, 1, 500),
                             offset=_int(request, "offset", 0, 0, 10**9))

    @answer
    def path(request: Request):
        return engine.path(_required(request, "from"), _required(request, "to"),
                           max_hops=_int(request, "max_hops", A.DEFAULT_HOPS, 1, A.MAX_HOPS),
                           limit=_int(request, "limit", A.PATH_LIMIT, 1, 100))

    @answer
    def view(request: Request):
        kind, key = request.query_params.get("kind", ""), _required(request, "id")
        if kind == "bundle":
            return views.bundle_view(engine, key)
        if kind == "debtor":
            return views.debtor_view(engine, key)
        if kind == "offset":
            return views.offset_view(engine, findings.offset(key))
        if kind == "candidate":
            return views.cases_view(engine, review.cases_of(key), f"待核实 {key}")
        raise InputError(f"kind: {kind[:40]!r} is not a view (bundle, debtor, offset or candidate)")

    @answer
    def found(request: Request):
        return findings.summary()

    @answer
    def candidates(request: Request):
        return review.candidates(_int(request, "offset", 0, 0, 10**9), _int(request, "limit", 50, 1, 500))

    async def decide(request: Request) -> Response:
        try:
            try:
                body = await request.json()
            except ValueError:
                raise InputError("the body is not JSON") from None
            return JSONResponse(await run_in_threadpool(review.decide, body))
        except Exception as e:  # noqa: BLE001 - one line, never a traceback
            return failure(e)

    routes = [
        Route("/", page),
        Route("/static/{name:path}", static),
        Route("/api/search", search),
        Route("/api/node", node),
        Route("/api/expand", expand),
        Route("/api/path", path),
        Route("/api/view", view),
        Route("/api/findings", found),
        Route("/api/candidates", candidates),
        Route("/api/decisions", decide, methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), token, port)
