"""The words of the partner network: kinds of partners and what a referral came to."""
from __future__ import annotations

PARTNER_KINDS = {
    "jobcenter": "Jobcenter",
    "auslaenderbehoerde": "Ausländerbehörde",
    "sprachkurs": "Sprachkursträger",
    "mbe": "Migrationsberatung (MBE)",
    "jmd": "Jugendmigrationsdienst",
    "anerkennung": "Anerkennungsberatung",
    "ehrenamt": "Ehrenamt",
    "wohnraum": "Wohnraum",
    "gesundheit": "Gesundheit",
    "sonstiges": "Sonstiges",
}
OPEN = "offen"
REFERRAL_OUTCOMES = {
    OPEN: "offen",
    "wahrgenommen": "wahrgenommen",
    "nicht_wahrgenommen": "nicht wahrgenommen",
    "abgelehnt": "abgelehnt",
    "erfolgreich": "erfolgreich",
}
# Who includes client names in their calendar feed: nobody unless they opt in.
FEED_NAMES = {"none": "ohne Namen (nur „Beratungstermin“)", "initials": "mit Initialen", "full": "mit vollem Namen"}
