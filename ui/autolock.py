"""Locking when the officer walks away: after an idle period, and when the session locks or
the machine suspends, where Qt (or Windows) tells us."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QByteArray,
    QEvent,
    QObject,
    Qt,
    QTimer,
)
from PySide6.QtGui import QGuiApplication

DEFAULT_MINUTES = 5
ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
}  # fmt: skip
WM_POWERBROADCAST, PBT_APMSUSPEND = 0x0218, 0x0004
WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK = 0x02B1, 0x0007


class IdleLock(QObject):
    """Calls ``lock`` when no key or mouse input reached the application for ``ms``."""

    def __init__(self, lock: Callable[[], None], ms: int) -> None:
        super().__init__()
        self.lock = lock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._expired)
        self.set_interval(ms)
        app = QGuiApplication.instance()
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._state_changed)

    def set_interval(self, ms: int) -> None:
        self.timer.setInterval(max(1, ms))

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended and self.timer.isActive():
            self._expired()

    def _expired(self) -> None:
        self.timer.stop()
        self.lock()


def locks_session(message: int, wparam: int) -> bool:
    """Does this Windows message mean the session is locking or the machine suspending?"""
    return (message == WM_WTSSESSION_CHANGE and wparam == WTS_SESSION_LOCK) or (
        message == WM_POWERBROADCAST and wparam == PBT_APMSUSPEND
    )


class WindowsSessionFilter(QAbstractNativeEventFilter):
    """On Windows, lock on session lock (Win+L) and on suspend. The window must be
    registered for session notifications (:func:`register_session_notifications`)."""

    def __init__(self, lock: Callable[[], None]) -> None:
        super().__init__()
        self.lock = lock

    def nativeEventFilter(self, event_type: QByteArray | bytes, message: int) -> tuple[bool, int]:  # noqa: N802
        if bytes(event_type) == b"windows_generic_MSG":
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if locks_session(msg.message, msg.wParam):
                QTimer.singleShot(0, self.lock)
        return False, 0


def register_session_notifications(window_id: int) -> None:
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.wtsapi32.WTSRegisterSessionNotification(window_id, 0)  # NOTIFY_FOR_THIS_SESSION
