"""Administration: the e-mail queue's problems (failed and retrying digests) and the manual retry."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.time import MAX_ATTEMPTS, mail_problems, require_admin, retry_mail

from .deps import actor, container, reader, uow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/mail")
@login_required
def mail():
    """Mails that could not be delivered yet or at all."""
    require_admin(actor())
    settings = container().settings
    return render_template("admin/mail.html", mails=mail_problems(reader()), max_attempts=MAX_ATTEMPTS,
                           smtp_host=settings.smtp_host, smtp_port=settings.smtp_port)


@bp.route("/mail/<int:mail_id>/retry", methods=["POST"])
@login_required
def retry(mail_id: int):
    """Queue a mail for the next sending pass."""
    retry_mail(uow(), actor(), mail_id)
    flash(_("Die E-Mail wird beim nächsten Versandlauf erneut versendet."), "success")
    return redirect(url_for(".mail"))
