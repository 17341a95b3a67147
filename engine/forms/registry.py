"""The set of known forms, loaded once from a directory of form-js JSON files or from a mapping."""
from __future__ import annotations

from pathlib import Path

from engine.errors import NotFound

from .definition import FormDefinition, FormError
from .parser import load_form, parse_form


class UnknownForm(FormError, NotFound):
    """A user task or page asked for a form id nobody defined."""


class FormRegistry:
    """Forms by id; every form is parsed and checked when the registry is built, not when first used."""

    def __init__(self, directory: str | Path | None = None):
        self._forms: dict[str, FormDefinition] = {}
        if directory is not None:
            directory = Path(directory)
            if not directory.is_dir():
                raise FormError(f"Das Formularverzeichnis „{directory}“ existiert nicht.")
            for path in sorted(directory.glob("*.json")):
                self._add(load_form(path), where=path.name)

    @classmethod
    def from_mapping(cls, forms: dict[str, dict]) -> FormRegistry:
        """A registry of form-js dicts keyed by form id (e.g. rows from the database)."""
        registry = cls()
        for form_id, data in forms.items():
            if isinstance(data, dict) and "id" not in data:
                data = {**data, "id": form_id}
            form = parse_form(data)
            if form.id != form_id:
                raise FormError(f"Das Formular „{form_id}“ trägt die abweichende id „{form.id}“.", form_id=form_id)
            registry._add(form, where=form_id)
        return registry

    def _add(self, form: FormDefinition, where: str) -> None:
        if form.id in self._forms:
            raise FormError(f"Die Formular-id „{form.id}“ ist doppelt vergeben ({where}).", form_id=form.id)
        self._forms[form.id] = form

    def get(self, form_id: str) -> FormDefinition:
        """The form with this id; raises `UnknownForm`."""
        try:
            return self._forms[form_id]
        except KeyError:
            raise UnknownForm(f"Das Formular „{form_id}“ ist nicht bekannt.", form_id=form_id) from None

    def ids(self) -> list[str]:
        """All form ids, sorted."""
        return sorted(self._forms)

    def __contains__(self, form_id: object) -> bool:
        return form_id in self._forms

    def __len__(self) -> int:
        return len(self._forms)
