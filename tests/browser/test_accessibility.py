"""axe-core and the phone layout on every GET page each role can reach, generated from the URL map with demo data.

One browser, one signed-in context per role; each page is loaded once and checked at 1366×900 and again at
390×844 (the viewport changes, the page stays): axe-core (vendored for the tests, tests/browser/vendor) must
report nothing critical or serious, and at 390 px the document may not be wider than the viewport. A few page
states beyond plain GETs are checked too: a task form after a failed submit (error summary), the worklist tabs,
an unknown case (404) and the sign-in page. The numbers of moderate and minor findings are printed.
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
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
from web import create_app
from web.access_matrix import MATRIX

pytestmark = pytest.mark.browser

PG_URL = os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
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


@pytest.fixture(scope="module", params=BACKENDS)
def demo_site(request, tmp_path_factory, sqlite_template):
    """The demo district (12 clients in every phase) on a fresh database, served on a local port."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("a11y") / "demo.sqlite"
        path.write_bytes(sqlite_template.read_bytes())
        url = f"sqlite:///{path}"
    else:
        request.getfixturevalue("pg_migrated")
        url = PG_URL
    container = bootstrap(Settings(database_url=url), clock=FakeClock(datetime(2026, 1, 15, 8, 30, tzinfo=UTC)))
    if request.param != "sqlite":
        with container.engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "process_definition")
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            conn.execute(text("DELETE FROM process_definition WHERE version > 1"))
    prepare_database(container)
    load_demo(container, cases=DEMO_CASES)
    deploy_v2(container)  # a second version: the comparison, migration preview and version lists have content
    app = create_app({"SECRET_KEY": "a11y-test"}, container=container)
    with serve(app) as base_url:
        yield app, container, base_url
    container.engine.dispose()


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


def _values(container) -> dict:
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


def _task_forms(container) -> list[str]:
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


def _partner_of(container, role: str) -> int | None:
    """A partner the role keeps: the district's shared ones for the administration, else its organisation's."""
    with container.reader() as r:
        s = r.session
        user = s.execute(select(User).where(User.username == USERS[role])).scalar_one()
        owner = None if role == "admin" else user.organisation_id
        kept = Partner.organisation_id.is_(None) if owner is None else Partner.organisation_id == owner
        return s.execute(select(Partner.id).where(kept).order_by(Partner.id)).scalars().first()


def _pages(app, container, role: str) -> list[str]:
    """Every GET page of the URL map the role may open, with placeholders filled from the demo data."""
    values, urls = {**_values(container), "table_key": "review_interval",
                    "partner_id": _partner_of(container, role)}, []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = MATRIX.get(rule.endpoint)
        if access is None or "GET" not in rule.methods or role not in access.get or NOT_A_PAGE.search(rule.rule):
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.endpoint}: no demo value for URL argument(s) {sorted(missing)}"
        urls.append(rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1])
    if role == "caseworker":
        urls += [u for u in _task_forms(container) if u not in urls] + ["/?tab=team", "/?tab=all"]
    return urls + ["/cases/00000000-0000-0000-0000-000000000000"]


def _axe(page) -> list[dict]:
    """Run axe-core on the page as it is; the violations with impact, rule, help and the first targets."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE)  # evaluated through the DevTools protocol: the page's strict CSP is not weakened
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations'],
            rules: {'label-content-name-mismatch': {enabled: true}}});  // experimental: the bell's name
        return result.violations.map(v => ({impact: v.impact, id: v.id, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
    }""")


def _check_page(page, label: str, problems: list[str], tally: Counter) -> None:
    """axe at desktop size, then axe and the document width at phone size; problems appended as text."""
    page.wait_for_function(READY)
    for name, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        for finding in _axe(page):
            tally[f"{finding['impact']} {finding['id']}"] += finding["count"]
            if finding["impact"] in BLOCKING:
                problems.append(f"{label} @{name}: {finding['impact']} {finding['id']} ({finding['help']}) "
                                f"× {finding['count']}: {finding['targets']}")
        if name == "390":
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{label} @390: document is {width} px wide: {page.evaluate(TOO_WIDE)}")
    page.set_viewport_size(DESKTOP)


def _sign_in(context, username: str):
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))
    return page


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_of_a_role_has_no_serious_axe_finding_and_fits_a_phone(chromium, demo_site, role):
    app, container, base_url = demo_site
    started, problems, tally = time.perf_counter(), [], Counter()
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=base_url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    try:
        page = _sign_in(context, USERS[role])
        pages = _pages(app, container, role)
        for url in pages:
            response = page.goto(url)
            assert response is not None and response.status < 500, f"{url}: {response and response.status}"
            _check_page(page, f"{role} {url}", problems, tally)
        if role == "caseworker":
            _check_error_summary(page, container, problems, tally)
    finally:
        context.close()
    print(f"\naxe {role}: {len(pages)} Seiten × 2 Größen in {time.perf_counter() - started:.1f} s; "
          f"weitere Befunde: {dict(tally)}")
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_has_no_serious_axe_finding_and_fits_a_phone(chromium, demo_site):
    _app, _container, base_url = demo_site
    problems, tally = [], Counter()
    context = chromium.new_context(locale="de-DE", base_url=base_url, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto("/login")
        _check_page(page, "login", problems, tally)
        page.fill("input[name=username]", "niemand")
        page.fill("input[name=password]", "falsch")
        page.click("button[type=submit]")
        _check_page(page, "login (Fehler)", problems, tally)
        page.goto("/barrierefreiheit")
        _check_page(page, "Erklärung zur Barrierefreiheit", problems, tally)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def _check_error_summary(page, container, problems: list[str], tally: Counter) -> None:
    """Submit a form with required fields empty: the error summary is announced, focused and links to the fields."""
    page.goto(_form_with_required_fields(container))
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
    _check_page(page, "task form (Fehler)", problems, tally)


def _form_with_required_fields(container) -> str:
    """The caseworker's open assessment, target agreement or review (their required fields start empty)."""
    with container.reader() as r:
        mueller = r.session.execute(select(User.id).where(User.username == USERS["caseworker"])).scalar_one()
        task = r.session.execute(select(OpenTask).join(Case, Case.id == OpenTask.case_id).where(
            Case.responsible_user_id == mueller, OpenTask.form_key.in_(("assessment", "target_agreement", "review"))
        ).order_by(OpenTask.created_at)).scalars().first()
    return f"/cases/{task.case_id}/tasks/{task.id}"


def test_keyboard_reaches_menu_worklist_task_and_saves_with_visible_focus(chromium, demo_site):
    """On a phone, by keyboard only: skip link, the folded menu (Enter opens, Escape closes and returns focus), a task
    from the worklist, and every focused control shows a visible focus ring."""
    _app, container, base_url = demo_site
    context = chromium.new_context(locale="de-DE", base_url=base_url, viewport=PHONE)
    try:
        page = _sign_in(context, USERS["caseworker"])
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "skip"
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and not page.locator("#site-menu nav").is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true" and page.locator("#site-menu nav").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "Arbeitsliste"
        assert _focus_ring(page) != "none"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")
        for _ in range(40):  # Tab on until the first task of the worklist
            page.keyboard.press("Tab")
            if "/tasks/" in (page.evaluate("() => document.activeElement.getAttribute('href')") or ""):
                break
        else:
            raise AssertionError("the worklist's first task is not reachable by Tab")
        assert _focus_ring(page) != "none"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/tasks/.*"))
        submit = page.locator(".action-bar button[type=submit]")
        box = submit.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # sticky: on screen without scrolling
        assert box["height"] >= 44
    finally:
        context.close()


def _focus_ring(page) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
