"""Importing settlement and 进销存 exports from CSV and XLSX files (see docs/settlement-import.md).

The public surface: sources and their preview for the mapping step, mappings (automatic
or saved), the imports themselves, and the error report. Everything is Qt-free; long work
takes a ``Progress`` and can be cancelled.
"""

from __future__ import annotations

from inspector_app.settlement_import.fields import (
    FieldKind,
    TargetField,
    role_fields,
    role_label,
)
from inspector_app.settlement_import.inventory import (
    InventoryFile,
    InventorySummary,
    import_inventory,
)
from inspector_app.settlement_import.mapping import (
    ColumnMapping,
    MappingError,
    MappingOptions,
    SavedMapping,
    auto_map,
    automatic_mapping,
    delete_mapping,
    list_mappings,
    load_mapping,
    save_mapping,
)
from inspector_app.settlement_import.preview import Preview, PreviewRow, preview
from inspector_app.settlement_import.problems import (
    Problem,
    ProblemCode,
    Severity,
    problem_text,
    severity,
)
from inspector_app.settlement_import.report import (
    BatchRow,
    export_problems,
    list_batches,
    list_problems,
    problem_values_masked,
)
from inspector_app.settlement_import.service import (
    FileSummary,
    ImportRefusedError,
    ImportSummary,
    NothingImportedError,
    SourceChangedError,
    import_settlement,
    may_import_without_case,
)
from inspector_app.settlement_import.sources import ImportSource, SourceError, TableLayout

__all__ = [
    "BatchRow",
    "ColumnMapping",
    "FieldKind",
    "FileSummary",
    "ImportRefusedError",
    "ImportSource",
    "ImportSummary",
    "InventoryFile",
    "InventorySummary",
    "MappingError",
    "MappingOptions",
    "NothingImportedError",
    "Preview",
    "PreviewRow",
    "Problem",
    "ProblemCode",
    "SavedMapping",
    "Severity",
    "SourceChangedError",
    "SourceError",
    "TableLayout",
    "TargetField",
    "auto_map",
    "automatic_mapping",
    "delete_mapping",
    "export_problems",
    "import_inventory",
    "import_settlement",
    "list_batches",
    "list_mappings",
    "list_problems",
    "load_mapping",
    "may_import_without_case",
    "preview",
    "problem_text",
    "problem_values_masked",
    "role_fields",
    "role_label",
    "save_mapping",
    "severity",
]
