"""The error summary above a form: each invalid field named by its label, linked to the field (GOV.UK pattern)."""
from __future__ import annotations

import re

_ROW = re.compile(r"-(\d+)-")


def error_summary(form, errors: dict) -> list[tuple[str, str, str]]:
    """(anchor id, field label, message) for every field error, in form order; `_form` stays the heading."""
    labels = {c.key: c.label for c in form.walk() if getattr(c, "key", None) and getattr(c, "label", None)}
    labels.update({c.path: c.label for c in form.walk() if getattr(c, "path", None) and getattr(c, "label", None)})
    order = {key: index for index, key in enumerate(labels)}
    items = []
    for name, message in errors.items():
        if name == "_form" or not message:
            continue
        key = re.split(r"[.\-]", name)[-1] or name
        label = labels.get(key) or labels.get(name) or name
        row = _ROW.search(name)
        if row:
            label = f"Eintrag {int(row.group(1)) + 1}: {label}"
        items.append((order.get(key, len(order)), f"field-{name}", label, str(message)))
    return [(anchor, label, message) for _order, anchor, label, message in sorted(items, key=lambda i: i[0])]
