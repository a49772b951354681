"""Composition root: logging, crash handler, settings, store, services, hardware, window."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
import time
import traceback
from pathlib import Path

from pickup_station import __version__
from pickup_station.config import Paths, load_settings
from pickup_station.errors import UserFacingError
from pickup_station.hardware import escpos_cache
from pickup_station.messages import normalize_lang, render
from pickup_station.paths import resource

log = logging.getLogger("pickup_station")
T0 = time.perf_counter()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="pickup-station", description="Pickup-point counter app")
    p.add_argument("--data-dir", help="station data folder (store, settings, logs)")
    p.add_argument("--demo", action="store_true",
                   help="run an in-process sync server with a demo station and batches")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="language (default: settings)")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot after start, then quit")
    p.add_argument("--scan", action="append", default=[], help="scan these texts after start")
    p.add_argument("--self-test", action="store_true",
                   help="check this installation (store, translations, receipts, QR, window) "
                        "in a temporary folder; exit 0 when all is well, 1 naming what failed")
    return p.parse_args(argv)


def setup_logging(data_dir: Path) -> Path:
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(logs / "station.log", maxBytes=2_000_000,
                                                   backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    return logs / "station.log"


_QT_HANDLER = None  # kept alive while Qt may call it
_ALSA_HANDLER = None


def route_qt_messages() -> None:
    """Qt's own messages go to the log file, not the terminal: the multimedia back-end probing
    its libraries (VA-API, PipeWire), PulseAudio with no server, QSoundEffect, the platform
    plugin. They are what a person reads as "sound is broken" when nothing is. OpenCV's
    camera probing keeps only its errors (OPENCV_LOG_LEVEL=ERROR, unless set). Multimedia
    chatter is logged as info (library probing as debug); other Qt warnings stay warnings.
    Call before the QApplication is made and before QtMultimedia is imported. PulseAudio's
    and ALSA's libraries print on their own: PulseAudio keeps only its errors (PULSE_LOG=0,
    unless set), ALSA's error hook writes to the log instead of stderr."""
    global _QT_HANDLER
    import os

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    os.environ.setdefault("PULSE_LOG", "0")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # camera probing, FFmpeg back-end
    qt_log = logging.getLogger("qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    noise = ("PulseAudioService", "QSoundEffect", "QAudioSink", "QAudioOutput",
             "This plugin does not support")

    def handler(kind, context, message) -> None:
        category = getattr(context, "category", None) or "default"
        level = levels.get(kind, logging.WARNING)
        if category == "qt.multimedia.symbolsresolver":
            level = logging.DEBUG
        elif category.startswith("qt.multimedia") or message.startswith(noise):
            level = min(level, logging.INFO)
        qt_log.log(level, "[%s] %s", category, message)
        if kind == QtMsgType.QtFatalMsg:  # Qt aborts next: leave a trace where a person looks
            sys.stderr.write(f"Qt fatal: {message}\n")

    _QT_HANDLER = handler
    qInstallMessageHandler(handler)
    _route_alsa_errors()


