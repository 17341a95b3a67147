"""axe-core and the phone layout on every GET page of the compliance and administration roles (see
test_accessibility.py; the roles are split over two modules so that both test workers take a share)."""
from __future__ import annotations

import pytest
from axe_pages import check_role

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["compliance", "admin"])
def test_every_page_of_a_role_has_no_serious_axe_finding_and_fits_a_phone(chromium, demo_site, role):
    check_role(chromium, demo_site, role)
