"""People: employees by function, role, team and manager."""

from __future__ import annotations

from revline.schema.core import OrderCheck, choice, day, ident, ref, table, text
from revline.schema.enums import FUNCTIONS, REGIONS

EMPLOYEES = table(
    "employees",
    "people",
    "Employees with their function from the function category map.",
    [
        ident("employee_id", "Canonical employee id."),
        text("name", "Full name.", required=True),
        text("email", "Work email."),
        choice("function", FUNCTIONS, "Function from the function category map.", True),
        text("role", "Role (AE, SDR, CSM, manager, ...)."),
        text("team", "Team name."),
        ref("manager_id", "employees.employee_id", "Manager."),
        choice("region", REGIONS, "Region covered."),
        day("start_date", "First day of employment (empty if the source lacks it)."),
        day("end_date", "Last day of employment."),
    ],
    (OrderCheck("start_date", "end_date"),),
)

TABLES = (EMPLOYEES,)
