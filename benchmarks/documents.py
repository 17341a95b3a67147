"""Document upload and download throughput, through the real routes (type check, hash, storage, access log).

    python3 benchmarks/documents.py                     # a fresh SQLite file with the 40-case demo
    INTEGRAFLOW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python3 benchmarks/documents.py

Runs the app in-process (Flask test client, signed in as the demo team lead), uploads PDFs of several sizes to the
demo's open cases with consent and downloads them again, once with the bytes in the database and once in a
document directory. Prints per-request p50/p95 and MB/s; asserts nothing. Virus scanning is off (a clamd round trip
is the scanner's own cost, not ours).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_login import FlaskLoginClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from engine.access import actor_of  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import Case, User  # noqa: E402
from engine.demo import has_demo_data, load_demo  # noqa: E402
from engine.setup import prepare_database  # noqa: E402
from web import create_app  # noqa: E402
from web.auth import LoginUser  # noqa: E402

SIZES = (100 * 1024, 1024 * 1024, 5 * 1024 * 1024)


def _pdf(size: int, salt: int) -> bytes:
    head = b"%PDF-1.4\n% " + str(salt).encode() + b"\n"
    return head + os.urandom(max(0, size - len(head)))


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="uploads per size and storage")
    args = parser.parse_args()
    url = os.environ.get("INTEGRAFLOW_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    if not has_demo_data(container):
        load_demo(container)
    os.environ.setdefault("INTEGRAFLOW_SECRET_KEY", "bench")
    app = create_app({"SECRET_KEY": "bench", "SESSION_TIMEOUTS": False, "WTF_CSRF_ENABLED": False}, container=container)
    app.test_client_class = FlaskLoginClient
    with container.reader() as r:
        lead = r.session.execute(select(User).where(User.username == "leitung")).scalar_one()
        cases = list(r.session.execute(select(Case.id).where(
            Case.organisation_id == lead.organisation_id, Case.status == "open", Case.consent_date.is_not(None),
            Case.processing_restricted.is_(False))).scalars())
    client = app.test_client(user=LoginUser(actor_of(lead)))
    print(f"Datenbank: {container.engine.dialect.name}, {len(cases)} Fälle, {args.count} Dateien je Größe")
    directory = Path(tempfile.mkdtemp()) / "dokumente"
    for storage, store in (("Datenbank", replace(container.documents, directory=None)),
                           ("Verzeichnis", replace(container.documents, directory=directory))):
        container.documents = store
        for size in SIZES:
            uploads, downloads, ids = [], [], []
            for n in range(args.count):
                case_id = cases[n % len(cases)]
                data = _pdf(size, n)
                started = time.perf_counter()
                response = client.post(f"/cases/{case_id}/dokumente", content_type="multipart/form-data", data={
                    "category": "proof", "file": (io.BytesIO(data), f"nachweis-{n}.pdf")})
                uploads.append(time.perf_counter() - started)
                assert response.status_code == 302, response.status_code
                ids.append((case_id, _last_document(container, case_id)))
            for case_id, doc_id in ids:
                started = time.perf_counter()
                response = client.get(f"/cases/{case_id}/dokumente/{doc_id}")
                assert response.status_code == 200 and len(response.data) == size
                downloads.append(time.perf_counter() - started)
            mb = size / (1024 * 1024)
            print(f"{storage:11s} {mb:5.1f} MB  Hochladen {_ms(uploads)}  "
                  f"{mb / statistics.median(uploads):7.1f} MB/s   Herunterladen {_ms(downloads)}  "
                  f"{mb / statistics.median(downloads):7.1f} MB/s")


def _last_document(container, case_id: str) -> int:
    from engine.db import CaseDocument

    with container.reader() as r:
        return r.session.execute(select(CaseDocument.id).where(CaseDocument.case_id == case_id)
                                 .order_by(CaseDocument.id.desc()).limit(1)).scalar_one()


if __name__ == "__main__":
    main()
