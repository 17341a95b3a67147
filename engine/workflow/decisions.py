"""DMN decision tables, run by SpiffWorkflow's DMN engine inside our restricted expression engine.

SpiffWorkflow parses the table and evaluates every cell through the workflow's script engine, which is ours
(engine.workflow.script_engine), so a cell obeys the same checks and limits as a script. We add the hit policies
SpiffWorkflow leaves out (FIRST, RULE ORDER, a UNIQUE that refuses overlaps) and record each evaluation on the
workflow, where the step that ran it collects it for the case's audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.serializer.task_spec import BaseBusinessRuleTaskConverter
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .limits import DEFAULT_LIMITS, LimitExceeded, Limits
from .script_engine import ForbiddenExpression, RestrictedScriptEngine
from .xml_safety import UnsafeXml, parse_xml

DMN_NAMESPACES = frozenset({"http://www.omg.org/spec/DMN/20151101/dmn.xsd",
                            "http://www.omg.org/spec/DMN/20180521/MODEL/",
                            "https://www.omg.org/spec/DMN/20191111/MODEL/"})
HIT_POLICIES = ("UNIQUE", "FIRST", "RULE ORDER", "COLLECT")
HIT_POLICY_LABELS = {"UNIQUE": "genau eine Regel (UNIQUE)", "FIRST": "erste passende Regel (FIRST)",
                     "RULE ORDER": "alle passenden Regeln in Reihenfolge (RULE ORDER)",
                     "COLLECT": "alle passenden Regeln gesammelt (COLLECT)"}
# Where a step's evaluations wait on the (top) workflow until the step's caller collects them.
_LOG = "integraflow_decisions"


class DecisionError(ValueError):
    """A decision table cannot be read or evaluated; the message is German and names the table."""


@dataclass(frozen=True)
class MatchedRule:
    """One rule that matched: its row number (1-based), id and annotation."""

    number: int
    rule_id: str
    description: str


@dataclass
class Evaluation:
    """One evaluation of a decision table: what went in, which rules matched, what came out."""

    key: str
    name: str
    version: int | None
    hit_policy: str
    inputs: dict[str, object]
    rules: list[MatchedRule]
    outputs: dict[str, object]
    element_id: str | None = None
    output_labels: dict[str, str] = field(default_factory=dict)

    def as_payload(self) -> dict:
        """The evaluation as JSON-able audit payload."""
        return {"decision": self.key, "name": self.name, "version": self.version, "hit_policy": self.hit_policy,
                "inputs": _jsonable(self.inputs), "outputs": _jsonable(self.outputs), "element": self.element_id,
                "rules": [{"number": r.number, "id": r.rule_id, "description": r.description} for r in self.rules]}


class RecordingDecisionEngine(DMNEngine):
    """SpiffWorkflow's DMN engine with all four hit policies, recording each evaluation on the workflow."""

    def __init__(self, decision_table, key: str, name: str, version: int | None):
        super().__init__(decision_table)
        self.key, self.name, self.version = key, name, version

    def decide(self, task):
        """The matching rules under the table's hit policy (UNIQUE refuses a second match)."""
        policy = self.decision_table.hit_policy
        matched = []
        for rule in self.decision_table.rules:
            if self._matches(rule, task):
                matched.append(rule)
                if policy == "FIRST":
                    break
        if policy == "UNIQUE" and len(matched) > 1:
            numbers = ", ".join(str(r.row_number) for r in matched)
            raise DecisionError(f"Tabelle „{self.name}“: Mehrere Regeln treffen zu (Regeln {numbers}), die "
                                "Tabelle verlangt genau eine (UNIQUE).")
        if not matched and policy in ("UNIQUE", "FIRST"):
            raise DecisionError(f"Tabelle „{self.name}“: Keine Regel trifft auf die Eingaben zu.")
        return matched

    def result(self, task):
        """Outputs of the matched rules (lists under COLLECT and RULE ORDER), recorded on the workflow."""
        inputs = self._inputs(task)
        matched = self.decide(task)
        if self.decision_table.hit_policy in ("COLLECT", "RULE ORDER"):
            outputs: dict[str, list] = {_output_key(o): [] for o in self.decision_table.outputs}
            for rule in matched:
                for key, value in self._outputs(rule, task).items():
                    outputs.setdefault(key, []).append(value)
        else:
            outputs = self._outputs(matched[0], task)
        evaluation = Evaluation(
            self.key, self.name, self.version, self.decision_table.hit_policy, inputs,
            [MatchedRule(r.row_number, r.id, r.description or "") for r in matched], outputs,
            element_id=getattr(getattr(task, "task_spec", None), "bpmn_id", None),
            output_labels={_output_key(o): o.label or _output_key(o) for o in self.decision_table.outputs})
        top = getattr(task.workflow, "top_workflow", task.workflow)
        log = getattr(top, _LOG, None)
        if log is None:
            log = []
            setattr(top, _LOG, log)
        log.append(evaluation)
        return outputs

    def needs_eq(self, script_engine, text):
        """Whether a cell is a plain value (compared with ==) or starts with an operator (`>= 3`, `in (…)`)."""
        try:
            script_engine.validate(text)
            return True
        except (SyntaxError, ForbiddenExpression) as plain:
            # Our engine reports a syntax error as ForbiddenExpression; retry with an operand in front, and when
            # that fails too the cell's own problem (e.g. a forbidden name) is the one to report.
            try:
                script_engine.validate(f"v {text}")
            except (SyntaxError, ForbiddenExpression):
                raise plain from None
            return False

    def evaluate(self, input_expr, match_expr, task):
        """One cell against its column, as SpiffWorkflow's engine does it, with a space between input and operator.

        SpiffWorkflow glues the input expression and an operator cell together (`x` + `in (…)` = `xin (…)`).
        """
        if match_expr is None or "?" in match_expr:
            return super().evaluate(input_expr, match_expr, task)
        script_engine = task.workflow.script_engine
        script_engine.validate(input_expr)
        expr = f"({input_expr}) == ({match_expr})" if self.needs_eq(script_engine, match_expr) \
            else f"({input_expr}) {match_expr}"
        return script_engine.evaluate(task, expr)

    def _matches(self, rule, task) -> bool:
        for entry in rule.inputEntries:
            for cell in entry.lhs:
                if cell is None or not cell.strip():
                    continue
                try:
                    if not self.evaluate(entry.input.expression, cell.strip(), task):
                        return False
                except Exception as exc:  # noqa: BLE001 - a table cell is user input; its failure is a finding
                    cause = _unwrap(exc)
                    if isinstance(cause, LimitExceeded):
                        raise cause from None
                    raise DecisionError(f"Tabelle „{self.name}“, Regel {rule.row_number}, Spalte "
                                        f"„{entry.input.label}“: {_cause(exc)}") from None
        return True

    def _outputs(self, rule, task) -> dict[str, object]:
        try:
            return dict(rule.output_as_dict(task))
        except Exception as exc:  # noqa: BLE001 - an output cell is user input too
            cause = _unwrap(exc)
            if isinstance(cause, LimitExceeded):
                raise cause from None
            raise DecisionError(f"Tabelle „{self.name}“, Regel {rule.row_number}, Ausgabe: {_cause(exc)}") from None

    def _inputs(self, task) -> dict[str, object]:
        values = {}
        for column in self.decision_table.inputs:
            label = column.label or column.expression or column.id
            try:
                values[label] = task.workflow.script_engine.evaluate(task, column.expression)
            except Exception as exc:  # noqa: BLE001
                cause = _unwrap(exc)
                if isinstance(cause, LimitExceeded):
                    raise cause from None
                raise DecisionError(f"Tabelle „{self.name}“, Eingabe „{label}“: {_cause(exc)}") from None
        return values


