"""English: the one wording of every message (words of the trade in GLOSSARY.md).

Keys and placeholders match `zh_cn.py` one for one (tests/unit/test_messages.py checks it).
"""

from pickup_station.messages import en_back as _back

_FRONT: dict[str, str] = {
    # --- verdicts: what the counter shows for a scan (core/verdicts.py) -------------------
    "verdict.line": "{title}: {body}",
    "verdict.ready.title": "Ready to hand over",
    "verdict.ready.body": "Hand over the bag from the shelf slot shown.",
    "verdict.ready.body_many": ("This customer has {n} open orders: hand over the bags from "
                                "their shelf slots."),
    "verdict.override": "Leader-approved exception: {reason}",
    "verdict.candidates.title": "Pick the customer",
    "verdict.partly_ready.title": "Partly ready",
    "verdict.partly_ready.body": ("{ready} order(s) arrived: hand them over as usual; "
                                  "{waiting} still on the truck (greyed)."),
    "verdict.partly_ready.eta": "Expected {expected_at}; handing one over early needs the leader.",
    "verdict.partly_ready.no_eta": "Handing one over early needs the leader.",
    "verdict.candidates.body": ("{n} customer(s), {orders} order(s): check the name and "
                                "choose the customer."),
    "verdict.empty.title": "Nothing scanned",
    "verdict.empty.body": "Scan a code or type a pickup code.",
    "verdict.invalid.title": "Not a pickup code",
    "verdict.invalid.body": ("Scan the pickup QR, or type the 6-digit code or the phone's last "
                             "4 digits."),
    "verdict.pairing_code.title": "This is a pairing code, not a pickup code",
    "verdict.pairing_code.body": ("It connects this station to the HQ server: open Settings › Sync "
                                  "› Pair with server and scan it there."),
    "verdict.unknown.title": "Unknown code",
    "verdict.unknown.body": ("No order at this pickup point has this code. Ask the customer to "
                             "check the pickup point in their order."),
    "verdict.other_station.title": "Another pickup point's order",
    "verdict.other_station.body": "This order is collected at another pickup point.",
    "verdict.other_station.where": "Collect it at {name} ({address}).",
    "verdict.other_station.where_name": "Collect it at {name}.",
    "verdict.cancelled.title": "Order cancelled",
    "verdict.cancelled.body": "Do not hand over: the order was cancelled.",
    "verdict.refunded.title": "Order refunded",
    "verdict.refunded.body": "Do not hand over: the order was refunded.",
    "verdict.cancel_reason": "Reason: {reason}",
    "verdict.not_arrived.title": "Batch not arrived yet",
    "verdict.not_arrived.body": ("Batch {batch_id} has not been signed off as arrived. The "
                                 "leader can allow the hand-over."),
    "verdict.not_arrived.body_eta": ("Batch {batch_id} has not been signed off as arrived "
                                     "(expected {expected_at}). The leader can allow the "
                                     "hand-over."),
    "verdict.already_picked_up.title": "Already picked up",
    "verdict.already_picked_up.body": "Do not hand over again.",
    "verdict.already_picked_up.when": ("Picked up at {picked_at} by {operator}, receipt "
                                       "{receipt_no}. Do not hand over again."),
    "verdict.already_picked_up.proxy": "Collected by proxy: {proxy_name}",
    "verdict.already_picked_up.elsewhere": ("Handed over at another counter of this pickup "
                                            "point ({counter_id})."),
    # --- refusals of the counter (core/counter.py) ----------------------------------------
    "counter.no_order_chosen": "No order was chosen",
    "counter.leader_approval_needed": "This needs the leader's approval",
    "counter.reason_needed": "Please give a reason",
    "counter.unknown_order": "Unknown order: {order_id}",
    "counter.order_not_active": "Order {order_id} is cancelled or refunded",
    "counter.order_already_picked_up": "Order {order_id} was already picked up",
    "counter.batch_not_arrived": ("Order {order_id}: its batch has not arrived (leader "
                                  "override needed)"),
    "counter.item_not_in_order": "A chosen item is not in this order",
    "counter.bad_quantity": "Bad quantity for {item}",
    "counter.bad_line_reason": "Unknown reason: {reason}",
    "counter.nothing_to_hand_over": "Nothing to hand over",
    "counter.undo_reason_needed": "An undo needs a reason",
    "counter.no_such_pickup": "No such pickup",
    "counter.already_undone": "This pickup was already undone",
    "counter.undo_needs_leader_pin": "More than 10 minutes ago: undo needs the leader's PIN",
    # --- the counter screen's verdict panel (ui/views/counter_view.py) ---------------------
    "screen.idle.title": "Ready to scan",
    "screen.idle.body": ("Scan the customer's pickup QR, or type the 6-digit pickup code or the "
                         "phone's last 4 digits."),
    "screen.choose_hint": "Choose with ↑↓ and Enter.",
    "screen.leader_hint": "Press Enter to ask the leader.",
    "screen.lookup_failed": "Lookup failed",
    "screen.handed_over.title": "Handed over",
    "screen.handed_over.body": "Receipt {receipts}.",
    "screen.handed_over.missing": "{n} item(s) not handed over were recorded.",
    "screen.not_handed_over": "Not handed over",
    "screen.nothing_ticked.title": "Nothing ticked",
    "screen.nothing_ticked.body": "Tick at least one order to hand over.",
    "screen.reason_needed.title": "Reason needed",
    "screen.reason_needed.body": "Give a reason: it goes on the record.",
    "screen.not_allowed": "Not allowed",
    "screen.undone.title": "Pickup undone",
    "screen.undone.body": "Receipt {receipt_no} was undone; the order can be handed over again.",
    "error.generic": "Something went wrong. It was written to the log; completed pickups are safe.",
    # --- the verdict band and order cards (ui/views/verdict_panel.py, order_cards.py) --
    "band.ready_slot": "{title} → shelf {slot}",
    "band.ready_many": "{title} · {n} orders",
    "band.partly": "{title} · {ready} of {n} arrived",
    "band.do_not_hand": "{title} · Do not hand over",
    "band.call_leader": "{title} · Call the leader",
    "band.rescan": "{title} · Scan again",
    "band.summary": "{customer} {phone} · {n} orders · {items} items · shelf {slots}",
    "band.summary_refused": "{customer} {phone} · {n} orders",
    "band.slot_sep": ", ",
    "card.on_truck": "On the truck · expected {expected_at}",
    "card.on_truck_no_eta": "On the truck · not signed off yet",
    "card.scanned": "Scanned order",
    "card.ids": "Order {order_id} · batch {batch_id}",
    "card.item": "{name} ×{qty}",
    "card.item_sku": "{name} ({sku}) ×{qty}",
    "card.item_missing": "{name} ×{qty} ({missing} missing)",
    "card.item_sep": ", ",
    "candidate.head": "{customer}   {phone}",
    "candidate.line": "{n} order(s) · {items} item(s) · shelf {slots}",
    "candidate.waiting": " ({n} not arrived)",
    # --- errors (pickup_station/errors.py) -------------------------------------------------
    "store_too_new": ("The local store is schema version {found}, newer than this app supports "
                      "({supported}). Please upgrade the app."),
    # --- command line (cli/) ---------------------------------------------------------------
    "cli.order_line": ("  {order_id}  {customer} {phone}  shelf {shelf_slot}  batch {batch_id}"
                       "  {items}"),
    "cli.item": "{name}×{qty}",
    "cli.item_sep": ", ",
    "cli.choose_order": "{verdict} (name it with --order)",
    "cli.order_not_arrived": ("Order {order_id} is still on the truck: handing it over early "
                              "needs the leader's PIN (--leader-pin)"),
    "cli.order_on_truck": "    still on the truck (expected {expected_at}): early needs --leader-pin",
    "cli.handed_over": "Handed over {order_id}  receipt {receipt_no}",
    "cli.no_receipt": "No receipt {receipt_no}",
    "cli.undone": "Undone {receipt_no}",
    "cli.status": ("Store: {store}\nEvents to upload: {pending}\nNeeds attention: {attention}\n"
                   "Last sync: {last_sync}"),
    "cli.never": "never",
    "cli.imported": "Imported {batches} batches, {orders} orders",
    "cli.arrived": ("Batch {batch_id} signed off: {orders} orders, {short} lines short, "
                    "{damaged} lines damaged"),
    "cli.operator_saved": "Operator {name} saved",
    "cli.not_paired": "Not paired yet: run `pair URL TOKEN` first",
    "cli.sync.done": "Synced",
    "cli.sync.not_done": "Sync did not finish",
    "cli.sync.moved": ("{head}: pulled {batches} batches, {orders} orders, {removed} removed; "
                       "pushed {accepted} accepted, {duplicate} duplicate, {rejected} rejected"),
    "cli.sync.waiting": "Waiting: {pending} events to upload, {attention} items need attention",
    "cli.sync.clock": "Warning: clock is {seconds:.0f} s off the server's",
    "cli.exported": "Exported {rows} lines of {pickups} pickups to {out}",
    "cli.bad_commission": "Bad commission rates setting: {error}",
    "cli.printed": "Printed {what} on {printer}: {bytes} bytes, printer {state}.",
    "cli.printed.test": "a test page",
    "cli.printed.receipt": "a receipt",
    "cli.printed.label": "a label",
    "cli.raster_needs_pyside": "Image print modes need PySide6: {error}",
    "printer.kind.none": "no printer",
    "printer.kind.usb": "USB printer",
    "printer.kind.network": "network printer",
    "printer.kind.serial": "serial printer",
    "printer.kind.win32": "Windows printer",
    "printer.kind.cups": "CUPS printer",
    "printer.kind.file": "file",
    "printer.kind.dummy": "in-memory test printer",
    "printer.mode.text": "text",
    "printer.mode.raster": "image",
    "printer.mode.mixed": "text with images",
    "printer.described": "{kind} {where} · {paper} mm · {mode}",
    "printer.state.ready": "ready",
    "printer.state.paper_low": "paper low",
    "printer.state.unknown": "state unknown (one-way connection)",
    "printer.state.paper_out": "out of paper",
    "printer.state.cover_open": "cover open",
    "printer.state.offline": "offline",
    "printer.state.error": "in error",
    "cli.day.row": "{label}: {value}",
    "cli.day.day": "Day",
    "cli.day.pickups": "Pickups",
    "cli.day.orders": "Orders handed (partly)",
    "cli.day.items": "Items handed",
    "cli.day.value": "Value handed",
    "cli.day.proxy": "Proxy pickups",
    "cli.day.overrides": "Overrides",
    "cli.day.undos": "Undos",
    "cli.day.shortage": "Short/damaged",
    "cli.day.waiting": "Waiting",
    "cli.day.uncollected": "Uncollected (>{days} d)",
    "cli.day.commission": "Commission (est.)",
    "cli.day.batch": "  batch {batch_id}: {picked_up}/{orders}, remaining {remaining}",
    "cli.day.operator": "  {name}: {pickups}, undos {undos}",
    "cli.decode.unreadable": "Cannot read {path}: {why}",
    "cli.decode.missing": "no such file.",
    "cli.decode.folder": "it is a folder.",
    "cli.decode.not_media": "not an image or video this program can read.",
    "cli.decode.no_frame": "not a readable image or video (no frame could be read).",
    "cli.decode.head_image": "{file}: image, {frames} frame(s), decoder {decoder}",
    "cli.decode.head_video": "{file}: video, {frames} frame(s), decoder {decoder}",
    "cli.decode.none": "No QR code found.",
    "cli.decode.frame": "frame {frame}: {text}  (in {count} frames)",
    "cli.decode.rate": "{with_code}/{frames} frames with a code, {ms} ms/frame",
    # --- pairing and sync (sync/pairing.py, sync/runner.py) --------------------------------
    "pair.bad_address": "The server address is not valid, e.g. http://192.168.1.10:8765",
    "pair.no_token": "Please enter the station token",
    "pair.unauthorized": ("The station token is wrong or revoked: check the token HQ issued for "
                          "this pickup point"),
    "pair.unreachable": ("Cannot reach the server at {url}: check the address, port and network "
                         "({error})"),
    "pair.server_error": "The server at {url} did not answer properly: {error}",
    "pair.not_a_sync_server": "{url} does not look like the sync server ({error})",
    "pair.done": "Paired: {name} ({station_id})",
    "pair.done_url": "Paired with {url}",
    "pair.clock": "Warning: this computer's clock is {seconds:.0f} s off",
    "sync.label": "{head} · {pending} to upload",
    "sync.synced_at": "Synced {time}",
    "sync.state.online": "Online",
    "sync.state.offline": "Offline",
    "sync.state.unauthorized": "Token rejected",
    "sync.state.server_error": "Server error",
    "sync.state.busy": "Server busy",
    "sync.state.bad_data": "Bad data",
    "sync.state.not_paired": "Not paired",
    "sync.state.local_error": "Local error",
    "sync.state.unknown": "Not synced yet",
    "sync.state.store_damaged": "Local store damaged: uploads stopped",
    "sync.state.disk_full": "Disk full",
    # --- needs attention (sync/attention.py) -----------------------------------------------
    "attention.kind_event": "{kind}: {event}",
    "attention.kind.rejected_event": "Upload rejected",
    "attention.kind.cancelled_after_pickup": "Cancelled after pickup",
    "attention.kind.removed_after_pickup": "Removed after pickup",
    "attention.event.pickup_confirmed": "Pickup",
    "attention.event.pickup_undone": "Pickup undone",
    "attention.event.arrival_checked": "Arrival check",
    "attention.event.item_short": "Item short",
    "attention.event.item_damaged": "Item damaged",
    "attention.reason.order_cancelled": ("HQ cancelled the order; this pickup was not accepted. "
                                         "Contact HQ"),
    "attention.reason.already_picked_up": ("The order was already picked up (see detail); "
                                           "please check"),
    "attention.reason.unknown_order": "The server does not know this order",
    "attention.reason.unknown_batch": "The server does not know this batch",
    "attention.reason.not_picked_up": ("The server holds no such pickup; the undo was not "
                                       "accepted"),
    "attention.reason.invalid_event": "The event was invalid (a software problem: contact support)",
    "attention.reason.validation_error": ("The event was invalid (a software problem: contact "
                                          "support)"),
    "attention.reason.event_id_conflict": ("The same event id came with a different body (a "
                                           "software problem: contact support)"),
    "attention.reason.payload_too_large": "The event is too large for the server (contact support)",
    "attention.reason.order_cancelled_after_pickup": ("HQ cancelled this order after it was "
                                                      "handed over: settle it with HQ"),
    "attention.reason.order_removed_after_pickup": ("HQ removed this order from its batch after "
                                                    "it was handed over: settle it with HQ"),
    "attention.kind.hq_review": "Handled by HQ",
    "attention.reason.double_redemption": ("The same order was handed over twice (two "
                                           "counters or two pickup points); HQ looked into it"),
    "attention.reason.pickup_after_cancel": ("The order was handed over after it was "
                                             "cancelled; HQ looked into it"),
    "attention.reason.shelf_discrepancy": ("The day closing's shelf count differed from what "
                                           "was expected; HQ looked into it"),
    "attention.reason.order_returned": "Goods returned to HQ; HQ looked into it",
    "attention.hq_note": "{reason}. HQ's note: {note}",
    # --- camera and scanners (hardware/camera.py, hardware/scanners.py) --------------------
    "camera.state.connecting": "Camera: connecting…",
    "camera.state.connected": "Camera: connected",
    "camera.state.not_found": "Camera: no camera found, retrying…",
    "camera.state.lost": "Camera: disconnected, reconnecting…",
    "camera.state.stalled": "Camera: stream stalled, reconnecting…",
    "camera.state.ended": "Camera: the video has ended",
    "camera.state.stopped": "Camera: off",
    "scanner.state.connecting": "Scanner: connecting to {port}…",
    "scanner.state.connected": "Scanner: connected on {port}",
    "scanner.state.not_found": "Scanner: {port} not found, retrying…",
    "scanner.state.lost": "Scanner: {port} disconnected, reconnecting…",
    "scanner.state.unavailable": "Scanner: pyserial is missing, serial scanners are unavailable",
    "scanner.state.stopped": "Scanner: stopped",
    "scan.empty": "The scan was empty.",
    "scan.too_long": "The scan is too long ({length} characters); ignored.",
    "scan.not_printable": ("The scan holds non-printable characters ({shown}); ignored. Check "
                           "the scanner's settings."),
    "scan.partial": "Incomplete code (no CR/LF came), discarded; please scan again.",
    "scan.no_line_end": ("The scanner sent a long run of data with no line end; discarded. "
                         "Check the scanner's terminator setting."),
    "scan.garbage": ("The scanner sent undecodable bytes ({hex}); ignored. Check the baud rate "
                     "and the scanner's settings."),
    "scan.repeat": "The same code was scanned again ({text}); ignored.",
    "scan.serial_unavailable": "pyserial is not installed; serial scanners are unavailable.",
    # this computer: its disk, files and folders (failures.py)
    'machine.store_corrupt': 'The local store is damaged: {where}. Uploading has stopped and the file was left exactly as it is; please call support to restore it (run check-store for details).',
    'machine.store_corrupt_detail': 'The local store is damaged ({detail}): {where}. Uploading has stopped and the file was left exactly as it is; please call support to restore it (run check-store for details).',
    'machine.store_locked': 'The local store is in use by another program: {where}. Close the other pickup program and try again.',
    'machine.read_only': "The data folder cannot be written (read-only or no permission): {where}. Nothing was changed; check the disk or the folder's permissions, or give a writable folder with --data-dir.",
    'machine.not_a_folder': 'The data folder cannot be used (the path is not a folder): {where}. Nothing was changed; give a folder with --data-dir.',
    'machine.disk_full': 'The disk is full: {where} cannot be written. This action was not saved (earlier records are intact); free some disk space and try again.',
    'machine.internal_error': 'An unexpected error occurred; the details are in the log: {log_file}. Completed pickups are safe.',
    'machine.internal_error_kind': 'An unexpected error occurred ({kind}); the details are in the log: {log_file}. Completed pickups are safe.',
    'cli.interrupted': 'Interrupted',
    # the settings file (config.py)
    'settings_file.fields_from_copy': 'Invalid value for {names} in {path}: the last good saved value is used instead.',
    'settings_file.fields_from_defaults': 'Invalid value for {names} in {path}: the default is used instead.',
    'settings_file.damaged_copy_used': 'The settings file {path} is damaged ({why}); the last good copy {copy} is used instead.',
    'settings_file.pairing_kept': 'The pairing is kept.',
    'settings_file.damaged_reset': 'The settings file {path} is damaged ({why}) and there is no usable copy: the defaults are used. Please pair again and check the printer and other settings.',
    'settings_file.broken_kept': 'The original file was kept as {name}.',
    'settings_file.why.unreadable': 'unreadable',
    'settings_file.why.not_json': 'not valid JSON, cut short?',
    'settings_file.why.empty': 'empty',
    'settings_file.why.not_object': 'not a JSON object',
    # starting the window (app.py)
    'app.cannot_start': 'The pickup station cannot start',
    'app.settings_recovered': 'Settings recovered',
    # returns (core/returns.py)
    'counter.order_returned': 'Order {order_id} was returned to HQ',
    'verdict.returned.title': 'Returned to HQ',
    'verdict.returned.body': 'Do not hand over.',
    # backups of the store (store/backup.py, cli/backups.py)
    "backup.copy_failed_check": ("The backup copy failed its check ({problem}) and was thrown "
                                 "away; the store is untouched."),
    "backup.not_found": "No backup file at {path}",
    "backup.not_a_store": ("This file is not a sound pickup-point store ({detail}) and cannot be "
                           "restored: {path}"),
    "backup.too_new": ("This backup was made by a newer app (store version {found}, this app "
                       "knows up to {supported}) and cannot be restored: {path}"),
    "backup.other_station": ("This backup belongs to another pickup point ({backup_station}), "
                             "this one is {station}: not restored: {path}"),
    "cli.backup.done": "Store backed up to {path} ({size} bytes, {seconds} s)",
    "cli.restore.done": "Store restored from {path}; the replaced store is kept as {aside}",
    "cli.restore.done_new": "Store restored from {path}",
    'app.no_audio_device': 'No audio device: sounds are off',
    'list.sep': ', ',  # between the items of a list on screen
    'cli.sync.demo_server_off': ('The demo server only runs inside the demo app: start it with '
                                 'make run (or pickup-station --demo), keep it open, then sync.'),
}

# the second half (back office, devices, sync client) lives next door, to keep files short
assert not set(_FRONT) & set(_back.TEXTS), "a key is worded twice"
TEXTS: dict[str, str] = {**_FRONT, **_back.TEXTS}
