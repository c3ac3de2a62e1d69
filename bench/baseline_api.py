"""The baseline of ``bench/bench_api.py``: a bare FastAPI app with one sync endpoint (run in
the thread pool, as tocsin's endpoints are), no middleware, no database. Run:
``uvicorn bench.baseline_api:app``.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def ok() -> dict[str, str]:
    return {"status": "ok"}