def skip_pyside_source_scan() -> None:
    """PySide6 looks at every module imported after it for `from __feature__ import` by
    reading its source file (`shibokensupport.feature._mod_uses_pyside`: `inspect.getsource`,
    ~0.1 s over the start's ~450 modules in the venv). The app selects no __feature__, so the
    answer is always "no": give it without reading, as a bundle (no source files) does already.
    Call right after PySide6's first import; a PySide6 without the hook is left alone."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda _module: False


def _route_alsa_errors() -> None:
    """libasound prints its errors straight to stderr; send them to the log (Linux only)."""
    global _ALSA_HANDLER
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError:
        return
    alsa_log = logging.getLogger("alsa")
    proto = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                             ctypes.c_char_p)

    def on_error(file, line, function, err, fmt) -> None:  # the printf arguments are not read
        alsa_log.info("%s:%s %s (error %s) %s", (file or b"").decode(errors="replace"), line,
                      (function or b"").decode(errors="replace"), err,
                      (fmt or b"").decode(errors="replace"))

    _ALSA_HANDLER = proto(on_error)
    lib.snd_lib_error_set_handler(_ALSA_HANDLER)


def install_excepthook(log_file: Path) -> None:
    """An unexpected error is logged and shown; the store is untouched (all writes are atomic)."""

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception\n%s", text)
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            title = QCoreApplication.translate("app", "Error")
            text_ = QCoreApplication.translate(
                "app", "An unexpected error occurred and was logged. Completed pickups are "
                "safe.\n\n%1").replace("%1", str(log_file))
            box = QMessageBox(QMessageBox.Critical, title, text_)
            box.setDetailedText(text)
            box.exec()

    sys.excepthook = hook


def resolve_lang(cli_lang: str | None, settings) -> str:
    """`--lang` wins, then the settings file (the settings dialog writes it), then Chinese."""
    return cli_lang or getattr(settings, "lang", None) or "zh_CN"


def load_translations(app, lang: str) -> list:
    """Install the UI translation for `lang` (English is the source text: nothing to load).
    Idempotent: translators installed by an earlier call are removed first."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    for old in getattr(app, "_pickup_translators", []):
        app.removeTranslator(old)
        old.deleteLater()
    translators = []
    if normalize_lang(lang) == "zh_CN":
        for name, folder in (("pickup_station_zh_CN", str(resource("i18n"))),
                             ("qtbase_zh_CN",
                              QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))):
            t = QTranslator(app)
            if t.load(name, folder):
                app.installTranslator(t)
                translators.append(t)
            else:
                log.warning("translation %s not found in %s", name, folder)
        QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    else:
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
    app._pickup_translators = translators
    return translators


def build_services(paths: Paths, settings, lang: str, demo_sheet=None, *,
                   check_store: bool = True):
    """Everything the window needs, built from settings. Qt must already be running.
    The sounds are not looked for yet and the print queue has not loaded its printing
    machinery: `after_first_paint` does both (the window's first paint waits for neither).
    `check_store=False`: the store's quick_check (0.1-0.25 s on 100,000 orders) is left to
    `after_first_paint` too, unless the schema is to be migrated (`Store`)."""
    from pickup_station.core.counter import Counter
    from pickup_station.store.db import Store
    from pickup_station.ui.print_queue import PrintQueue
    from pickup_station.ui.services import Services
    from pickup_station.ui.sounds import Sounds
    from pickup_station.ui.tasks import Tasks

    # the counter's commits never copy the WAL into the database file: a thread does it after
    store = Store.in_dir(paths.data_dir, check_on_open=check_store, background_checkpoint=True)
    tasks = Tasks()
    services = Services(store=store, settings=settings, paths=paths, counter=Counter(store),
                        tasks=tasks, sounds=Sounds(settings.sounds, later=True),
                        demo_sheet=demo_sheet,
                        lang=lang, printer=PrintQueue(store, lambda: settings, lang=lang))
    if settings.paired:
        from pickup_station.ui.sync_controller import SyncController

        services.sync = SyncController(store, settings, tasks, lang=lang)
    return services


def attach_hardware(window, services) -> None:
    """Scanners and camera feed the one scan door: window.submit_scan."""
    settings = services.settings
    window.apply_scanner_settings()
    if settings.camera.enabled:
        window.apply_camera_settings()


def start_printing(services, then=None) -> None:
    """The print queue loads its printing machinery (python-escpos) on its own thread now, so
    the first receipt does not wait for it; escpos's cache is set up first (escpos_cache).
    `then()` runs on the print queue's thread once it has."""
    escpos_cache.prepare()  # before the print queue imports escpos: no temp folder per start
    warm_up = getattr(services.printer, "warm_up", None)
    if warm_up is not None:
        warm_up(then)


def start_sounds(window, services) -> None:
    services.sounds.load()  # Qt Multimedia and the audio back-end start here
    window.say_if_no_audio()


