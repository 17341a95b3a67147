"""The German messages of server-side form validation, one wording for every form."""
from __future__ import annotations

REQUIRED = "Bitte füllen Sie dieses Feld aus."


REQUIRED_CHOICE = "Bitte wählen Sie eine Option aus."


REQUIRED_CHECK = "Bitte bestätigen Sie dieses Feld."


NOT_A_NUMBER = "Bitte geben Sie eine Zahl ein."


NOT_AN_INTEGER = "Bitte geben Sie eine ganze Zahl ein."


TOO_SMALL = "Der Wert muss mindestens {min} sein."


TOO_LARGE = "Der Wert darf höchstens {max} sein."


TOO_SHORT = "Bitte geben Sie mindestens {min} Zeichen ein."


TOO_LONG = "Bitte geben Sie höchstens {max} Zeichen ein."


NOT_A_DATE = "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."


NOT_A_TIME = "Bitte geben Sie eine gültige Uhrzeit ein (HH:MM)."


NOT_A_DATETIME = "Bitte geben Sie Datum und Uhrzeit ein (TT.MM.JJJJ HH:MM)."


NOT_AN_OPTION = "Bitte wählen Sie einen der angebotenen Werte."


NO_MATCH = "Die Eingabe entspricht nicht dem erwarteten Format."


PATTERN_TOO_COSTLY = ("Die Eingabe lässt sich nicht in vertretbarer Zeit gegen das Format dieses Feldes prüfen. Bitte "
                      "prüfen Sie die Eingabe; besteht das Problem weiter, bitten Sie die Teamleitung, das Muster "
                      "(„pattern“) des Formulars zu vereinfachen.")


NOT_TEXT = "Bitte geben Sie einen Text ein."


TOO_FEW_ROWS = "Bitte erfassen Sie mindestens {min} Einträge."


TOO_FEW_ROWS_ONE = "Bitte erfassen Sie mindestens einen Eintrag."


NOT_ROWS = "Die Einträge konnten nicht gelesen werden."


TOO_MANY_ROWS = "Bitte erfassen Sie höchstens {max} Einträge."


DATE_OUT_OF_RANGE = "Bitte geben Sie ein Datum zwischen 1900 und 2100 ein."


DATE_IN_FUTURE = "Das Datum darf nicht in der Zukunft liegen."
