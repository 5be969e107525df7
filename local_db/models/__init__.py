"""ORM models of the local database, one module per area of the domain.

Importing this package registers every table on ``Base.metadata`` (Alembic and the tests
rely on that).
"""

from local_db.models.casework import EvidenceItem, Finding, InterviewRecord
from local_db.models.checklist import ChecklistResponse, ChecklistTemplate
from local_db.models.inspection import CaseFile, InspectionTask, TeamMembership
from local_db.models.reference import Inspector, Institution, Region
from local_db.models.settlement import Claim, ClaimLine, PlantedIrregularity, SettlementBatch
from local_db.models.system import AppSetting, AuditLogEntry, LocalUser, OutboxEntry

__all__ = [
    "AppSetting",
    "AuditLogEntry",
    "CaseFile",
    "ChecklistResponse",
    "ChecklistTemplate",
    "Claim",
    "ClaimLine",
    "EvidenceItem",
    "Finding",
    "InspectionTask",
    "Inspector",
    "Institution",
    "InterviewRecord",
    "LocalUser",
    "OutboxEntry",
    "PlantedIrregularity",
    "Region",
    "SettlementBatch",
    "TeamMembership",
]
