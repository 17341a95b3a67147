"""Documents on the case page: upload (checked, scanned), download (access-checked and logged), replace, delete."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from engine.base import DOCUMENT_CATEGORIES
from engine.casework import case_view, form_for
from engine.documents import ACCEPTED_NAMES, Upload, delete_document, document_file, upload_document
from engine.errors import IntegraflowError, InvalidInput
from engine.privacy import privacy_panel

from .deps import actor, container, reader, uow

bp = Blueprint("documents", __name__, url_prefix="/cases")
# Room for the form fields and multipart framing beside the largest allowed file.
FORM_OVERHEAD = 256 * 1024


class UploadTooLarge(IntegraflowError):
    """The request body is larger than any allowed document (refused from its length, unread)."""

    status = 413


def limit_upload_body():
    """Let the upload endpoint take documents up to the configured limit (the app-wide limit is smaller).

    Registered on the app before CSRF protection, which parses the multipart body under the active limit.
    """
    if request.endpoint != "documents.upload":
        return
    limit = container().documents.max_bytes
    request.max_content_length = limit + FORM_OVERHEAD
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD:
        raise UploadTooLarge(f"Die Datei ist zu groß (erlaubt sind höchstens {_mb(limit)}). Es wurde nichts "
                             "gespeichert.")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB".replace(".", ",")


@bp.route("/<case_id>/dokumente", methods=["POST"])
@login_required
def upload(case_id: str):
    """Upload a document (or a replacement of one); invalid input shows the case page again with the message."""
    file = request.files.get("file")
    received = Upload(file.filename if file else None, file.read() if file else b"")
    try:
        upload_document(uow(), container().documents, case_id, request.form, received, actor())
    except InvalidInput as exc:
        return _case_page_with_errors(case_id, exc), 422
    replaced = request.form.get("replaces")
    flash("Das Dokument wurde ersetzt." if replaced else "Das Dokument wurde gespeichert.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="dokumente"))


def _case_page_with_errors(case_id: str, exc: InvalidInput):
    from .cases import _processes  # the case page's process section, shared with the contact form's error page

    with reader() as r:
        view = case_view(r, actor(), case_id)
        return render_template("cases/detail.html", v=view, contact_form=form_for(r, "contact"),
                               privacy=privacy_panel(r, view), today=r.clock.today(),
                               document_errors={**exc.errors, "_message": exc.message},
                               document_values={k: v for k, v in request.form.items() if k != "csrf_token"},
                               **_processes(r, view))


@bp.route("/<case_id>/dokumente/<int:document_id>")
@login_required
def download(case_id: str, document_id: int):
    """The document as an attachment (never rendered inline), under its stored safe name."""
    with reader() as r:
        found = document_file(r, container().documents, actor(), case_id, document_id)
    response = send_file(io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<case_id>/dokumente/<int:document_id>/loeschen", methods=["POST"])
@login_required
def remove(case_id: str, document_id: int):
    """Delete a document (recorded in the audit trail)."""
    delete_document(uow(), container().documents, case_id, document_id, actor())
    flash("Das Dokument wurde gelöscht.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="dokumente"))


def register(app) -> None:
    """Body limit before CSRF parsing, and the category names for the templates."""
    app.jinja_env.globals.update(DOCUMENT_CATEGORIES=DOCUMENT_CATEGORIES, DOCUMENT_TYPES=ACCEPTED_NAMES,
                                 document_limit=lambda: container().documents.max_bytes)
    app.jinja_env.filters["filesize"] = filesize


def filesize(size: int | None) -> str:
    """A byte count as the page shows it (German decimal comma): 980 Bytes, 12 KB, 1,5 MB."""
    if size is None:
        return "–"
    if size < 1024:
        return f"{size} Bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB").replace(".", ",")
