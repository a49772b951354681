"""Every word the HQ console shows, in Chinese first and English: one catalogue.

`TEXTS[key] = (zh_CN, en)`; placeholders are `{name}` (str.format). A pair per key keeps the two
languages complete by construction; tests/server/test_console_texts.py checks the placeholders
match. The station's catalogue (pickup_station.messages) is not used: the server imports
nothing of the station but the wire contract.
"""

from __future__ import annotations

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("总部控制台", "HQ console"),
    "app.subtitle": ("社区团购自提点", "Community pickup points"),
    "lang.name": ("中文", "English"),
    "lang.other": ("English", "中文"),
    "nav.stations": ("自提点", "Stations"),
    "nav.today": ("今日数据", "Today"),
    "nav.batches": ("批次对账", "Batches"),
    "nav.review": ("待复核", "Needs review"),
    "nav.notices": ("通知", "Notices"),
    "nav.exports": ("导出", "Exports"),
    "role.admin": ("管理员", "admin"),
    "role.viewer": ("只读", "viewer"),
    "user.signed_in_as": ("{name}（{role}）", "{name} ({role})"),
    "action.sign_out": ("退出", "Sign out"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("—", "—"),
    "pager.prev": ("上一页", "Previous"),
    "pager.next": ("下一页", "Next"),
    "pager.page": ("第 {page} 页", "Page {page}"),
    "filter.all_stations": ("全部自提点", "All stations"),
    "filter.apply": ("筛选", "Filter"),
    "time.local_note": ("时间均为总部当地时间（{zone}）", "Times in HQ local time ({zone})"),
    # signing in
    "login.title": ("登录总部控制台", "Sign in to the HQ console"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.wrong": ("用户名或密码错误。", "Wrong username or password."),
    "login.locked": ("该账号因多次输错密码已锁定，请于 {until} 后再试。",
                     ("This account is locked after too many wrong passwords; "
                     "try again after {until}.")),
    "login.throttled": ("此地址登录失败次数过多，请 {minutes} 分钟后再试。",
                        ("Too many failed sign-ins from this address; "
                        "try again in {minutes} min.")),
    "login.expired": ("登录页已过期，请重新输入。", "The sign-in page expired; please try again."),
    "login.signed_out": ("已退出登录。", "You are signed out."),
    "login.hint": ("账号由管理员在服务器上创建：pickup-sync-server user add 用户名 --role admin",
                   ("Accounts are made on the server: "
                   "pickup-sync-server user add NAME --role admin")),
    # refusals
    "error.title": ("无法完成", "Cannot do that"),
    "error.csrf": ("表单已失效或不是从本控制台提交的。请返回、刷新页面后重试。",
                   ("The form is stale or did not come from this console. "
                   "Go back, reload the page and try again.")),
    "error.viewer": ("只读账号不能进行此操作。", "A viewer account cannot change anything."),
    "error.not_found": ("未找到：{what}", "Not found: {what}"),
    "error.bad_input": ("输入无效：{what}", "Invalid input: {what}"),
    "error.back": ("返回首页", "Back to the console"),
    # stations
    "stations.title": ("自提点", "Pickup points"),
    "stations.summary": ("共 {total} 个自提点，{online} 个在线，{pending} 条待上传",
                         "{total} pickup points, {online} online, {pending} uploads pending"),
    "stations.online_rule": ("{minutes} 分钟内有心跳即视为在线。",
                             "Online: a heartbeat within the last {minutes} minutes."),
    "stations.empty": ("还没有自提点。", "No pickup points yet."),
    "stations.online": ("在线", "online"),
    "stations.offline": ("离线", "offline"),
    "stations.never": ("从未连接", "never connected"),
    "col.station": ("自提点", "Station"),
    "col.station_id": ("编号", "ID"),
    "col.name": ("名称", "Name"),
    "col.state": ("状态", "State"),
    "col.last_seen": ("最近连接", "Last seen"),
    "col.app_version": ("版本", "App version"),
    "col.pending": ("待上传", "Pending uploads"),
    "col.clock": ("时钟偏差（秒）", "Clock skew (s)"),
    # today
    "today.title": ("今日数据 · {day}", "Today · {day}"),
    "today.total": ("合计", "Total"),
    "today.empty": ("还没有自提点。", "No pickup points yet."),
    "col.pickups": ("已取货", "Handed over"),
    "col.undone": ("撤销取货", "Undone"),
    "col.items_handed": ("交付件数", "Items handed"),
    "col.arrived": ("到货批次", "Batches arrived"),
    "col.waiting": ("待取订单", "Orders waiting"),
    "col.short": ("缺货件数", "Items short"),
    "col.rejected": ("被拒事件", "Rejected events"),
    "col.review": ("待复核", "Needs review"),
    "col.day_closed": ("已日结", "Day closed"),
    # batches
    "batches.title": ("批次对账", "Batches and reconciliation"),
    "batches.empty": ("没有批次。", "No batches."),
    "col.batch": ("批次", "Batch"),
    "col.expected_at": ("预计到达", "Expected"),
    "col.status": ("状态", "Status"),
    "col.orders": ("订单", "Orders"),
    "col.picked_up": ("已取", "Picked up"),
    "col.cancelled": ("已取消", "Cancelled"),
    "col.arrived_at": ("到货时间", "Arrived"),
    "col.closed": ("已结批", "Closed"),
    "batch.title": ("批次 {id}", "Batch {id}"),
    "batch.facts": ("自提点 {station} · 状态 {status} · 订单 {orders}",
                    "Station {station} · status {status} · {orders} orders"),
    "batch.counts": ("订单状态统计", "Orders by status"),
    "batch.orders": ("订单明细", "Orders"),
    "batch.closed_at_station": ("自提点已结批（{at}）", "Closed at the station ({at})"),
    "batch.open_at_station": ("自提点尚未结批", "Not closed at the station yet"),
    "batch.export": ("导出本批次对账（CSV）", "Export this reconciliation (CSV)"),
    "col.order": ("订单", "Order"),
    "col.customer": ("顾客", "Customer"),
    "col.phone": ("手机", "Phone"),
    "col.items": ("商品", "Items"),
    "col.qty": ("数量", "Qty"),
    "col.received": ("实收", "Received"),
    "col.handed": ("已交付", "Handed"),
    "col.receipt": ("小票号", "Receipt"),
    "col.picked_up_at": ("取货时间", "Picked up at"),
    "col.operator": ("操作员", "Operator"),
    "col.proxy": ("代取人", "Proxy"),
    "status.created": ("已创建", "created"),
    "status.dispatched": ("已发车", "dispatched"),
    "status.arrived": ("已到货", "arrived"),
    "order.pending": ("待到货", "not arrived"),
    "order.arrived": ("待取货", "waiting"),
    "order.picked_up": ("已取货", "picked up"),
    "order.partially_picked_up": ("部分取货", "partly picked up"),
    "order.cancelled": ("已取消", "cancelled"),
    "order.returned": ("已退回", "returned"),
    # the needs-review queue
    "review.title": ("待复核", "Needs review"),
    "review.open": ("待处理", "Open"),
    "review.resolved": ("已处理", "Resolved"),
    "review.empty": ("没有需要复核的项目。", "Nothing needs review."),
    "review.resolve": ("标记为已处理", "Resolve"),
    "review.note": ("处理说明", "Note"),
    "review.note_hint": ("例如：已联系顾客退款", "e.g. customer called, refunded"),
    "review.done": ("已处理：{id}", "Resolved: {id}"),
    "review.already": ("该项已处理过。", "This item was already resolved."),
    "review.note_too_long": ("说明最多 {max} 字。", "The note may have at most {max} characters."),
    "col.reason": ("原因", "Reason"),
    "col.raised_at": ("发生时间", "Raised"),
    "col.resolved_by": ("处理人", "Resolved by"),
    "col.note": ("说明", "Note"),
    "col.action": ("操作", "Action"),
    "reason.handed_over_before_cancel": ("取消前已交货", "handed over before the cancel"),
    "reason.handed_over_offline_after_cancel": ("取消后离线交货",
                                                "handed over offline after the cancel"),
    # notices
    "notices.title": ("通知", "Notices"),
    "notices.empty": ("没有通知。", "No notices."),
    "notices.retry": ("重新发送", "Retry"),
    "notices.done": ("已重新排队：{id}", "Queued again: {id}"),
    "notices.not_failed": ("该通知未发送失败，无需重试。", ("This notice has not failed; "
                                                          "there is nothing to retry.")),
    "notices.all": ("全部", "All"),
    "notice.pending": ("待发送", "pending"),
    "notice.sent": ("已发送", "sent"),
    "notice.failed": ("发送失败", "failed"),
    "col.kind": ("类型", "Kind"),
    "col.recipient": ("接收人", "Recipient"),
    "col.attempts": ("尝试次数", "Attempts"),
    "col.last_error": ("最近错误", "Last error"),
    "col.updated_at": ("更新时间", "Updated"),
    # exports
    "exports.title": ("导出", "Exports"),
    "exports.pickups": ("取货记录（CSV）", "Pickups (CSV)"),
    "exports.pickups_help": ("按取货时间（总部当地时间）筛选，每行一单；最多 {days} 天。",
                             ("By pickup time (HQ local time), one line per hand-over; "
                             "at most {days} days.")),
    "exports.batch": ("批次对账（CSV）", "Batch reconciliation (CSV)"),
    "exports.batch_help": ("在批次页面导出该批次的逐单对账。",
                           "Export a batch's per-order reconciliation from its page."),
    "exports.from": ("开始日期", "From"),
    "exports.to": ("结束日期", "To"),
    "exports.download": ("下载", "Download"),
    "exports.bad_range": ("日期范围无效：需为 YYYY-MM-DD，开始不晚于结束，最多 {days} 天。",
                          "Invalid dates: YYYY-MM-DD, from not after to, at most {days} days."),
    "col.undone_at": ("撤销时间", "Undone at"),
    "col.undo_reason": ("撤销原因", "Undo reason"),
    "col.short_qty": ("缺货", "Short"),
    "col.damaged": ("破损", "Damaged"),
    # users (command line and sign-in)
    "user.bad_name": ("用户名须为 2–64 个字母、数字或 . _ @ -",
                      "A username is 2-64 letters, digits or . _ @ -"),
    "user.bad_role": ("角色须为 admin 或 viewer", "The role is admin or viewer"),
    "user.exists": ("用户 {name} 已存在", "User {name} exists already"),
    "user.unknown": ("没有用户 {name}", "No user {name}"),
    "password.too_short": ("密码至少 {min} 个字符", "A password has at least {min} characters"),
    "password.too_long": ("密码太长", "The password is too long"),
    "password.bad_characters": ("密码不能以空格开头或结尾，也不能含控制字符",
                                ("A password cannot start or end with a space or hold "
                                "control characters")),
    "password.mismatch": ("两次输入的密码不一致", "The passwords do not match"),
}


def text(key: str, language: str, **values) -> str:
    """The text of `key` in `language` (zh_CN when unknown), placeholders filled."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    template = pair[1] if language == "en" else pair[0]
    return template.format(**values) if values else template


def both(key: str, **values) -> str:
    """Chinese and English on one line (the command line speaks both)."""
    return f"{text(key, 'zh_CN', **values)} / {text(key, 'en', **values)}"
