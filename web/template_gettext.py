"""Templates' gettext with the request's translations looked up once per request.

Flask-Babel's template callables resolve the domain, the locale (formatting its identifier) and the catalog
cache key on every call; a case page calls gettext a few hundred times, which cost about a fifth of its
rendering. The locale is fixed when a request starts (see create_app's locale hook), so the translations
found on the first call hold for the rest of the request.
"""
from __future__ import annotations

from flask import Flask, g
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup

_KEY = "_template_translations"


def _translations():
    if not g:  # outside an application context Flask-Babel answers with its null translations
        return get_translations()
    translations = g.get(_KEY)
    if translations is None:
        translations = get_translations()
        setattr(g, _KEY, translations)
    return translations


def install(app: Flask) -> None:
    """Replace Flask-Babel's template gettext callables with ones caching the translations per request."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["gettext"] = _newstyle_gettext  # `_()` resolves to it too; the rest stays Jinja's


@pass_context
def _newstyle_gettext(context, string: str, **variables):
    """Jinja's newstyle `_()`/`gettext()`, minus the formatting of strings that have nothing to format.

    Jinja formats every translation with its variables (so "%%" stands for "%"), a Markup `%` that costs more than
    the lookup itself; a case page calls it ~150 times. A translation without variables and without "%" is
    exactly what that formatting gives back, so it is returned as it is.
    """
    rv = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:
        return rv
    return rv % variables
