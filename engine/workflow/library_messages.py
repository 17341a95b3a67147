"""German, one-line, actionable texts for what libxml2, Python's compiler and SpiffWorkflow's parser report.

A modeler cannot act on "Excessive depth in document: 256, use XML_PARSE_HUGE option" or on a raw parser key;
each known library message maps to what to do, and an unknown one becomes a general German hint instead of
passing the English through.
"""
from __future__ import annotations

import re

_SPIFF = [
    (re.compile(r"Process (\S+) is not executable"),
     "Der Prozess „{0}“ ist nicht als ausführbar markiert: bitte im Modellierer „Ausführbar“ (isExecutable) "
     "einschalten."),
    (re.compile(r"Data Store with name (.+?) has no implementation"),
     "Der Datenspeicher „{0}“ wird nicht unterstützt: bitte entfernen; Daten eines Falls stehen in seinen "
     "Formularfeldern."),
    (re.compile(r"Cannot resolve data(?:Input|Output)Association"),
     "Die Datenverknüpfung zeigt auf ein Element, das die Laufzeit nicht kennt (z. B. einen Datenspeicher): "
     "bitte die Verknüpfung entfernen."),
    (re.compile(r"Time Specification Error|Unknown Time Specification"),
     "Das Zeitereignis hat keine gültige Zeitangabe: bitte Datum, Dauer oder Wiederholung eintragen, "
     "z. B. \"P3M\"."),
    (re.compile(r"Exactly one start event is required in a SubWorkflow Task; found (\d+)"),
     "Der Teilprozess braucht genau ein einfaches Startereignis (gefunden: {0}): bitte eines ergänzen bzw. "
     "überzählige entfernen."),
    (re.compile(r"Multiple outgoing flows are not supported for tasks of type"),
     "Dieses Element darf nur einen ausgehenden Sequenzfluss haben: für Verzweigungen bitte ein Gateway "
     "dahinter setzen."),
    (re.compile(r"Multiple outgoing flows"),
     "Dieses Element darf nur einen ausgehenden Sequenzfluss haben: für Verzweigungen bitte ein Gateway "
     "dahinter setzen."),
    (re.compile(r"No start event found|must have at least one start event", re.I),
     "Der Prozess hat kein Startereignis: bitte eines einfügen."),
    (re.compile(r"The process '(.+?)' was not found|No spec found|Unknown process", re.I),
     "Der aufgerufene Prozess „{0}“ ist unbekannt: bitte zuerst ihn bereitstellen oder den Aufruf ändern."),
]
_SPIFF_FALLBACK = ("Die Laufzeit kann dieses Element nicht lesen: bitte Typ, Verbindungen und Eigenschaften im "
                   "Modellierer prüfen.")

_XML = [
    (re.compile(r"Excessive depth"), "Die Datei ist zu tief verschachtelt (mehr als 256 Ebenen): bitte die "
                                     "Struktur vereinfachen."),
    (re.compile(r"Opening and ending tag mismatch"), "ein Element ist nicht richtig geschlossen"),
    (re.compile(r"Premature end of data|EndTag: '</' not found|Extra content at the end"),
     "die Datei endet unerwartet oder hat Inhalt nach dem Wurzelelement"),
    (re.compile(r"Namespace prefix .* not defined"), "ein Namensraum-Präfix ist nicht deklariert"),
    (re.compile(r"Attribute .* redefined"), "ein Attribut kommt doppelt vor"),
    (re.compile(r"Start tag expected|Document is empty"), "die Datei enthält kein XML"),
    (re.compile(r"Huge input lookup|xmlSAX2Characters: huge text node"), "ein Text ist zu lang"),
]

_SYNTAX = [
    (re.compile(r"never closed|unexpected EOF|was not closed"), "eine Klammer wird nicht geschlossen"),
    (re.compile(r"unterminated (triple-quoted )?string"), "eine Zeichenkette wird nicht abgeschlossen"),
    (re.compile(r"unmatched|does not match opening"), "eine schließende Klammer passt nicht"),
    (re.compile(r"expected ':'"), "„:“ fehlt"),
    (re.compile(r"indent", re.I), "die Einrückung stimmt nicht"),
    (re.compile(r"invalid character|invalid non-printable"), "ein unzulässiges Zeichen"),
    (re.compile(r"cannot assign|cannot delete"), "eine Zuweisung an etwas, dem nichts zugewiesen werden kann"),
    (re.compile(r"Maybe you meant '==' or ':='"), "„=“ statt „==“ für einen Vergleich"),
    (re.compile(r"'return' outside function"), "„return“ außerhalb einer Funktion"),
    (re.compile(r"too many statically nested blocks|too complex"), "zu tief verschachtelt"),
]


def spiff_message(text: str) -> str:
    """SpiffWorkflow's parser message as a German instruction (never the English text)."""
    for pattern, german in _SPIFF:
        match = pattern.search(text or "")
        if match:
            return german.format(*(g.strip(" .'\"") for g in match.groups() if g is not None))
    return _SPIFF_FALLBACK


def missing_attribute_message(key: str) -> str:
    """A parser's KeyError on a raw '{namespace}name' key: which attribute is missing."""
    name = str(key).strip("'\"").rsplit("}", 1)[-1]
    return f"Ein Element hat keinen Wert für „{name}“: bitte im Modellierer ergänzen oder das Element entfernen."


def xml_message(text: str, line: int | None) -> str:
    """libxml2's syntax error as German text naming the line."""
    where = f" (Zeile {line})" if line else ""
    for pattern, german in _XML:
        if pattern.search(text or ""):
            if german.startswith("Die Datei"):
                return german
            return f"Die Datei ist kein wohlgeformtes XML: {german}{where}."
    return f"Die Datei ist kein wohlgeformtes XML{where}: bitte mit dem Modellierer neu speichern."


def syntax_message(exc: SyntaxError) -> str:
    """A Python syntax error in an expression or script, in German, with the hint that Python is expected."""
    reason = next((german for pattern, german in _SYNTAX if pattern.search(exc.msg or "")), "ungültige Syntax")
    return f"Syntaxfehler in Zeile {exc.lineno or 1}: {reason} (erwartet wird ein Python-Ausdruck)"


def foreign_language(source: str) -> str | None:
    """FEEL or JUEL (`${…}`, `#{…}`, FEEL's leading `=`) instead of Python: say which language is expected."""
    text = (source or "").strip()
    if text.startswith(("${", "#{")):
        inner = (text[2:-1] if text.endswith("}") else text[2:]).strip()
        for juel, python in ((" && ", " and "), (" || ", " or "), ("true", "True"), ("false", "False"),
                             ("!", "not ")):
            inner = inner.replace(juel, python).replace("not =", "!=")
        return (f"„{text[:40]}“ ist ein JUEL/FEEL-Ausdruck; erwartet wird ein Python-Ausdruck ohne ${{…}}, "
                f"z. B. {inner[:40] or 'wert == 1'}").replace("\n", " ")
    if text.startswith("=") and not text.startswith("=="):
        return f"„{text[:40]}“ ist ein FEEL-Ausdruck (Camunda 8); erwartet wird ein Python-Ausdruck ohne führendes „=“"
    return None
