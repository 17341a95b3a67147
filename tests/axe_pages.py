"""The accessibility checks' shared parts: the demo site served on a port, the pages of a role, axe and the phone width.

The checks are split over two test modules (tests/browser/test_accessibility*.py) so that both xdist workers can
take a share; each module builds its own demo site through the `demo_site` fixture (tests/browser/conftest.py).
"""
from __future__ import annotations

import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select, text
from werkzeug.serving import make_server

from engine.bootstrap import bootstrap
from engine.clock import FakeClock
from engine.config import Settings
from engine.db import Base, Case, OpenTask, Partner, ProcessDefinition, User
from engine.demo import DEMO_PASSWORD, load_demo
from engine.setup import prepare_database
from migration_cases import deploy_v2
from web.access_matrix import MATRIX

AXE = (Path(__file__).parent / "browser" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
DEMO_CASES = 12
USERS = {"caseworker": "mueller", "supervisor": "leitung", "compliance": "controlling", "admin": "admin",
         "privacy": "datenschutz"}
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
BLOCKING = ("critical", "serious")
# Downloads and data behind pages (no document to check): their rules end in a file extension.
# The innermost elements reaching past the viewport's right edge (outside scroll regions), to name the culprit.
TOO_WIDE = """() => Array.from(document.querySelectorAll('body *')).filter(e => {
    const wide = el => el.getBoundingClientRect().right > innerWidth + 1 && !el.closest('.table-scroll, svg');
    return wide(e) && !Array.from(e.children).some(wide);
  }).slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
    + ' →' + Math.round(e.getBoundingClientRect().right))"""
NOT_A_PAGE = re.compile(r"\.(pdf|json|csv|svg|bpmn|dmn|zip|<fmt>)$|^/api/v1/|/dokumente/<int:document_id>$")
READY = ("() => !document.querySelector('[data-bpmn-state=\"loading\"], [data-modeler-state=\"loading\"], "
         "[data-editor-state=\"loading\"], [data-diff-state=\"loading\"]')")


def build_demo_site(url: str, backend: str):
    """The demo district (12 clients in every phase) and a second deployed version on the database at url."""
    container = bootstrap(Settings(database_url=url), clock=FakeClock(datetime(2026, 1, 15, 8, 30, tzinfo=UTC)))
    if backend != "sqlite":
        with container.engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "process_definition")
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            conn.execute(text("DELETE FROM process_definition WHERE version > 1"))
    prepare_database(container)
    load_demo(container, cases=DEMO_CASES)
    deploy_v2(container)  # a second version: the comparison, migration preview and version lists have content
    return container


