"""People: the staff of the synthetic company, its partners and the sales quotas.

Headcount has two drivers. Go-to-market staff scale with the market that arrives in the window
(one account executive per ~2,500 accounts in a region, development reps at half that); the
functions that serve customers and build the product scale with the customers served (the
installed base and the window's new customers, :data:`SERVED`), so revenue per employee, deals
per rep and the profit margin stay in realistic bands at every size. Quota carriers (AE, SDR,
CSM) are in post for the whole history so every account, lead and note has an owner who is
employed; the rest of the company hires and leaves over time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revline.schema.enums import FUNCTIONS
from revline.synth import columns as c
from revline.synth.config import DAY, PARTNER_TYPES, REGIONS, Calendar, SynthConfig

FIRST = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Femi",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
)
LAST = (
    "Adams",
    "Berg",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Okafor",
    "Park",
    "Rossi",
    "Silva",
)
#: Monthly base salary in USD cents, per function (same order as enums.FUNCTIONS).
SALARY = (
    750_000,
    500_000,
    800_000,
    900_000,
    650_000,
    650_000,
    800_000,
    750_000,
    1_050_000,
    1_100_000,
    500_000,
    750_000,
    800_000,
)
ROLE = {"sales": "AE", "sales_development": "SDR", "customer_success": "CSM"}
#: Paying customers per head of each function that serves the base (and at least this many).
SERVED = {
    "customer_success": (65, 1),
    "renewals": (200, 1),
    "product": (55, 3),
    "engineering": (16, 5),
    "support": (100, 2),
    "finance": (250, 2),
    "general_admin": (120, 2),
}


@dataclass(frozen=True)
class Staff:
    """Employees as arrays (index = employee number), and who covers what."""

    function: np.ndarray  # index into enums.FUNCTIONS
    region: np.ndarray  # index into REGIONS
    start: np.ndarray  # epoch seconds
    end: np.ndarray  # epoch seconds, -1 while employed
    salary: np.ndarray  # monthly cents
    manager: np.ndarray  # employee index, -1 for the CEO
    head: np.ndarray  # heads a function

    def of(self, function: str, region: int | None = None) -> np.ndarray:
        """Employee numbers of a function (in a region; the whole function if none there)."""
        sel = self.function == FUNCTIONS.index(function)
        if region is not None:
            sel &= self.region == region
        found = np.flatnonzero(sel)
        return found if len(found) else np.flatnonzero(self.function == FUNCTIONS.index(function))

    def assign(self, rng: np.random.Generator, function: str, region: np.ndarray) -> np.ndarray:
        """An owner of ``function`` for each row, from the row's region."""
        out = np.empty(len(region), np.int64)
        for r in range(len(REGIONS)):
            rows = np.flatnonzero(region == r)
            pool = self.of(function, r)
            out[rows] = pool[rng.integers(0, len(pool), len(rows))]
        return out


