"""Sealed flying inspections (四不两直): the target stays encrypted until opened on site.

See docs/sealed-tasks.md for the design: the payload (institution and leads) is encrypted
under a random task key, and the task key is wrapped under a key derived from an opening
code the organiser hands the team leader out of band.
"""

from inspector_app.sealing.opening_code import (
    MistypedOpeningCodeError,
    format_opening_code,
    new_opening_code,
    normalise_opening_code,
)
from inspector_app.sealing.payload import (
    SealedInstitution,
    SealedPayload,
    SealedTask,
    WrongOpeningCodeError,
    seal_task_payload,
    unseal_task_payload,
)

__all__ = [
    "MistypedOpeningCodeError",
    "SealedInstitution",
    "SealedPayload",
    "SealedTask",
    "WrongOpeningCodeError",
    "format_opening_code",
    "new_opening_code",
    "normalise_opening_code",
    "seal_task_payload",
    "unseal_task_payload",
]
