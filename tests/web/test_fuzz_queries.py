"""Every GET route, as three roles, with hostile values in every query parameter the views read: never a 5xx."""
from __future__ import annotations

import re

from journey import CONSENT, Driver
from support import add_user, intake_form

# NUL, out-of-range dates, overflowing and non-finite numbers, huge and empty text.
HOSTILE = ["", "\x00", "9999-12-31", str(2 ** 63), "-1", "A" * 5000, "NaN"]


def test_no_get_route_answers_5xx_to_hostile_query_strings(app, signed_in, container, world):
    add_user(container, world, "adam", "Adam Admin", "admin", world.org_a)
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    params = {"case_id": case_id, "task_id": drive.open_task(case_id).id, "key": "client_journey",
              "form_id": "contact", "definition_id": "1"}
    bad = []
    # The query parameters the views' schemas read (unknown ones are ignored, so extra names cost nothing).
    names = ["page", "scope", "municipality", "task", "due", "q", "status", "as_of", "year", "stichtag", "von", "bis",
             "alt", "neu", "to", "version", "migratable", "show", "format", "quartal", "jahr", "ueberpruefung",
             "ohne_kontakt", "lang", "user", "kind", "from", "until", "datum", "event", "case", "limit", "offset",
             "as_of_quarter", "caseworker_id", "date_from", "date_to", "municipality_id", "order", "organisation_id",
             "quarter", "reference", "rule", "sort", "state", "next", "download"]
    for role in ("anna", "carla", "adam"):  # the caseworker's, the team lead's and the district-wide pages
        client = signed_in(role)
        for rule in app.url_map.iter_rules():
            # /readyz answers 503 by design while no scheduler runs (the test app has none): that is its job.
            if "GET" not in rule.methods or rule.endpoint in ("static", "health.ready"):
                continue
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: params.get(m.group(1), "1"), rule.rule)
            for value in HOSTILE:
                r = client.get(url, query_string={n: value for n in names})
                if r.status_code >= 500:
                    bad.append((role, url, value[:20], r.status_code))
    assert not bad, sorted(set(bad))[:40]