class RecordingRuleTaskConverter(BaseBusinessRuleTaskConverter):
    """Whole-document JSON (export, benchmarks) keeps our engine and the table's key, name and version."""

    def to_dict(self, spec):
        """SpiffWorkflow's dict plus which table version the engine runs."""
        dct = super().to_dict(spec)
        engine = spec.dmnEngine
        dct["integraflow_decision"] = {"key": getattr(engine, "key", None), "name": getattr(engine, "name", None),
                                       "version": getattr(engine, "version", None)}
        return dct

    def from_dict(self, dct):
        """The task spec with a recording engine instead of SpiffWorkflow's plain one."""
        meta = dct.pop("integraflow_decision", None) or {}
        table = self.decision_table_from_dict(dct.pop("decision_table"))
        dct["dmnEngine"] = RecordingDecisionEngine(table, meta.get("key") or table.id,
                                                   meta.get("name") or table.name or table.id, meta.get("version"))
        return self.task_spec_from_dict(dct)


class DecisionParser(CamundaParser):
    """The Camunda parser whose business-rule tasks get our recording engine, with the pinned table versions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision_versions: dict[str, int | None] = {}

    def add_decision(self, xml: bytes | str, version: int | None = None) -> str:
        """Add a DMN document (safely parsed); returns its decision key."""
        root = dmn_root(xml)
        self.add_dmn_xml(root, filename="decision.dmn")
        key = root.find("{*}decision").get("id")
        self.decision_versions[key] = version
        return key

    def get_engine(self, decision_ref, node):
        """The recording engine for a referenced decision (SpiffWorkflow calls this while parsing the task)."""
        if decision_ref not in self.dmn_parsers:
            raise ValidationException(f"Die Entscheidungstabelle „{decision_ref}“ ist nicht bereitgestellt.",
                                      node=node, file_name="")
        dmn_parser = self.dmn_parsers[decision_ref]
        dmn_parser.parse()
        decision = dmn_parser.decision
        return RecordingDecisionEngine(decision.decisionTables[0], decision.id, decision.name or decision.id,
                                       self.decision_versions.get(decision_ref))


def dmn_root(xml: bytes | str):
    """The safely parsed root of a DMN document with exactly one decision table, or DecisionError."""
    try:
        root = parse_xml(xml)
    except UnsafeXml as exc:
        raise DecisionError(str(exc)) from None
    if not isinstance(root.tag, str) or root.tag.split("}")[0].lstrip("{") not in DMN_NAMESPACES \
            or not root.tag.endswith("}definitions"):
        raise DecisionError("Die Datei ist kein DMN-Dokument (Wurzelelement 'definitions' im DMN-Namensraum "
                            "fehlt).")
    decisions = root.findall("{*}decision")
    if len(decisions) != 1 or not decisions[0].get("id"):
        raise DecisionError("Die Datei muss genau eine Entscheidung mit einer ID enthalten.")
    tables = decisions[0].findall("{*}decisionTable")
    if len(tables) != 1:
        raise DecisionError("Die Entscheidung muss genau eine Entscheidungstabelle enthalten.")
    return root


def parse_decision(xml: bytes | str, version: int | None = None) -> RecordingDecisionEngine:
    """Parse one DMN document into its engine, or raise DecisionError with a German reason."""
    parser = DecisionParser()
    try:
        key = parser.add_decision(xml, version)
        return parser.get_engine(key, None)
    except DecisionError:
        raise
    except (ValidationException, SpiffWorkflowException, KeyError, IndexError, AttributeError,
            TypeError, ValueError) as exc:
        raise DecisionError(f"Die Entscheidungstabelle ist fehlerhaft: {_cause(exc)}") from None


class _Workflow:
    class spec:  # noqa: N801 - SpiffWorkflow's error messages read workflow.spec.file
        file = "decision.dmn"

    def __init__(self, script_engine):
        self.script_engine = script_engine
        self.top_workflow = self


class _Spec:
    bpmn_id = None
    bpmn_name = name = "Entscheidungstabelle"
    description = "Entscheidungstabelle"


class _Task:
    """What SpiffWorkflow's DMN engine (and its exceptions) read from a task: data, script engine, spec."""

    def __init__(self, data: dict, script_engine):
        self.data = data
        self.workflow = _Workflow(script_engine)
        self.task_spec = _Spec()


