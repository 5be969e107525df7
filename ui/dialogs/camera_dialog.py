"""Take a photo with the laptop's camera (QtMultimedia), captured to memory only.

The captured frame is encoded to JPEG in memory and handed to the caller as bytes: it goes
straight into the encrypted evidence store, never through a plain temporary file. With no
camera the dialog (and the tab's button) says so instead of failing.

QtMultimedia is imported on first use: it costs start-up time, and its FFmpeg backend logs
warnings about optional libraries (PipeWire, VA-API) that are absent on many machines; those
are filtered while it loads, since a missing optional accelerator is not a fault of ours.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QImage, QImageWriter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QCameraDevice

JPEG_QUALITY = 92
_NOISY_CATEGORIES = frozenset({"qt.multimedia.symbolsresolver"})


def no_camera_message() -> str:
    """What the UI says when the computer has no camera."""
    return _("No camera found on this computer")


def video_inputs() -> list[QCameraDevice]:
    """The cameras Qt sees (empty when none), loading QtMultimedia quietly on first use."""

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if context.category in _NOISY_CATEGORIES:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(f"{context.category}: {message}\n")

    previous: Any = qInstallMessageHandler(handler)
    try:
        from PySide6.QtMultimedia import QMediaDevices

        return list(QMediaDevices.videoInputs())
    finally:
        qInstallMessageHandler(previous)


def camera_available() -> bool:
    """True when at least one camera is present."""
    return bool(video_inputs())


def encode_jpeg(image: QImage) -> bytes:
    """``image`` as JPEG bytes, in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # QImageWriter, not QImage.save: PySide 6.11's save() rejects the bytes format its
    # type hints ask for (ValueError at run time).
    writer = QImageWriter(buffer, QByteArray(b"JPEG"))
    writer.setQuality(JPEG_QUALITY)
    writer.write(image)
    buffer.close()
    return bytes(data.data())


class CameraDialog(QDialog):
    """A live view with a Capture button; ``captured`` holds the JPEG bytes once accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Take photo"))
        self.setMinimumSize(640, 520)
        self.captured: bytes | None = None
        self.devices = video_inputs()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.device_combo = QComboBox(self)
        self.capture_button = QPushButton(_("Capture"), self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.device_combo)
        self._camera: Any = None
        self._session: Any = None
        self._capture: Any = None
        if not self.devices:
            self.message.setText(no_camera_message())
            self.device_combo.hide()
            self.capture_button.setEnabled(False)
            self.capture_button.setToolTip(no_camera_message())
            layout.addWidget(self.message, 1)
        else:
            from PySide6.QtMultimediaWidgets import QVideoWidget

            for device in self.devices:
                self.device_combo.addItem(device.description())
            self.device_combo.setVisible(len(self.devices) > 1)
            self.viewfinder = QVideoWidget(self)
            layout.addWidget(self.viewfinder, 1)
            layout.addWidget(self.message)
            self.device_combo.currentIndexChanged.connect(self._use_device)
            self.capture_button.clicked.connect(self.capture)
            self._use_device(0)
        layout.addWidget(self.capture_button)
        layout.addWidget(self.buttons)

    def _use_device(self, index: int) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession

        self._stop()
        self._camera = QCamera(self.devices[index], self)
        self._session = QMediaCaptureSession(self)
        self._capture = QImageCapture(self)
        self._session.setCamera(self._camera)
        self._session.setImageCapture(self._capture)
        self._session.setVideoOutput(self.viewfinder)
        self._capture.imageCaptured.connect(self._captured)
        self._capture.errorOccurred.connect(self._failed)
        self._camera.errorOccurred.connect(lambda *_args: self._failed(0, 0, ""))
        self._camera.start()

    def capture(self) -> None:
        """Take the picture (delivered to memory by ``imageCaptured``)."""
        if self._capture is None:
            return
        self.capture_button.setEnabled(False)
        self.message.setText(_("Capturing…"))
        self._capture.capture()

    def _captured(self, _request: int, image: QImage) -> None:
        self.captured = encode_jpeg(image)
        self.accept()

    def _failed(self, *_args: object) -> None:
        self.capture_button.setEnabled(True)
        self.message.setText(_("The camera reported an error; try again or add a file instead."))

    def _stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera.deleteLater()
            self._camera = None

    def done(self, result: int) -> None:
        """Release the camera whichever way the dialog closes."""
        self._stop()
        super().done(result)
