"""The counter screen (核销): scan, see, confirm — and the scan field always keeps focus.

Every scan source calls `submit_scan(text)`. Lookups run in the read lane, hand-overs in the
single write lane; the verdict is painted when the answer comes back, and a newer scan always
wins over an older answer. Enter on an empty scan field confirms what is shown.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pickup_station.core import operators as ops
from pickup_station.core.counter import HandoverResult, Override
from pickup_station.core.verdicts import Verdict
from pickup_station.errors import Refused
from pickup_station.messages import Message, render, sentences
from pickup_station.ui.dialogs.common import ApprovalDialog, OrderPickerDialog, ReasonDialog
from pickup_station.ui.services import Services
from pickup_station.ui.views.verdict_panel import VerdictPanel

log = logging.getLogger(__name__)


class CounterView(QWidget):
    verdictShown = Signal(object)  # Verdict, after it is painted
    handoverDone = Signal(object)  # HandoverResult, after the commit
    handoverFailed = Signal(str)
    localChange = Signal()  # something was written: time to sync

    def __init__(self, services: Services, operator_getter, parent: QWidget | None = None):
        super().__init__(parent)
        self.sv = services
        self.operator = operator_getter
        self._seq = 0
        self._busy = False
        self.override: Override | None = None
        self._build()
        QTimer.singleShot(0, self.refresh_recent)
        QTimer.singleShot(0, self._warm_up)

    def _warm_up(self) -> None:
        """The hand-over path rehearsed once on the writer lane, rolled back
        (`Counter.warm_up`): the first customer's confirm is as quick as the next ones."""
        self.sv.tasks.run(self.sv.counter.warm_up, None,
                          lambda exc: log.warning("hand-over warm-up failed: %r", exc),
                          lane="write")

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.scan_input = QLineEdit(self)
        self.scan_input.setObjectName("scanInput")
        self.scan_input.setPlaceholderText(self.tr("Scan QR · pickup code · phone last 4"))
        self.scan_input.setToolTip(self.tr(
            "Scan the pickup QR, or type the 6-digit code / phone last 4, then Enter"))
        self.scan_input.setFont(QFont(self.font().family(), 20))
        self.scan_input.setMinimumHeight(52)
        self.scan_input.returnPressed.connect(self._on_enter)
        self.scan_input.setClearButtonEnabled(True)
        self.no_code_button = QPushButton(self.tr("No code…"), self)
        self.no_code_button.setObjectName("noCodeButton")
        self.no_code_button.setFocusPolicy(Qt.NoFocus)
        self.no_code_button.clicked.connect(self.hand_over_without_code)
        self.proxy_name = QLineEdit(self)
        self.proxy_name.setObjectName("proxyName")
        self.proxy_name.setPlaceholderText(self.tr("Collected by someone else? Their name (proxy)"))
        self.panel = VerdictPanel(self, self.sv.lang)
        self.panel.candidatePicked.connect(self.pick_candidate)
        self.confirm_button = QPushButton(self.tr("Confirm hand-over (Enter)"), self)
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setMinimumHeight(56)
        self.confirm_button.setFocusPolicy(Qt.NoFocus)
        self._confirm_does = ""
        self.confirm_button.clicked.connect(self.confirm)
        self.clear_button = QPushButton(self.tr("Clear (Esc)"), self)
        self.clear_button.setFocusPolicy(Qt.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentPickups")
        self.recent.setFocusPolicy(Qt.NoFocus)
        self.undo_button = QPushButton(self.tr("Undo pickup…"), self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFocusPolicy(Qt.NoFocus)
        self.undo_button.clicked.connect(self.undo_selected)
        self.reprint_button = QPushButton(self.tr("Reprint receipt"), self)
        self.reprint_button.setObjectName("reprintButton")
        self.reprint_button.setFocusPolicy(Qt.NoFocus)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.side = QVBoxLayout()  # the window adds the camera preview on top

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_input, 1)
        scan_row.addWidget(self.no_code_button)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_button, 3)
        confirm_row.addWidget(self.clear_button, 1)
        left = QVBoxLayout()
        left.addLayout(scan_row)
        left.addWidget(self.proxy_name)
        left.addWidget(self.panel, 1)
        left.addLayout(confirm_row)
        recent_label = QLabel(self.tr("Recent pickups"))
        recent_label.setStyleSheet("font-weight:600")
        self.side.addWidget(recent_label)
        self.side.addWidget(self.recent, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.reprint_button)
        self.side.addLayout(buttons)
        root = QHBoxLayout(self)
        root.addLayout(left, 3)
        root.addLayout(self.side, 2)
        QShortcut(QKeySequence(Qt.Key_Escape), self, self.clear)
        self._update_confirm()

    def focus_scan(self) -> None:
        self.scan_input.setFocus(Qt.OtherFocusReason)

    # --- scanning ------------------------------------------------------------------------
    def _on_enter(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        if text.strip():
            self.submit_scan(text)
        elif self.panel.selected_candidate():
            self.pick_candidate(self.panel.selected_candidate())
        else:
            self.confirm()

    def keyPressEvent(self, event) -> None:  # arrows move through phone candidates
        if event.key() in (Qt.Key_Up, Qt.Key_Down) and self.panel.candidates.isVisible():
            row = self.panel.candidates.currentRow() + (1 if event.key() == Qt.Key_Down else -1)
            self.panel.candidates.setCurrentRow(max(0, min(row, self.panel.candidates.count() - 1)))
            return
        super().keyPressEvent(event)

    def submit_scan(self, text: str) -> None:
        """The one door for every scan source: keyboard, wedge, serial scanner, camera."""
        self._seq += 1
        seq = self._seq
        self.override = None
        self.sv.tasks.run(lambda: self.sv.counter.lookup(text),
                          lambda v: self._show(seq, v), self._lookup_failed)
        self.focus_scan()

    def pick_candidate(self, order_id: str) -> None:
        self._seq += 1
        seq = self._seq
        self.sv.tasks.run(lambda: self.sv.counter.lookup_order(order_id),
                          lambda v: self._show(seq, v), self._lookup_failed)
        self.focus_scan()

    def _lookup_failed(self, exc: BaseException) -> None:
        message = self.sv.tasks.errors.message_for(exc)  # logged there when unexpected
        self._say("screen.lookup_failed", message, "refused", "error")
        self.sv.sounds.play("fail")

    def _show(self, seq: int, verdict: Verdict) -> None:
        if seq != self._seq:
            return  # a newer scan came in meanwhile
        headline, body = self.describe(verdict)
        self.panel.show_verdict(verdict, headline, body)
        self._update_confirm()
        if verdict.kind == "partly_ready":
            self.sv.sounds.play("warn")  # some of the customer's orders are still on the truck
        if verdict.kind == "refused":
            self.sv.sounds.play("warn" if verdict.reason == "not_arrived" else "fail")
            if verdict.reason == "unknown" and verdict.token_sha256 and self.sv.sync is not None:
                self.sv.sync.locate(verdict.token_sha256)
        self.verdictShown.emit(verdict)
        self.focus_scan()

    def on_located(self, token_sha256: str, station: dict | None) -> None:
        """The server says which pickup point holds a code unknown here."""
        v = self.panel.verdict
        if not station or v is None or v.token_sha256 != token_sha256:
            return
        v.reason = "other_station"
        v.detail = dict(station)
        headline, body = self.describe(v)
        self.panel.show_verdict(v, headline, body)
        self.verdictShown.emit(v)

    def describe(self, v: Verdict) -> tuple[str, str]:
        """Headline and explanation (HTML) of a verdict, worded by the message catalogue."""
        parts = v.explanation()
        if v.ok and self.override:
            parts.append(Message("verdict.override", reason=self.override.reason))
        elif v.kind == "candidates":
            parts.append(Message("screen.choose_hint"))
        elif v.reason == "not_arrived":
            parts.append(Message("screen.leader_hint"))
        return self._text(v.headline()), html.escape(sentences(parts, self.sv.lang))

    def _text(self, message: Message) -> str:
        return message.render(self.sv.lang)

    def _say(self, headline: str, body: Message | str | list[Message] | None, kind: str,
             reason: str = "") -> None:
        """A message of the catalogue in the verdict panel (plain text, escaped here)."""
        parts = body if isinstance(body, list) else [body] if body else []
        self.panel.show_message(self._text(Message(headline)),
                                html.escape(sentences(parts, self.sv.lang)), kind, reason)

    # --- confirming ----------------------------------------------------------------------
    # what the confirm button does for each verdict, and its colour: green hands over, purple
    # picks a customer, amber asks the leader
    _CONFIRM_STYLE = ("QPushButton{{font-size:22px;font-weight:700;background:{};color:{};"
                      "border-radius:6px}} QPushButton:disabled{{background:#9e9e9e;"
                      "color:#eeeeee}}")

    def _update_confirm(self) -> None:
        v = self.panel.verdict
        can = v is not None and not self._busy and (
            v.ok or v.reason == "not_arrived" or v.kind == "candidates")
        self.confirm_button.setEnabled(can)
        does = "choose" if v is not None and v.kind == "candidates" else \
            "leader" if v is not None and v.reason == "not_arrived" else "hand_over"
        if does != self._confirm_does:
            self._confirm_does = does
            self.confirm_button.setText({
                "choose": self.tr("Choose this customer (Enter)"),
                "leader": self.tr("Ask the leader to allow it (Enter)"),
            }.get(does, self.tr("Confirm hand-over (Enter)")))
            self.confirm_button.setStyleSheet(self._CONFIRM_STYLE.format(*{
                "choose": ("#4a148c", "white"), "leader": ("#ffb300", "black"),
            }.get(does, ("#1b7f3b", "white"))))

    def confirm(self) -> None:
        v = self.panel.verdict
        if v is None or self._busy:
            return
        if v.kind == "candidates":
            if self.panel.selected_candidate():
                self.pick_candidate(self.panel.selected_candidate())
            return
        if not (v.ok or v.reason == "not_arrived"):
            return
        choices = self.panel.choices()
        if not choices:
            self._say("screen.nothing_ticked.title", Message("screen.nothing_ticked.body"),
                      "refused")
            self.sv.sounds.play("fail")
            return
        # only an order still on the truck needs the leader; arrived ones go as they are
        early = self.panel.chosen_waiting()
        if early and (self.override is None or self.override.kind != "batch_not_arrived"):
            slots = "、".join(o.shelf_slot for o in v.orders if o.order_id in early)
            approved = self.ask_leader_approval(
                self.tr("Hand over before arrival"),
                self.tr("This batch has not been signed off. The leader's PIN allows the "
                        "hand-over; it is marked in the record.") + "\n"
                + self.tr("Still on the truck: %1").replace("%1", slots))
            if approved is None:
                return self.focus_scan()
            return self._verify_leader(approved, "batch_not_arrived", then=self.confirm)
        operator = self.operator()
        proxy = self.proxy_name.text().strip() or None
        override = self.override
        self._busy = True
        self._update_confirm()
        self.sv.tasks.run(
            lambda: self.sv.counter.hand_over(choices, operator.operator_id, proxy_name=proxy,
                                              override=override),
            self._handed_over, self._handover_failed, lane="write")

    def _handed_over(self, result: HandoverResult) -> None:
        self._busy = False
        self.override = None
        self.proxy_name.clear()
        missing = sum(p.items_missing for p in result.pickups)
        body = [Message("screen.handed_over.body", receipts=render("list.sep", self.sv.lang)
                        .join(result.receipt_nos))]
        if missing:
            body.append(Message("screen.handed_over.missing", n=missing))
        self._say("screen.handed_over.title", body, "ready", "done")
        self.sv.sounds.play("ok")
        self._update_confirm()
        self.handoverDone.emit(result)
        self.focus_scan()
        # Receipts, the recent list and sync start once "done" is on screen: their threads
        # would otherwise take the interpreter from the paint that tells the host.
        QTimer.singleShot(0, lambda: self._after_hand_over(result))

    def _after_hand_over(self, result: HandoverResult) -> None:
        if self.sv.printer is not None and self.sv.settings.printer.auto_print:
            for p in result.pickups:
                self.sv.printer.enqueue_receipt(p.pickup_id)
        self.refresh_recent()
        self.localChange.emit()

    def _handover_failed(self, exc: BaseException) -> None:
        self._busy = False
        message = self.sv.tasks.errors.message_for(exc)  # logged there when unexpected
        self._say("screen.not_handed_over", message, "refused", getattr(exc, "code", "error"))
        self.sv.sounds.play("fail")
        self._update_confirm()
        self.handoverFailed.emit(message)
        self.focus_scan()

    def clear(self) -> None:
        self._seq += 1
        self.override = None
        self.panel.show_idle()
        self.proxy_name.clear()
        self._update_confirm()
        self.focus_scan()

    # --- the leader's exceptions ---------------------------------------------------------
    def ask_leader_approval(self, title: str, explanation: str) -> tuple[str, str] | None:
        """(PIN, reason) from the leader, or None. Tests replace this method."""
        dlg = ApprovalDialog(title, explanation, self)
        return dlg.values() if dlg.exec() else None

    def ask_reason(self, title: str, label: str) -> str | None:
        dlg = ReasonDialog(title, label, self)
        return dlg.value() if dlg.exec() else None

    def pick_order_without_code(self) -> str | None:
        def search(text, show):
            self.sv.tasks.run(lambda: self.sv.counter.search_orders(text), show)
        dlg = OrderPickerDialog(search, self)
        return dlg.order_id() if dlg.exec() else None

    def _verify_leader(self, approved: tuple[str, str], kind: str, then) -> None:
        pin, reason = approved
        if not reason:
            reason = {"batch_not_arrived": "batch not signed off yet"}.get(kind, "")

        def verify():
            with self.sv.store.reader() as s:
                return ops.verify_leader_pin(s, pin)

        def ok(leader):
            if not reason:
                self._say("screen.reason_needed.title", Message("screen.reason_needed.body"),
                          "refused")
                self.sv.sounds.play("fail")
                return
            self.override = Override(kind, reason, leader.operator_id)
            then()

        def fail(exc):
            self._say("screen.not_allowed", self.sv.tasks.errors.message_for(exc), "refused",
                      "leader_pin_required")
            self.sv.sounds.play("fail")
        self.sv.tasks.run(verify, ok, fail)

    def hand_over_without_code(self) -> None:
        order_id = self.pick_order_without_code()
        if not order_id:
            return self.focus_scan()
        approved = self.ask_leader_approval(
            self.tr("Hand over without a code"),
            self.tr("The customer lost the code: check their identity. The leader's PIN and a "
                    "reason are recorded."))
        if approved is None:
            return self.focus_scan()

        def show_order():
            kind_override = self.override
            seq = self._seq = self._seq + 1

            def shown(v: Verdict):
                self.override = kind_override
                self._show(seq, v)
            self.sv.tasks.run(lambda: self.sv.counter.lookup_order(order_id), shown,
                              self._lookup_failed)
        self._verify_leader(approved, "no_code", then=show_order)

    # --- recent pickups: undo and reprint ------------------------------------------------
    def refresh_recent(self) -> None:
        self.sv.tasks.run(lambda: self.sv.counter.recent_pickups(30), self._fill_recent)

    def _fill_recent(self, rows: list[dict]) -> None:
        self.recent.clear()
        for r in rows:
            undone = self.tr(" (undone)") if r["undone"] else ""
            proxy = (" · " + self.tr("proxy %1").replace("%1", r["proxy_name"])
                     if r["proxy_name"] else "")
            item = QListWidgetItem(f"{r['picked_at'][11:]}  {r['customer']}  {r['receipt_no']}"
                                   f"{proxy}{undone}")
            item.setData(Qt.UserRole, r)
            self.recent.addItem(item)

    def _selected_pickup(self) -> dict | None:
        item = self.recent.currentItem() or self.recent.item(0)
        return item.data(Qt.UserRole) if item else None

    def undo_selected(self) -> None:
        row = self._selected_pickup()
        if row is None or row["undone"]:
            return self.focus_scan()
        reason = self.ask_reason(self.tr("Undo pickup"), self.tr("Why undo %1?").replace(
            "%1", row["receipt_no"]))
        if not reason:
            return self.focus_scan()
        self._undo(row, reason, leader_id=None)

    def _undo(self, row: dict, reason: str, leader_id: str | None) -> None:
        operator = self.operator()

        def done(_):
            self._say("screen.undone.title",
                      Message("screen.undone.body", receipt_no=row["receipt_no"]), "idle",
                      "undone")
            self.refresh_recent()
            self.localChange.emit()
            self.focus_scan()

        def failed(exc):
            if isinstance(exc, Refused) and exc.code == "leader_pin_required" and not leader_id:
                approved = self.ask_leader_approval(self.tr("Late undo"), self.tr(
                    "The pickup is more than 10 minutes old: only the leader can undo it."))
                if approved:
                    def verified():
                        with self.sv.store.reader() as s:
                            return ops.verify_leader_pin(s, approved[0])
                    self.sv.tasks.run(verified,
                                      lambda leader: self._undo(row, reason, leader.operator_id),
                                      failed)
                return
            self._handover_failed(exc)
        self.sv.tasks.run(lambda: self.sv.counter.undo(row["pickup_id"], operator.operator_id,
                                                       reason, leader_id=leader_id),
                          done, failed, lane="write")

    def reprint_selected(self) -> None:
        row = self._selected_pickup()
        if row is not None and self.sv.printer is not None:
            self.sv.printer.reprint(row["pickup_id"])
        self.focus_scan()
