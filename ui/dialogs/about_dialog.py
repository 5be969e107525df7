"""Help → About: what this is, which version, what it is built on, under which terms."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from inspector_app.i18n import _
from inspector_app.services.about import component_versions
from ui.icons import app_icon


class AboutDialog(QDialog):
    """Product name in both languages, versions, licence note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(_("About Fund Inspector"))
        self.setMinimumWidth(520)
        versions = component_versions()
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        name = QLabel("医保基金现场检查<br/><span style='font-size:13pt'>Fund Inspector</span>")
        name.setObjectName("aboutName")
        self.version_label = QLabel(
            _("Version {version}").format(version=versions.application), self
        )
        self.version_label.setObjectName("aboutVersion")
        purpose = QLabel(
            _(
                "Guides medical-insurance fund inspectors through on-site inspections of "
                "designated institutions, offline first."
            ),
            self,
        )
        purpose.setWordWrap(True)
        self.components_label = QLabel(
            _(
                "Built with Qt {qt} (PySide6 {pyside}), SQLCipher {sqlcipher} "
                "(SQLite {sqlite}), SQLAlchemy {sqlalchemy} and Python {python}."
            ).format(
                qt=qVersion(),
                pyside=PySide6.__version__,
                sqlcipher=versions.sqlcipher,
                sqlite=versions.sqlite,
                sqlalchemy=versions.sqlalchemy,
                python=versions.python,
            ),
            self,
        )
        self.components_label.setObjectName("fieldHelp")
        self.components_label.setWordWrap(True)
        self.components_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        licence = QLabel(
            _(
                "Proprietary software for authorised medical-insurance fund supervisors. "
                "Qt and PySide6 are used under the GNU LGPL v3; SQLCipher under its BSD-style "
                "licence. The data you record stays in your encrypted profile."
            ),
            self,
        )
        licence.setObjectName("fieldHelp")
        licence.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(8)
        for widget in (name, self.version_label, purpose, self.components_label, licence):
            text.addWidget(widget)
        top = QHBoxLayout()
        top.setSpacing(18)
        top.addWidget(logo)
        top.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 14)
        layout.addLayout(top)
        layout.addWidget(buttons)
