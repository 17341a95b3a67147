"""Security headers on every response and the session's idle and absolute timeouts."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .deps import container

# No inline scripts or styles anywhere: templates use static files only (a test greps every page for them).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
IDLE_NOTICE = "Ihre Sitzung ist nach längerer Inaktivität abgelaufen. Bitte melden Sie sich erneut an."
EXPIRED_NOTICE = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."


def register(app) -> None:
    """Attach the session timeout check and the security headers to the app."""
    app.before_request(enforce_session_timeouts)
    app.after_request(add_security_headers)


def add_security_headers(response):
    """Set the security headers (a view may not weaken them)."""
    response.headers.update(HEADERS)
    return response


def start_session() -> None:
    """Mark a fresh sign-in: both timeouts count from now."""
    now = container().clock.now().timestamp()
    session.permanent = True
    session["signed_in_at"] = session["seen_at"] = now


def enforce_session_timeouts():
    """Sign out a session idle too long or older than its absolute lifetime; otherwise note the activity."""
    if (not current_app.config.get("SESSION_TIMEOUTS", True) or request.endpoint == "static"
            or request.path.startswith("/api/") or not current_user.is_authenticated):  # the API has no session
        return None
    now = container().clock.now().timestamp()
    idle_limit = container().settings.session_idle_minutes * 60
    absolute_limit = current_app.permanent_session_lifetime.total_seconds()
    # A session signed in some other way (e.g. a test client) starts counting at its first request.
    signed_in_at, seen_at = session.setdefault("signed_in_at", now), session.get("seen_at", now)
    notice = (EXPIRED_NOTICE if now - signed_in_at > absolute_limit
              else IDLE_NOTICE if now - seen_at > idle_limit else None)
    if notice is None:
        session["seen_at"] = now
        return None
    logout_user()
    for key in ("signed_in_at", "seen_at"):
        session.pop(key, None)
    flash(notice, "info")
    if is_background_request():
        # A page script (diagram, bell) noticed first: it must not follow a redirect to the login page, whose
        # rendering would use up the notice before the person's own next page load can show it.
        return jsonify(ok=False, message=notice), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def is_background_request() -> bool:
    """True for a page script's fetch (the browser says so in Sec-Fetch-Mode), False for a page load or form post."""
    return request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate"
