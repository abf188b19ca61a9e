"""Where each rule comes from: a seed document and a section of it.

The seeds are the pages of "Models of care ... Update 2006" and the local care co-ordination
protocol kept in the project's shared material (seed 000-004). Each rule and finding cites one of
the sections below, so a user can find the sentence it enforces.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """A seed document and a section heading in it."""

    seed: str
    section: str

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.section}"


# Seed 003: the local care co-ordination protocol.
OVERARCHING_PRINCIPLES = Source("003", "Overarching Principles")
AIMS = Source("003", "Aims of Care Co-ordination")
CARE_PLANNING_CRITERIA = Source("003", "Criteria for Care Planning and Care Co-ordination")
CARE_MANAGER_CRITERIA = Source("003", "Criteria for Care Manager Involvement")
WHO_IS_RESPONSIBLE = Source("003", "Who is Responsible for Care Co-ordination?")
COORDINATOR_DUTIES = Source("003", "Role and Responsibilities of the Care Co-ordinator")
CLOSURES_AND_TRANSFERS = Source("003", "Closures and Transfers")

# Models of care, Update 2006.
CARE_PLAN = Source("001", "5.3.2 The care plan")
AFTERCARE = Source("002", "5.3.3 aftercare plans")
KEYWORKING = Source("002", "5.3.4 Keyworking and the care planning process")
CRIMINAL_JUSTICE = Source(
    "000", "5.3.6 Care planning and co-ordination of care in the criminal justice system"
)
EXTERNAL_COORDINATION = Source("000", "5.3.7 Care planning in other groups with externally co-ordinated care")