def after_first_paint(window, services, check_store: bool = False) -> list:
    """What the counter does not need for its first paint, in the order `open_window` runs it
    (one step per turn of the event loop, so a key pressed meanwhile is not kept waiting):
    the other tabs (a window built with `later_tabs`), scanners and camera, sounds, printing,
    then backups and sync; with `check_store`, these two wait for the store's quick_check
    (`Store.check_now`, on the read lane): neither copies nor uploads a store not yet checked."""
    from pickup_station.ui.backup_timer import BackupTimer
    from pickup_station.ui.window_tabs import add_tabs

    def backups_and_sync() -> None:
        window.backup_timer = BackupTimer(services.store, services.tasks, window)
        services.sync.start()
        settle_runtime()  # the sync machinery was imported just now

    def store_checked() -> None:
        if not check_store:
            backups_and_sync()
            return

        def failed(exc: BaseException) -> None:  # too broken to check: marked, said, no upload
            log.error("the store's check after start failed", exc_info=exc)
            services.tasks.errors.present(exc)
            backups_and_sync()
        services.tasks.op(services.store.check_now, lane="read", parent=window) \
            .success(lambda _r: backups_and_sync()).failure(failed).run()

    return [lambda: add_tabs(window), lambda: attach_hardware(window, services),
            lambda: start_sounds(window, services),
            lambda: start_printing(services, then=settle_runtime), store_checked]


def _demo_dir(args) -> str | None:
    """Demo mode keeps to its own folder unless told otherwise: a real station's store and
    pairing are never mixed with the demo's."""
    import os

    if not args.demo or os.environ.get("PICKUP_STATION_DATA_DIR"):
        return None
    from pickup_station.paths import default_data_dir

    return str(default_data_dir() / "demo")


def settle_runtime() -> None:
    """Once the window is up: what start-up made (modules, Qt wrappers, SQLAlchemy's caches)
    lives as long as the app, so take it out of the cyclic collector's view. Otherwise, now
    and then, a full collection walks all of it and the counter freezes for a quarter of a
    second (measured: one 205-254 ms gen-2 collection per bench run, the worst confirm).
    Called again when start-up work that ends later has ended (the print queue's warm-up,
    sync's start): `gc.freeze` is cheap and takes what is new since the last call."""
    import gc

    gc.freeze()
    # A worker thread that finished its job hands the interpreter back to the UI thread within
    # 1 ms instead of Python's default 5 ms: the counter's answer waits for the UI thread, not
    # for a background thread's time slice (bench/counter_latency.py: "job end → UI callback").
    sys.setswitchinterval(0.001)


def _show(window) -> None:
    """Full size on a small counter screen (1366x768 is common), else the designed size."""
    screen = window.screen()
    avail = screen.availableGeometry() if screen is not None else None
    if avail is not None and (avail.width() < window.width() or avail.height() < window.height()):
        window.showMaximized()
    else:
        window.show()


def _cannot_start(text: str, lang: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, render("app.cannot_start", lang), text)


