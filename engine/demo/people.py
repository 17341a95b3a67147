"""The demo's clients: origins, names, households and residence evidence, drawn from a seeded random."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .district import MUNICIPALITIES
from .texts import INTAKE_NOTES


@dataclass(frozen=True)
class _Origin:
    """Where a client comes from: nationality, languages, usual residence statuses and names."""

    nationality: str
    languages: tuple[str, ...]
    statuses: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


ORIGINS = (
    _Origin("syrisch", ("Arabisch",), ("recognised_refugee", "subsidiary_protection"),
            ("Ahmad", "Mohammad", "Khaled", "Omar", "Yousef", "Mahmoud", "Bashar", "Rami", "Tarek"),
            ("Fatima", "Amina", "Rasha", "Lina", "Hala", "Nour", "Rana", "Huda", "Mariam"),
            ("Al-Hassan", "Haddad", "Khalil", "Saleh", "Darwish", "Hamdan", "Al-Khatib", "Mansour", "Suleiman")),
    _Origin("irakisch", ("Arabisch", "Kurmandschi"), ("recognised_refugee", "subsidiary_protection",
                                                      "deportation_ban"),
            ("Ali", "Hussein", "Karwan", "Dilshad", "Mustafa", "Haider"),
            ("Zainab", "Shilan", "Ruqaya", "Nasrin", "Sara", "Hawre"),
            ("Ibrahim", "Rashid", "Aziz", "Qadir", "Murad", "Khidir")),
    _Origin("afghanisch", ("Dari", "Paschtu"), ("recognised_refugee", "deportation_ban",
                                                "asylum_pending_good_prospects"),
            ("Farid", "Jawad", "Hamid", "Naveed", "Sayed", "Mohammad Reza", "Zabihullah"),
            ("Zahra", "Mahbooba", "Farzana", "Roya", "Shabnam", "Nilofar", "Malalai"),
            ("Ahmadi", "Hosseini", "Rahimi", "Karimi", "Sultani", "Noori", "Hakimi", "Amiri", "Sharifi")),
    _Origin("ukrainisch", ("Ukrainisch", "Russisch"), ("temporary_protection_ukraine",),
            ("Andrii", "Oleksandr", "Serhii", "Dmytro", "Mykola"),
            ("Olena", "Iryna", "Natalia", "Tetiana", "Oksana", "Yulia", "Kateryna", "Svitlana"),
            ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko", "Lysenko")),
    _Origin("eritreisch", ("Tigrinya",), ("recognised_refugee", "subsidiary_protection"),
            ("Yonas", "Tesfay", "Dawit", "Filmon", "Merhawi", "Habtom", "Berhane"),
            ("Helen", "Senait", "Selam", "Rahwa", "Luwam", "Saba"),
            ("Tesfamariam", "Ghebremedhin", "Kidane", "Habte", "Tekle", "Woldemichael", "Berhe", "Haile")),
)


ORIGIN_WEIGHTS = (25, 15, 22, 25, 13)


EVIDENCE = {
    "recognised_refugee": "Aufenthaltserlaubnis § 25 Abs. 2 S. 1 Alt. 1 AufenthG",
    "subsidiary_protection": "Aufenthaltserlaubnis § 25 Abs. 2 S. 1 Alt. 2 AufenthG",
    "deportation_ban": "Aufenthaltserlaubnis § 25 Abs. 3 AufenthG",
    "temporary_protection_ukraine": "Aufenthaltserlaubnis § 24 AufenthG",
    "asylum_pending_good_prospects": "Aufenthaltsgestattung § 55 AsylG",
    "toleration": "Duldung § 60a AufenthG",
    "obliged_to_leave": "Grenzübertrittsbescheinigung, vollziehbar ausreisepflichtig",
}


GERMAN_LEVELS = ("kaum Deutsch", "Deutsch A1", "Deutsch A2", "Deutsch B1")


def invent_person(rng: random.Random, kind: str, reason: str | None, municipality: str, intake: date,
            closure: date | None, names: set) -> dict:
    """The intake form's values for one client, as plain strings."""
    # Toleration and obligation to leave are most common among Iraqi and Afghan clients.
    origin = ORIGINS[rng.choice((1, 2))] if kind.startswith("eligibility") else \
        rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
    female = rng.random() < (0.75 if origin.nationality == "ukrainisch" else 0.45)
    status = {"eligibility_rejected": "obliged_to_leave", "eligibility_open": "toleration",
              "eligibility_approved": "toleration"}.get(kind) or rng.choice(origin.statuses)
    language, level = rng.choice(origin.languages), rng.choice(GERMAN_LEVELS)
    interpreter = level in GERMAN_LEVELS[:2]
    au_since = intake - timedelta(days=rng.randint(20, 420))
    counselling_start = max(au_since, intake - timedelta(days=rng.randint(0, 10)))
    if reason == "eligibility_ended" and closure:  # the three years of counselling end around the closure
        counselling_start = closure - timedelta(days=3 * 365 + rng.randint(1, 4))
        au_since = counselling_start - timedelta(days=rng.randint(30, 200))
    _org, postcode, streets = MUNICIPALITIES[municipality]
    first, last = _unique_name(rng, origin, female, names)
    return {
        "first_name": first, "last_name": last,
        "birth_date": iso(intake - timedelta(days=rng.randint(19 * 365, 58 * 365))),
        "gender": "female" if female else "male", "nationality": origin.nationality,
        "languages": ", ".join(dict.fromkeys(origin.languages + (level,))),
        "interpreter_needed": interpreter, "interpreter_language": language if interpreter else "",
        "phone": f"01{rng.choice(('51', '52', '57', '60', '62', '76'))} {rng.randint(1000000, 9999999)}",
        "accommodation_address": f"Anschlussunterbringung {rng.choice(streets)}\n{postcode} {municipality}",
        "residence_status": status, "residence_status_evidence": _evidence(rng, status, intake),
        "au_since": iso(au_since), "counselling_start": iso(counselling_start),
        "household": _household(rng, origin, female, last, intake),
        "intake_note": rng.choice(INTAKE_NOTES),
    }


def _unique_name(rng: random.Random, origin: _Origin, female: bool, names: set) -> tuple[str, str]:
    """A first and last name not yet given to another demo client (same names confuse a demo search)."""
    for _ in range(50):
        name = (rng.choice(origin.female if female else origin.male), rng.choice(origin.family))
        if name not in names:
            break
    names.add(name)
    return name


def _evidence(rng: random.Random, status: str, intake: date) -> str:
    if status == "toleration":
        return f"{EVIDENCE[status]}, gültig bis {intake + timedelta(days=rng.randint(60, 180)):%d.%m.%Y}"
    return f"{EVIDENCE[status]}, Nr. Y{rng.randint(10 ** 7, 10 ** 8 - 1)}"


def _household(rng: random.Random, origin: _Origin, female: bool, last: str, intake: date) -> list[dict]:
    if rng.random() < 0.45:
        return []
    members = []
    if not (female and origin.nationality == "ukrainisch") or rng.random() < 0.3:
        partner = rng.choice(origin.male if female else origin.female)
        members.append({"name": f"{partner} {last}", "relation": "partner",
                        "birth_date": iso(intake - timedelta(days=rng.randint(20 * 365, 55 * 365)))})
    for _ in range(rng.randint(0, 3)):
        child = rng.choice(origin.female + origin.male)
        members.append({"name": f"{child} {last}", "relation": "child",
                        "birth_date": iso(intake - timedelta(days=rng.randint(200, 17 * 365)))})
    return members


def iso(value: date) -> str:
    return value.isoformat()
