"""ORM models of the local database, one module per area of the domain.

Importing this package registers every table on ``Base.metadata`` (Alembic and the tests
rely on that).
"""

from local_db.models.casework import (
    CaseLink,
    CustodyEvent,
    EvidenceItem,
    EvidenceThumbnail,
    ExtractionRecord,
    Finding,
    InterviewEntry,
    InterviewRecord,
    RectificationCheck,
)
from local_db.models.checklist import (
    CaseChecklist,
    ChecklistMigration,
    ChecklistResponse,
    ChecklistTemplate,
)
from local_db.models.inspection import ArrivalRecord, CaseFile, InspectionTask, TeamMembership
from local_db.models.reference import Inspector, Institution, Region
from local_db.models.settlement import Claim, ClaimLine, PlantedIrregularity, SettlementBatch
from local_db.models.system import (
    AppSetting,
    AuditLogEntry,
    Device,
    DeviceSecret,
    LocalUser,
    OutboxEntry,
)

__all__ = [
    "AppSetting",
    "ArrivalRecord",
    "AuditLogEntry",
    "CaseChecklist",
    "CaseFile",
    "CaseLink",
    "ChecklistMigration",
    "ChecklistResponse",
    "ChecklistTemplate",
    "Claim",
    "ClaimLine",
    "CustodyEvent",
    "Device",
    "DeviceSecret",
    "EvidenceItem",
    "EvidenceThumbnail",
    "ExtractionRecord",
    "Finding",
    "InspectionTask",
    "Inspector",
    "Institution",
    "InterviewEntry",
    "InterviewRecord",
    "LocalUser",
    "OutboxEntry",
    "PlantedIrregularity",
    "RectificationCheck",
    "Region",
    "SettlementBatch",
    "TeamMembership",
]
