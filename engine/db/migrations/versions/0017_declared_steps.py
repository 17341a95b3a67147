"""declared steps: open and completed tasks carry the mandated step their BPMN task declares

The app used to recognise steps by the element ids of the shipped journey; from now on a BPMN file declares them
(`integraflow.*` properties, see engine.workflow.declarations). This migration brings stored data to that format:
- every deployed definition that still uses the shipped journey's ids gets the declarations the shipped journey
  now carries (the journey kind, the step of each user task, the closure reason of the two early end events), so
  running cases on old versions keep working; its checksum follows the new text;
- open and completed tasks get their step from those ids;
- stored rule files that named those ids name the steps instead (their meaning does not change).

Revision ID: 0017
Revises: 0016
"""
import hashlib
import re

from alembic import op
from lxml import etree
import sqlalchemy as sa

import engine.db.base

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# The shipped journey's element ids up to this version and the steps they stood for.
SHIPPED_STEPS = {
    "Task_Intake": "intake", "Task_EligibilityReview": "eligibility_review", "Task_Consent": "consent",
    "Task_Assessment": "assessment", "Task_TargetAgreement": "target_agreement", "Task_Review": "review",
    "Task_Closure": "closure",
}
BEFORE_CONSENT = ("intake", "eligibility_review", "consent")
SHIPPED_ENDS = {"End_NoConsent": "no_consent", "End_NotEligible": "not_eligible"}
JOURNEY_PROCESS = "client_journey"
_IDS = re.compile(r"\b(" + "|".join(SHIPPED_STEPS) + r")\b")
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"


def upgrade():
    with op.batch_alter_table("process_definition") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="case_process"))
        batch.add_column(sa.Column("calls", engine.db.base.JsonType, nullable=True))
    with op.batch_alter_table("open_task") as batch:
        batch.add_column(sa.Column("step", sa.String(30), nullable=True))
        batch.add_column(sa.Column("needs_consent", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("completed_task") as batch:
        batch.add_column(sa.Column("step", sa.String(30), nullable=True))
    op.create_index("ix_completed_task_step_case", "completed_task", ["step", "case_id", "completed_at"])
    conn = op.get_bind()
    for spec, step in SHIPPED_STEPS.items():
        conn.execute(sa.text("UPDATE open_task SET step = :step, needs_consent = :needs WHERE task_spec = :spec"),
                     {"step": step, "needs": step not in BEFORE_CONSENT, "spec": spec})
        conn.execute(sa.text("UPDATE completed_task SET step = :step WHERE task_spec = :spec"),
                     {"step": step, "spec": spec})
    conn.execute(sa.text("UPDATE open_task SET needs_consent = :yes WHERE step IS NULL"), {"yes": True})
    for row_id, xml in conn.execute(sa.text("SELECT id, bpmn_xml FROM process_definition")).all():
        declared = _declare(xml)
        if declared != xml:
            conn.execute(sa.text("UPDATE process_definition SET bpmn_xml = :xml, checksum = :checksum WHERE id = :id"),
                         {"xml": declared, "checksum": hashlib.sha256(declared.encode("utf-8")).hexdigest(),
                          "id": row_id})
        if 'name="integraflow.kind" value="journey"' in declared:
            conn.execute(sa.text("UPDATE process_definition SET kind = 'journey' WHERE id = :id"), {"id": row_id})
    rows = conn.execute(sa.text("SELECT id, source FROM rule_set_version")).all()
    for row_id, source in rows:
        migrated = _IDS.sub(lambda m: SHIPPED_STEPS[m.group(1)], source)
        if migrated != source:
            conn.execute(sa.text("UPDATE rule_set_version SET source = :source, checksum = :checksum WHERE id = :id"),
                         {"source": migrated, "checksum": hashlib.sha256(migrated.encode("utf-8")).hexdigest(),
                          "id": row_id})


def _declare(xml: str) -> str:
    """The definition with the shipped journey's declarations added where its ids stand undeclared."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return xml
    if 'name="integraflow.' in xml:
        return xml  # declared already
    changed = False
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") == JOURNEY_PROCESS:
            changed |= _add(process, "kind", "journey")
    for task in root.iter(f"{{{BPMN}}}userTask"):
        if task.get("id") in SHIPPED_STEPS:
            changed |= _add(task, "step", SHIPPED_STEPS[task.get("id")])
    for end in root.iter(f"{{{BPMN}}}endEvent"):
        if end.get("id") in SHIPPED_ENDS:
            changed |= _add(end, "closure_reason", SHIPPED_ENDS[end.get("id")])
    if not changed:
        return xml
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if xml.lstrip().startswith("<?xml") else ""
    return head + etree.tostring(root, encoding="unicode")


def _add(element, name: str, value: str) -> bool:
    """Add one integraflow property to the element's extension elements (created after its documentation)."""
    ext = element.find(f"{{{BPMN}}}extensionElements")
    if ext is None:
        ext = etree.Element(f"{{{BPMN}}}extensionElements")
        docs = element.findall(f"{{{BPMN}}}documentation")
        element.insert(element.index(docs[-1]) + 1 if docs else 0, ext)
    props = ext.find(f"{{{CAMUNDA}}}properties")
    if props is None:
        props = etree.SubElement(ext, f"{{{CAMUNDA}}}properties")
    etree.SubElement(props, f"{{{CAMUNDA}}}property", name=f"integraflow.{name}", value=value)
    return True


def downgrade():
    with op.batch_alter_table("process_definition") as batch:
        batch.drop_column("calls")
        batch.drop_column("kind")
    op.drop_index("ix_completed_task_step_case", table_name="completed_task")
    with op.batch_alter_table("completed_task") as batch:
        batch.drop_column("step")
    with op.batch_alter_table("open_task") as batch:
        batch.drop_column("needs_consent")
        batch.drop_column("step")