def evaluate_decision(engine: RecordingDecisionEngine, data: dict, limits: Limits = DEFAULT_LIMITS) -> Evaluation:
    """Evaluate a parsed table against input data outside a workflow (editor test, CLI, benchmark)."""
    script_engine = RestrictedScriptEngine(limits)
    task = _Task(dict(data), script_engine)
    try:
        with script_engine.budget():
            engine.result(task)
    except DecisionError:
        raise
    except (ForbiddenExpression, LimitExceeded) as exc:
        raise DecisionError(f"Tabelle „{engine.name}“: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - user input; never a traceback
        raise DecisionError(f"Tabelle „{engine.name}“: {_cause(exc)}") from None
    return getattr(task.workflow, _LOG)[-1]


def take_evaluations(workflow) -> list[Evaluation]:
    """The evaluations the workflow ran since the last call (and forget them)."""
    log = getattr(workflow, _LOG, None) or []
    if log:
        setattr(workflow, _LOG, [])
    return list(log)


def _output_key(output) -> str:
    return output.name or output.label or output.id


def _unwrap(exc: BaseException) -> BaseException:
    """The failure behind SpiffWorkflow's wrappers (an exceeded limit, a refused or failing expression)."""
    seen = 0
    while seen < 10:
        inner = getattr(exc, "exception", None) or exc.__cause__ \
            or (None if exc.__suppress_context__ else exc.__context__)
        if inner is None or inner is exc:
            return exc
        exc, seen = inner, seen + 1
    return exc


def _cause(exc: BaseException) -> str:
    inner = _unwrap(exc)
    if isinstance(inner, NameError):
        return f"Unbekannter Name „{getattr(inner, 'name', '') or inner}“"
    if isinstance(inner, ForbiddenExpression):
        return f"Ausdruck nicht erlaubt: {inner}"
    if isinstance(inner, (TypeError, ValueError, ZeroDivisionError, AttributeError, KeyError, IndexError)):
        return f"Ausdruck konnte nicht ausgewertet werden ({type(inner).__name__}: {inner})"
    return str(inner).split("\n")[0] or type(inner).__name__


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def decision_refs(bpmn_xml: bytes | str) -> frozenset[str]:
    """Keys of the decision tables a BPMN file's business-rule tasks use (camunda:decisionRef)."""
    try:
        root = parse_xml(bpmn_xml)
    except UnsafeXml:
        return frozenset()
    attr = "{http://camunda.org/schema/1.0/bpmn}decisionRef"
    return frozenset(el.get(attr) for el in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}businessRuleTask")
                     if el.get(attr))