def _notice(window, text: str, lang: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, render("app.settings_recovered", lang), text,
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("settingsNotice")
    box.open()  # not modal to the loop: the counter keeps working behind it


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.self_test:  # answered by pickup_station/__main__.py (the self-test builds on this module)
        print("pickup-station --self-test: run it as `pickup-station` or `python -m "
              "pickup_station`", file=sys.stderr)
        return 2
    paths = Paths.resolve(args.data_dir or _demo_dir(args))
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    log_file = setup_logging(paths.data_dir)
    log.info("pickup-station %s starting, data in %s", __version__, paths.data_dir)

    route_qt_messages()
    skip_pyside_source_scan()  # PySide6 has just been imported (route_qt_messages)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("pickup-station")
    app.setApplicationVersion(__version__)
    install_excepthook(log_file)

    demo = None
    if args.demo:
        from pickup_station.demo.server import start_demo

        demo = start_demo(paths)
    config_existed = paths.config_file.exists()
    settings = load_settings(paths.config_file)
    lang = resolve_lang(args.lang, settings)
    app._translators = load_translations(app, lang)

    try:
        services = build_services(paths, settings, lang, demo.sheet if demo else None,
                                  check_store=False)  # after the window's first paint
    except UserFacingError as exc:  # a damaged store, a read-only or full disk: say it, stop
        log.error("cannot start: %s", exc.message("en"))
        _cannot_start(exc.message(lang), lang)
        if demo is not None:
            demo.stop()
        return 1
    from pickup_station.ui.wizard.needed import first_start

    scripted = bool(args.screenshot or args.scan)
    if not scripted and first_start(config_existed, settings, services.store):
        from pickup_station.ui.wizard.first_start import open_first_start

        log.info("first start: the set-up wizard opens")
        app.setQuitOnLastWindowClosed(False)  # between the wizard and the window
        wizard = open_first_start(services, lambda new: _switch_language(app, new))
        app._first_start_wizard = wizard
        if settings.load_notice is not None:
            _notice(wizard, settings.load_notice.message(services.lang), services.lang)
        wizard.finished.connect(lambda _r: _after_wizard(app, args, services, wizard))
    else:
        open_window(args, services, notice=settings.load_notice)
    code = app.exec()
    if demo is not None:
        demo.stop()
    services.store.close()
    return code


def _switch_language(app, lang: str) -> None:
    """The wizard's first page changed the language: the window will be built in it."""
    app._translators = load_translations(app, lang)


def _after_wizard(app, args, services, wizard) -> None:
    settings = services.settings
    if settings.paired and not services.sync.paired:  # paired in the wizard
        from pickup_station.ui.sync_controller import SyncController

        services.sync = SyncController(services.store, settings, services.tasks,
                                       lang=services.lang)
    window = open_window(args, services)
    app.setQuitOnLastWindowClosed(True)
    if wizard.save_error:
        window.statusBar().showMessage(wizard.save_error, 20_000)


def open_window(args, services, notice=None):
    """The counter window; the scan field takes the focus. Once the window is painted with the
    scan field focused (usable), the start-up time is logged and `after_first_paint` runs."""
    from PySide6.QtCore import QTimer

    from pickup_station.ui.first_paint import FirstPaint
    from pickup_station.ui.main_window import MainWindow

    lang = services.lang
    window = MainWindow(services, later_tabs=True)  # the counter tab first (after_first_paint)
    _show(window)
    window.activateWindow()
    QTimer.singleShot(0, window.counter_view.focus_scan)
    steps = after_first_paint(window, services, check_store=True)

    def run_steps() -> None:
        if steps and window.isVisible():  # (a window closed at once starts nothing more)
            steps.pop(0)()
            QTimer.singleShot(0, run_steps)
        else:  # what start-up made lives as long as the app
            settle_runtime()

    def usable(focus: str) -> None:
        took, cpu = window.first_paint.at - T0, time.process_time()  # CPU: since launch
        if focus == "field":
            log.info("window shown after %.3f s (CPU %.3f s)", took, cpu)
        elif focus == "dialog":  # e.g. a new store's leader must change the default PIN first
            log.info("window shown after %.3f s (CPU %.3f s; a dialog of the window has the "
                     "focus)", took, cpu)
        else:
            log.info("window shown after %.3f s (CPU %.3f s; the scan field did not get the "
                     "focus)", took, cpu)
        QTimer.singleShot(0, run_steps)
        if notice is not None:  # the settings file was broken: say once what was used
            QTimer.singleShot(0, lambda: _notice(window, notice.message(lang), lang))
        for text in args.scan:
            QTimer.singleShot(300, lambda t=text: window.submit_scan(t))
        if args.screenshot:
            def shoot():
                window.grab().save(args.screenshot)
                window.close()
            QTimer.singleShot(2500, shoot)

    window.first_paint = FirstPaint(window, window.scan_input, usable)
    return window