@contextmanager
def serve(app):
    """The app on a free local port for the module's tests (the live_server fixture is per test)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="a11y-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def demo_values(container) -> dict:
    """Placeholder values from the demo: a case of the caseworker with an open task, the shipped definition."""
    with container.reader() as r:
        s = r.session
        mueller = s.execute(select(User).where(User.username == USERS["caseworker"])).scalar_one()
        task = s.execute(select(OpenTask).join(Case, Case.id == OpenTask.case_id)
                         .where(Case.responsible_user_id == mueller.id, Case.status == "open")
                         .order_by(OpenTask.created_at)).scalars().first()
        definition_id = s.execute(select(ProcessDefinition.id).order_by(ProcessDefinition.id)).scalars().first()
    return {"case_id": task.case_id, "task_id": task.id, "definition_id": definition_id, "version": 1,
            "key": "client_journey", "form_id": "contact", "user_id": mueller.id,
            "municipality_id": 1}


def task_forms(container) -> list[str]:
    """One open task form of every kind the caseworker has (consent, assessment, plan, review, closure …)."""
    with container.reader() as r:
        s = r.session
        mueller = s.execute(select(User).where(User.username == USERS["caseworker"])).scalar_one()
        tasks = s.execute(select(OpenTask).join(Case, Case.id == OpenTask.case_id)
                          .where(Case.responsible_user_id == mueller.id).order_by(OpenTask.created_at)).scalars()
        first_of_kind = {}
        for task in tasks:
            first_of_kind.setdefault(task.task_spec, f"/cases/{task.case_id}/tasks/{task.id}")
    return list(first_of_kind.values())


def partner_of(container, role: str) -> int | None:
    """A partner the role keeps: the district's shared ones for the administration, else its organisation's."""
    with container.reader() as r:
        s = r.session
        user = s.execute(select(User).where(User.username == USERS[role])).scalar_one()
        owner = None if role == "admin" else user.organisation_id
        kept = Partner.organisation_id.is_(None) if owner is None else Partner.organisation_id == owner
        return s.execute(select(Partner.id).where(kept).order_by(Partner.id)).scalars().first()


def role_pages(app, container, role: str) -> list[str]:
    """Every GET page of the URL map the role may open, with placeholders filled from the demo data."""
    values, urls = {**demo_values(container), "table_key": "review_interval",
                    "partner_id": partner_of(container, role)}, []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = MATRIX.get(rule.endpoint)
        if access is None or "GET" not in rule.methods or role not in access.get or NOT_A_PAGE.search(rule.rule):
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.endpoint}: no demo value for URL argument(s) {sorted(missing)}"
        urls.append(rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1])
    if role == "caseworker":
        urls += [u for u in task_forms(container) if u not in urls] + ["/?tab=team", "/?tab=all"]
    return urls + ["/cases/00000000-0000-0000-0000-000000000000"]


def axe(page) -> list[dict]:
    """Run axe-core on the page as it is; the violations with impact, rule, help and the first targets."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)  # evaluated through the DevTools protocol: the page's strict CSP is not weakened
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations'],
            rules: {'label-content-name-mismatch': {enabled: true}}});  // experimental: the bell's name
        return result.violations.map(v => ({impact: v.impact, id: v.id, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
    }""")


def check_page(page, label: str, problems: list[str], tally: Counter) -> None:
    """axe at desktop size, then axe and the document width at phone size; problems appended as text."""
    page.wait_for_function(READY)
    for name, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        for finding in axe(page):
            tally[f"{finding['impact']} {finding['id']}"] += finding["count"]
            if finding["impact"] in BLOCKING:
                problems.append(f"{label} @{name}: {finding['impact']} {finding['id']} ({finding['help']}) "
                                f"× {finding['count']}: {finding['targets']}")
        if name == "390":
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{label} @390: document is {width} px wide: {page.evaluate(TOO_WIDE)}")
    page.set_viewport_size(DESKTOP)


def sign_in(context, username: str):
    """A new page of the context, signed in as username with the demo password, on the worklist."""
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))
    return page


def check_role(chromium, demo_site, role: str) -> None:
    """Every GET page the role may open, at desktop and phone size; the caseworker's error summary too."""
    app, container, base_url = demo_site
    started, problems, tally = time.perf_counter(), [], Counter()
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=base_url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    try:
        page = sign_in(context, USERS[role])
        pages = role_pages(app, container, role)
        for url in pages:
            response = page.goto(url)
            assert response is not None and response.status < 500, f"{url}: {response and response.status}"
            check_page(page, f"{role} {url}", problems, tally)
        if role == "caseworker":
            check_error_summary(page, container, problems, tally)
    finally:
        context.close()
    print(f"\naxe {role}: {len(pages)} Seiten × 2 Größen in {time.perf_counter() - started:.1f} s; "
          f"weitere Befunde: {dict(tally)}")
    assert not problems, "\n".join(problems)


def check_error_summary(page, container, problems: list[str], tally: Counter) -> None:
    """Submit a form with required fields empty: the error summary is announced, focused and links to the fields."""
    page.goto(form_with_required_fields(container))
    page.locator(".action-bar button[type=submit]").click()
    summary = page.locator("#error-summary")
    try:  # the submit is a POST and a new page: wait for it before looking (on a loaded machine it takes a while)
        summary.wait_for(state="attached", timeout=15000)
    except PlaywrightTimeout:
        pass  # reported below
    if summary.count() != 1 or summary.get_attribute("role") != "alert":
        problems.append("task form: no error summary with role=alert after an empty submit")
    elif page.evaluate("() => document.activeElement && document.activeElement.id") != "error-summary":
        problems.append("task form: the error summary does not take the focus")
    elif summary.locator("a[href^='#field-']").count() == 0:
        problems.append("task form: the error summary links to no field")
    check_page(page, "task form (Fehler)", problems, tally)


def form_with_required_fields(container) -> str:
    """The caseworker's open assessment, target agreement or review (their required fields start empty)."""
    with container.reader() as r:
        mueller = r.session.execute(select(User.id).where(User.username == USERS["caseworker"])).scalar_one()
        task = r.session.execute(select(OpenTask).join(Case, Case.id == OpenTask.case_id).where(
            Case.responsible_user_id == mueller, OpenTask.form_key.in_(("assessment", "target_agreement", "review"))
        ).order_by(OpenTask.created_at)).scalars().first()
    return f"/cases/{task.case_id}/tasks/{task.id}"


def focus_ring(page) -> str:
    """The outline style of the focused element ('none' when focus is invisible)."""
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
