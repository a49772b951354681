"""Papers that failed to print (kept in the store, so they survive a restart): the list, "retry
all" and "discard". Papers are named by kind and ids (order, pickup, batch, day), never text."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from pickup_station.ui.widgets.leader_common import make_info, make_table, say, set_row


class PrintJobsDialog(QDialog):
    def __init__(self, printer, parent: QWidget | None = None):
        super().__init__(parent)
        self.printer = printer
        self.setObjectName("printJobsDialog")
        self.setWindowTitle(self.tr("Failed prints"))
        self.kinds = {"receipt": self.tr("Receipt"), "label": self.tr("Shelf label"),
                      "day_summary": self.tr("Day summary"),
                      "day_closing": self.tr("Closing slip"),
                      "packing_list": self.tr("Packing list"),
                      "combined_slip": self.tr("Combined slip"), "test": self.tr("Test page")}
        self.table = make_table(self, "failedPrints", [
            self.tr("Paper"), self.tr("For"), self.tr("Tries"), self.tr("Why")], stretch=3)
        self.table.setColumnWidth(1, 220)
        self.table.setColumnWidth(2, 60)
        self.info = make_info(self, "printJobsInfo")
        self.retry_button = QPushButton(self.tr("Retry all"), self)
        self.retry_button.setObjectName("retryAllPrints")
        self.retry_button.clicked.connect(self.retry_all)
        discard = QPushButton(self.tr("Discard selected"), self)
        discard.clicked.connect(self.discard_selected)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(self.info, 1)
        row.addWidget(discard)
        row.addWidget(self.retry_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self.resize(760, 420)
        if hasattr(printer, "failedChanged"):
            printer.failedChanged.connect(lambda _n: self.refresh())
        self.refresh()

    def jobs(self) -> list:
        return self.printer.failed_jobs() if hasattr(self.printer, "failed_jobs") else []

    def refresh(self) -> None:
        jobs = self.jobs()
        self.table.setRowCount(len(jobs))
        for r, j in enumerate(jobs):
            target = j.target
            if j.kind == "day_summary":
                target = getattr(target, "day", "")
            elif j.kind == "day_closing":
                target = target[0]
            elif j.kind == "combined_slip":
                target = self.tr("%n pickup(s)", "", len(target))
            why = j.error.message(getattr(self.printer, "_lang", lambda: "zh_CN")()) \
                if j.error else ""
            set_row(self.table, r, [self.kinds.get(j.kind, j.kind), target or "", j.attempts,
                                    why], key=str(j.job_id))
        self.retry_button.setEnabled(bool(jobs))
        say(self.info, self.tr("%1 paper(s) wait for a reprint.").replace("%1", str(len(jobs))))

    def retry_all(self) -> None:
        ids = self.printer.retry_failed()
        say(self.info, self.tr("%1 paper(s) sent again.").replace("%1", str(len(ids))))
        self.table.setRowCount(0)

    def discard_selected(self) -> None:
        row = self.table.currentRow()
        jobs = self.jobs()
        if 0 <= row < len(jobs):
            self.printer.discard_failed(jobs[row].job_id)
            self.refresh()
