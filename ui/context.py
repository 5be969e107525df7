"""What every page of an unlocked session shares: the profile, the workers, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.connectivity import ConnectivityMonitor
from ui.machine_settings import MachineSettings
from ui.workers import TaskManager

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile


@dataclass(frozen=True)
class ShellContext:
    """Handed to each page: never a global, so tests build one with what they need."""

    profile: OpenProfile
    tasks: TaskManager
    settings: MachineSettings
    connectivity: ConnectivityMonitor
