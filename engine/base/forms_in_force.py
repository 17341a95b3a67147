"""The forms in force: the latest deployed version of each form, cached per container by a generation number."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db import FormVersion
from engine.forms import FormRegistry

# The forms' generation: the largest form_version id (see FormCatalog); usable as a scalar subquery too.
FORMS_GENERATION = select(func.max(FormVersion.id))


class VersionedRegistry(FormRegistry):
    """A form registry that also knows which deployed version of each form it holds."""

    def __init__(self, versions: dict[str, int] | None = None):
        super().__init__()
        self.versions = versions or {}

    def version_of(self, form_id: str | None) -> int | None:
        """The deployed version number of a form (None for forms read from files)."""
        return self.versions.get(form_id or "")


class FormCatalog:
    """Container-wide source of `uow.forms`: one cheap max(id) query per unit of work that touches forms.

    Every deploy inserts a form_version row, so the largest id changes exactly when the set of latest
    versions does; the parsed registry is rebuilt only then. Before any form is stored (a database that
    was never set up), the shipped files serve.
    """

    def __init__(self, shipped: FormRegistry):
        self.shipped = shipped
        self._cached: tuple[int, VersionedRegistry] | None = None
        self._lock = threading.Lock()

    def registry(self, session: Session) -> FormRegistry:
        """The registry of the latest deployed forms as seen by this session."""
        return self.registry_at(session, session.execute(FORMS_GENERATION).scalar())

    def registry_at(self, session: Session, generation: int | None) -> FormRegistry:
        """The registry for a generation the caller already read (e.g. within its own first query)."""
        if generation is None:
            return self.shipped
        cached = self._cached
        if cached is not None and cached[0] == generation:
            return cached[1]
        registry = load_latest_forms(session)
        with self._lock:
            if self._cached is None or self._cached[0] < generation:
                self._cached = (generation, registry)
        return registry


def latest_form_rows(session: Session) -> list[FormVersion]:
    """The newest deployed version of every form, ordered by form id."""
    newest = (select(FormVersion.form_id, func.max(FormVersion.version).label("version"))
              .group_by(FormVersion.form_id).subquery())
    return list(session.execute(
        select(FormVersion).join(newest, (FormVersion.form_id == newest.c.form_id)
                                 & (FormVersion.version == newest.c.version))
        .order_by(FormVersion.form_id)).scalars())


def load_latest_forms(session: Session, replace: dict[str, dict] | None = None) -> VersionedRegistry:
    """Parse the latest version of every form; `replace` swaps in schemas (e.g. a draft) by form id."""
    schemas, versions = {}, {}
    for row in latest_form_rows(session):
        schemas[row.form_id], versions[row.form_id] = row.schema, row.version
    for form_id, schema in (replace or {}).items():
        schemas[form_id] = schema
        versions.pop(form_id, None)
    plain = FormRegistry.from_mapping(schemas)
    registry = VersionedRegistry(versions)
    registry._forms = plain._forms  # noqa: SLF001 - same package family; avoids parsing every form twice
    return registry
