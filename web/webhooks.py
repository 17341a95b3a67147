"""Webhooks (administration): register an organisation's endpoint, switch it off, the delivery log, erneut senden."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.base import WEBHOOK_TYPES
from engine.errors import InvalidInput
from engine.time import deactivate_webhook, register_webhook, resend_delivery, webhook_log

from .deps import actor, container, reader, uow

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
EVENT_LABELS = {"case.created": "Fall angelegt", "task.completed": "Aufgabe erledigt",
                "case.closed": "Fall abgeschlossen", "case.handed_over": "Fall übergeben",
                "deadline.overdue": "Frist überschritten"}


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Endpoints, the form for a new one (its secret is shown once) and the latest deliveries."""
    errors, values, registered, status = {}, {"events": []}, None, 200
    if request.method == "POST":
        values = {"url": request.form.get("url", "")[:600], "events": request.form.getlist("events")[:10],
                  "organisation_id": request.form.get("organisation_id", ""),
                  "personal_data": request.form.get("personal_data") == "on"}
        org = int(values["organisation_id"]) if values["organisation_id"].isdigit() else 0
        try:
            registered = register_webhook(uow(), actor(), min(org, 2**31 - 1), values["url"], values["events"],
                                          container().settings.webhook_hosts, values["personal_data"])
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            values = {"events": []}
    with reader() as r:
        log = webhook_log(r, actor())
    page = render_template("admin/webhooks.html", log=log, errors=errors, values=values, registered=registered,
                           types=WEBHOOK_TYPES, labels=EVENT_LABELS, hosts=container().settings.webhook_hosts)
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/<int:endpoint_id>/abschalten", methods=["POST"])
@login_required
def deactivate(endpoint_id: int):
    """Stop sending to an endpoint."""
    deactivate_webhook(uow(), actor(), endpoint_id)
    flash(_("Der Webhook wurde abgeschaltet."), "success")
    return redirect(url_for(".index"))


@bp.route("/zustellungen/<int:delivery_id>/erneut", methods=["POST"])
@login_required
def resend(delivery_id: int):
    """Send a delivery again at the next pass."""
    resend_delivery(uow(), actor(), delivery_id)
    flash(_("Die Zustellung wird beim nächsten Lauf erneut gesendet."), "success")
    return redirect(url_for(".index"))
