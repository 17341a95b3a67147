"""What each declared step reads from its form: the deploy gate refuses a step whose form lacks these fields.

The plan effects (engine.casework.plan_effects), the intake and the case page read exactly these keys, so a team
lead may put any form on a step as long as it provides them (and may add fields of their own).
"""
from __future__ import annotations

STEP_FIELDS: dict[str, frozenset[str]] = {
    "intake": frozenset({"municipality_id", "first_name", "last_name", "residence_status", "au_since",
                         "counselling_start"}),
    "eligibility_review": frozenset(),
    "consent": frozenset({"consent_given", "consent_date", "consent_scope"}),
    "assessment": frozenset({"assessment_date"}),
    "target_agreement": frozenset({"plan_date", "goals", "goals[].life_area", "goals[].title"}),
    "review": frozenset({"review_date", "goals", "goals[].goal_id", "goals[].status"}),
    "closure": frozenset({"closure_reason", "closure_date", "final_goals", "final_goals[].goal_id",
                          "final_goals[].final_status"}),
}
