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
from local_db.models.documents import (
    DocumentSignature,
    IssuedDocument,
    OnsiteRecord,
    SigningCredential,
    TrustedRoot,
)
from local_db.models.inspection import ArrivalRecord, CaseFile, InspectionTask, TeamMembership
from local_db.models.inventory import InventoryBatch, InventoryMovement
from local_db.models.reference import DeathRecord, Inspector, Institution, MedicalItem, Region
from local_db.models.sampling import (
    AppraisalRecord,
    ClaimReview,
    LineReview,
    SampleDraw,
    SampleUnit,
)
from local_db.models.screening import FlagReview, ScreeningFlag, ScreeningRun
from local_db.models.settlement import (
    Claim,
    ClaimLine,
    ImportProblem,
    MappingProfile,
    PlantedIrregularity,
    SettlementBatch,
)
from local_db.models.sync import SyncConflict, SyncParked, SyncRecordState, SyncStateValue
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
    "AppraisalRecord",
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
    "ClaimReview",
    "CustodyEvent",
    "DeathRecord",
    "Device",
    "DeviceSecret",
    "DocumentSignature",
    "EvidenceItem",
    "EvidenceThumbnail",
    "ExtractionRecord",
    "Finding",
    "FlagReview",
    "ImportProblem",
    "InspectionTask",
    "Inspector",
    "Institution",
    "InterviewEntry",
    "InterviewRecord",
    "InventoryBatch",
    "InventoryMovement",
    "IssuedDocument",
    "LineReview",
    "LocalUser",
    "MappingProfile",
    "MedicalItem",
    "OnsiteRecord",
    "OutboxEntry",
    "PlantedIrregularity",
    "RectificationCheck",
    "Region",
    "SampleDraw",
    "SampleUnit",
    "ScreeningFlag",
    "ScreeningRun",
    "SettlementBatch",
    "SigningCredential",
    "SyncConflict",
    "SyncParked",
    "SyncRecordState",
    "SyncStateValue",
    "TeamMembership",
    "TrustedRoot",
]
