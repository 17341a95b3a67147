"""Documents per case (issue 18): uploads checked by content and scanned for viruses, stored with their SHA-256
in the database or a directory, downloaded through the case's access rules, replaced or deleted with an audit event.
"""
from .downloads import DocumentFile, document_file
from .file_checks import ACCEPTED, ACCEPTED_NAMES, check_content, safe_filename
from .uploads import MAX_NOTE, DocumentForm, Upload, delete_document, discard_unreferenced, upload_document
from .virus_scan import scan

__all__ = [
    "ACCEPTED", "ACCEPTED_NAMES", "check_content", "delete_document", "discard_unreferenced", "DocumentFile",
    "document_file", "DocumentForm", "MAX_NOTE", "safe_filename", "scan", "Upload", "upload_document",
]