def decision_key(dmn_xml: bytes | str) -> str:
    """The key (decision id) a DMN document deploys under, or DecisionError."""
    return dmn_root(dmn_xml).find("{*}decision").get("id")


def explain_evaluation(evaluation: Evaluation) -> list[str]:
    """German lines for a person: table and version, the matched rule(s) with their annotation, the outputs."""
    version = f" v{evaluation.version}" if evaluation.version is not None else ""
    policy = HIT_POLICY_LABELS.get(evaluation.hit_policy, evaluation.hit_policy)
    lines = [f"Tabelle „{evaluation.name}“{version} – {policy}"]
    if not evaluation.rules:
        lines.append("Keine Regel trifft zu.")
    for rule in evaluation.rules:
        lines.append(f"Regel {rule.number} trifft zu" + (f": {rule.description}" if rule.description else ""))
    for key, value in evaluation.outputs.items():
        label = evaluation.output_labels.get(key, key)
        lines.append(f"  {label} ({key}) = {_german(value)}")
    return lines


def _german(value) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if value is None:
        return "–"
    if isinstance(value, list):
        return "[" + ", ".join(_german(v) for v in value) + "]"
    return str(value)


def table_reads(engine: RecordingDecisionEngine) -> list[str]:
    """Data names the table's input and output expressions read, in table order (builtins and helpers left out)."""
    from .script_engine import unknown_names

    sources = [column.expression or "" for column in engine.decision_table.inputs]
    sources += [entry.text or "" for rule in engine.decision_table.rules for entry in rule.outputEntries]
    names: list[str] = []
    for source in sources:
        try:
            found = sorted(unknown_names(source, set()))
        except SyntaxError:
            continue
        names += [n for n in found if n not in names]
    return names