def build_staff(
    rng: np.random.Generator, config: SynthConfig, cal: Calendar, served: float
) -> Staff:
    """Headcount per function and region from the market's size and the customers ``served``."""
    share = np.asarray(config.region_mix) / sum(config.region_mix)
    ae = np.maximum(2, np.round(config.accounts * share / 2_500)).astype(np.int64)
    total = int(ae.sum())

    def serving(function: str, part: float | np.ndarray = 1.0) -> np.ndarray:
        per_head, least = SERVED[function]
        heads = np.round(served * np.asarray(part) / per_head)
        out: np.ndarray = np.maximum(least, heads).astype(np.int64)
        return out

    per_region = {
        "sales": ae,
        "sales_development": np.maximum(1, ae // 2),
        "customer_success": serving("customer_success", share),
    }
    flat = {
        "marketing": max(3, total // 2),
        "sales_engineering": max(1, total // 3),
        "partnerships": max(1, total // 10),
        "revops": max(1, total // 10),
        **{f: int(serving(f)) for f in SERVED if f != "customer_success"},
    }
    functions: list[np.ndarray] = []
    regions: list[np.ndarray] = []
    carrier: list[np.ndarray] = []
    for f, name in enumerate(FUNCTIONS):
        if name in per_region:
            counts = per_region[name]
            regions.append(np.repeat(np.arange(len(REGIONS)), counts))
        else:
            regions.append(rng.choice(len(REGIONS), flat[name], p=share))
        n = len(regions[-1])
        functions.append(np.full(n, f))
        carrier.append(np.full(n, name in per_region))
    function = np.concatenate(functions)
    region = np.concatenate(regions)
    quota_carrier = np.concatenate(carrier)
    n = len(function)
    # Function heads report to the CEO (employee 0, general_admin); the rest to their head.
    order = np.argsort(function, kind="stable")
    function, region, quota_carrier = function[order], region[order], quota_carrier[order]
    first_of = np.searchsorted(function, function)
    head = first_of == np.arange(n)
    manager = first_of.copy()
    ceo = int(np.flatnonzero(function == FUNCTIONS.index("general_admin"))[0])
    manager[head] = ceo
    manager[ceo] = -1
    window = cal.end - cal.start
    before = cal.start - rng.integers(30, 3 * 365, n) * DAY
    hired = cal.start + rng.integers(0, max(window // DAY, 1), n) * DAY
    late_hire = ~quota_carrier & (rng.random(n) < 0.35)
    start = np.where(late_hire, hired, before)
    leaves = ~quota_carrier & (rng.random(n) < 0.12)
    end = start + rng.integers(120, 900, n) * DAY
    end = np.where(leaves & (end < cal.end), end, -1)
    salary = np.asarray(SALARY)[function] * np.where(head, 14, 10) // 10
    return Staff(function, region, start, end, salary, manager, head)


def employees(rng: np.random.Generator, staff: Staff, loaded_at: int) -> pa.Table:
    n = len(staff.function)
    idx = np.arange(n)
    first = rng.integers(0, len(FIRST), n)
    last = rng.integers(0, len(LAST), n)
    name = pc.binary_join_element_wise(c.pick(FIRST, first), c.pick(LAST, last), " ")
    email = pc.binary_join_element_wise(
        pc.utf8_lower(c.pick(FIRST, first)), c.ids("", idx), "@revline.example"
    )
    role_names = [ROLE.get(f, f.replace("_", " ")) for f in FUNCTIONS]
    role = pc.if_else(pa.array(staff.head), c.const("head", n), c.pick(role_names, staff.function))
    return c.frame(
        "employees",
        loaded_at,
        {
            "employee_id": c.ids("emp_", idx),
            "name": name,
            "email": email,
            "function": c.pick(FUNCTIONS, staff.function),
            "role": role,
            "team": c.pick(FUNCTIONS, staff.function),
            "manager_id": c.ids("emp_", np.maximum(staff.manager, 0), staff.manager < 0),
            "region": c.pick(REGIONS, staff.region),
            "start_date": c.day(staff.start),
            "end_date": c.day(staff.end, staff.end < 0),
        },
    )


def partners(
    rng: np.random.Generator, config: SynthConfig, staff: Staff, loaded_at: int
) -> pa.Table:
    n = partner_count(config)
    idx = np.arange(n)
    owners = staff.of("partnerships")
    return c.frame(
        "partners",
        loaded_at,
        {
            "partner_id": c.ids("ptn_", idx),
            "name": pc.binary_join_element_wise(
                c.pick(LAST, idx % len(LAST)), c.ids("", idx), " Partners "
            ),
            "partner_type": c.pick(PARTNER_TYPES, rng.integers(0, len(PARTNER_TYPES), n)),
            "owner_id": c.ids("emp_", owners[rng.integers(0, len(owners), n)]),
        },
    )


def partner_count(config: SynthConfig) -> int:
    return int(min(200, max(3, config.accounts // 2_000)))


def quotas(staff: Staff, cal: Calendar, quota_cents: np.ndarray, loaded_at: int) -> pa.Table:
    """One ARR bookings quota per account executive per quarter of history.

    ``quota_cents`` is each quarter's quota per AE, set by the orchestrator from the bookings
    plan so that attainment lands around the industry's 60-80%.
    """
    aes = staff.of("sales")
    quarters = np.arange(0, cal.months, 3)
    emp = np.repeat(aes, len(quarters))
    q = np.tile(np.arange(len(quarters)), len(aes))
    starts = cal.starts[quarters[q]]
    ends = cal.starts[np.minimum(quarters[q] + 3, cal.months)] - DAY
    return c.frame(
        "quotas",
        loaded_at,
        {
            "quota_id": c.ids("quo_", np.arange(len(emp))),
            "employee_id": c.ids("emp_", emp),
            "period_start": c.day(starts),
            "period_end": c.day(ends),
            "amount": c.money(quota_cents[q]),
            "currency": c.const("USD", len(emp)),
        },
    )
