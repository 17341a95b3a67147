"""The password policy: length, not the username, not a well-known password."""
from __future__ import annotations

import pytest

from engine.access import password_problem


@pytest.mark.parametrize("password, username, problem", [
    ("kurz", "nora", "Das Passwort muss mindestens 12 Zeichen lang sein."),
    ("elf-Zeichen", "nora", "Das Passwort muss mindestens 12 Zeichen lang sein."),
    ("", "nora", "Das Passwort muss mindestens 12 Zeichen lang sein."),
    ("nora.neumann", "nora.neumann", "Das Passwort darf den Benutzernamen nicht enthalten."),
    ("Nora.Neumann-2026", "nora.neumann", "Das Passwort darf den Benutzernamen nicht enthalten."),
    ("Passwort1234", "nora", "Dieses Passwort ist zu leicht zu erraten. Bitte ein anderes wählen."),
    ("123456789012", "nora", "Dieses Passwort ist zu leicht zu erraten. Bitte ein anderes wählen."),
    ("aaaaaaaaaaaaaaaa", "nora", "Dieses Passwort ist zu leicht zu erraten. Bitte ein anderes wählen."),
])
def test_weak_passwords_are_refused_with_a_german_reason(password, username, problem):
    assert password_problem(password, username) == problem


@pytest.mark.parametrize("password, username", [
    ("richtig-geheim-123", "anna"),
    ("integraflow-demo", "carla"),
    ("Kaffee und Kuchen am Rhein", "nora"),
    ("ab-ist-kein-Problem", "ab"),  # a two-letter username may appear inside a password
])
def test_reasonable_passwords_pass(password, username):
    assert password_problem(password, username) is None
