<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Leader&apos;s PIN</source>
        <translation>团长 PIN 码</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Allow with the leader&apos;s PIN</source>
        <translation>凭团长 PIN 批准</translation>
    </message>
</context>
<context>
    <name>ArrivalView</name>
    <message>
        <source>Batch</source>
        <translation>配送批次</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>预计到货</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Not picked up</source>
        <translation>未提货</translation>
    </message>
    <message>
        <source>Shelf / order / item</source>
        <translation>货架号 / 订单 / 商品</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>订购数</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Sign off as arrived</source>
        <translation>到货签收</translation>
    </message>
    <message>
        <source>Print shelf labels</source>
        <translation>打印货架标签</translation>
    </message>
    <message>
        <source>One label per order of this batch, in shelf order, to stick on the bags</source>
        <translation>按货架号顺序为本批次每个订单打印一张标签，贴在袋子上</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Delivery batches</source>
        <translation>配送批次</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>已到货</translation>
    </message>
    <message>
        <source>Expected</source>
        <comment>batch status</comment>
        <translation>待到货</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结束</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) in this batch.</source>
        <translation>
            <numerusform>本批次共 %n 个订单。</numerusform>
        </translation>
    </message>
    <message>
        <source>No printer is set up: choose one in Settings.</source>
        <translation>尚未配置打印机：请在“设置”中选择。</translation>
    </message>
    <message numerus="yes">
        <source>%n shelf label(s) sent to the printer.</source>
        <translation>
            <numerusform>已发送 %n 张货架标签到打印机。</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch %1 signed off: %2 short line(s), %3 damaged line(s).</source>
        <translation>批次 %1 已到货签收：缺货 %2 行，破损 %3 行。</translation>
    </message>
</context>
<context>
    <name>AttentionDialog</name>
    <message>
        <source>Needs attention</source>
        <translation>需处理事项</translation>
    </message>
    <message>
        <source>Show resolved</source>
        <translation>显示已处理</translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation>标记已处理</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s) need attention</source>
        <translation>
            <numerusform>共 %n 项需要处理</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AttentionModel</name>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Resolved %1</source>
        <translation>已处理 %1</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>event %1</source>
        <translation>事件 %1</translation>
    </message>
</context>
<context>
    <name>CameraPage</name>
    <message>
        <source>Use a camera to scan QR codes</source>
        <translation>用摄像头扫提货二维码</translation>
    </message>
    <message>
        <source>Camera %1 (%2)</source>
        <translation>第 %1 个摄像头（%2）</translation>
    </message>
    <message>
        <source>Camera %1</source>
        <translation>第 %1 个摄像头</translation>
    </message>
    <message>
        <source>A video file or stream address</source>
        <translation>视频文件或网络视频流</translation>
    </message>
    <message>
        <source>video file, or rtsp://…</source>
        <translation>视频文件，或 rtsp://…</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Automatic (best available)</source>
        <translation>自动（选最好用的）</translation>
    </message>
    <message>
        <source>ZXing, second try sharpened (reads the most)</source>
        <translation>ZXing，锐化后再试一次（识别率最高）</translation>
    </message>
    <message>
        <source>OpenCV (contrib module)</source>
        <translation>OpenCV（扩展模块）</translation>
    </message>
    <message>
        <source>Show preview</source>
        <translation>显示预览</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>File or address</source>
        <translation>文件或地址</translation>
    </message>
    <message>
        <source>QR decoder</source>
        <translation>二维码识别方式</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>视频文件</translation>
    </message>
</context>
<context>
    <name>CounterView</name>
    <message>
        <source>Scan QR · pickup code · phone last 4</source>
        <translation>扫码 · 提货码 · 手机尾号后 4 位</translation>
    </message>
    <message>
        <source>Scan the pickup QR, or type the 6-digit code / phone last 4, then Enter</source>
        <translation>扫提货二维码，或输入 6 位提货码 / 手机尾号后 4 位，按回车</translation>
    </message>
    <message>
        <source>No code…</source>
        <translation>无码提货…</translation>
    </message>
    <message>
        <source>Collected by someone else? Their name (proxy)</source>
        <translation>他人代取？填写代取人姓名</translation>
    </message>
    <message>
        <source>Confirm hand-over (Enter)</source>
        <translation>确认核销（回车）</translation>
    </message>
    <message>
        <source>Clear (Esc)</source>
        <translation>清除（Esc）</translation>
    </message>
    <message>
        <source>Undo pickup…</source>
        <translation>撤销提货…</translation>
    </message>
    <message>
        <source>Reprint receipt</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <source>Recent pickups</source>
        <translation>最近提货</translation>
    </message>
    <message>
        <source>Choose this customer (Enter)</source>
        <translation>选择此顾客（回车）</translation>
    </message>
    <message>
        <source>Ask the leader to allow it (Enter)</source>
        <translation>请团长特批（回车）</translation>
    </message>
    <message>
        <source>Hand over before arrival</source>
        <translation>未签收先提货</translation>
    </message>
    <message>
        <source>This batch has not been signed off. The leader&apos;s PIN allows the hand-over; it is marked in the record.</source>
        <translation>该批次尚未到货签收。输入团长 PIN 码即可提货，记录中会注明。</translation>
    </message>
    <message>
        <source>Still on the truck: %1</source>
        <translation>仍在路上：%1</translation>
    </message>
    <message>
        <source>Hand over without a code</source>
        <translation>无码提货</translation>
    </message>
    <message>
        <source>The customer lost the code: check their identity. The leader&apos;s PIN and a reason are recorded.</source>
        <translation>顾客找不到提货码：请核实身份。团长 PIN 码和原因将记入记录。</translation>
    </message>
    <message>
        <source> (undone)</source>
        <translation>（已撤销）</translation>
    </message>
    <message>
        <source>proxy %1</source>
        <translation>代取 %1</translation>
    </message>
    <message>
        <source>Undo pickup</source>
        <translation>撤销提货</translation>
    </message>
    <message>
        <source>Why undo %1?</source>
        <translation>为什么撤销小票 %1？</translation>
    </message>
    <message>
        <source>Late undo</source>
        <translation>超时撤销</translation>
    </message>
    <message>
        <source>The pickup is more than 10 minutes old: only the leader can undo it.</source>
        <translation>提货已超过 10 分钟，只有团长可以撤销。</translation>
    </message>
</context>
<context>
    <name>DisplayPage</name>
    <message>
        <source>The new language is used after the app restarts.</source>
        <translation>新的语言在程序重启后生效。</translation>
    </message>
    <message>
        <source>Play sounds</source>
        <translation>播放提示音</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Counter</source>
        <translation>核销台</translation>
    </message>
    <message>
        <source>Arrival check</source>
        <translation>到货签收</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Switch operator</source>
        <translation>切换操作员</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>需处理</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <source>Export a support bundle…</source>
        <translation>导出技术支持包…</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>not paired</source>
        <translation>未配对</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>提货点</translation>
    </message>
    <message>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <source>Last backup</source>
        <translation>上次备份</translation>
    </message>
    <message>
        <source>About pickup-station</source>
        <translation>关于提货程序</translation>
    </message>
    <message>
        <source>Export a support bundle</source>
        <translation>导出技术支持包</translation>
    </message>
    <message>
        <source>Support bundle saved: %1</source>
        <translation>技术支持包已保存：%1</translation>
    </message>
    <message>
        <source>Writing the support bundle…</source>
        <translation>正在生成技术支持包…</translation>
    </message>
    <message>
        <source>Not paired with a server: working offline</source>
        <translation>未连接服务器：离线工作中</translation>
    </message>
    <message>
        <source>Printer: not set up</source>
        <translation>打印机：未配置</translation>
    </message>
    <message>
        <source>Camera: off</source>
        <translation>摄像头：已关闭</translation>
    </message>
    <message>
        <source>Downloading orders %p%</source>
        <translation>正在下载订单 %p%</translation>
    </message>
    <message>
        <source>Demo codes: %1</source>
        <translation>演示提货码：%1</translation>
    </message>
    <message>
        <source>Could not ask the server which pickup point holds this order: %1</source>
        <translation>无法向服务器查询该订单所属的自提点：%1</translation>
    </message>
    <message>
        <source>Pickup point</source>
        <translation>自提点</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>团长</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Operator: %1</source>
        <translation>操作员：%1</translation>
    </message>
    <message>
        <source>Operator: %1 (%2)</source>
        <translation>操作员：%1（%2）</translation>
    </message>
    <message>
        <source>Pickup station — %1</source>
        <translation>自提点核销台 — %1</translation>
    </message>
    <message>
        <source>Signed in: %1</source>
        <translation>已登录：%1</translation>
    </message>
</context>
<context>
    <name>OrderCard</name>
    <message>
        <source>Quantities…</source>
        <translation>改数量…</translation>
    </message>
    <message>
        <source>Hand over less than ordered: short, damaged or declined</source>
        <translation>少于订购数量交付：缺货、破损或顾客拒收</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>顾客拒收</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>交付</translation>
    </message>
    <message>
        <source>Hand over early (leader)</source>
        <translation>提前交付（需团长）</translation>
    </message>
</context>
<context>
    <name>OrderPickerDialog</name>
    <message>
        <source>Hand over without a code</source>
        <translation>无码提货</translation>
    </message>
    <message>
        <source>Name, order number or phone last 4</source>
        <translation>姓名、订单号或手机尾号后 4 位</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Choose this order</source>
        <translation>选择此订单</translation>
    </message>
</context>
<context>
    <name>PairDialog</name>
    <message>
        <source>Connect to the sync server</source>
        <translation>连接同步服务器</translation>
    </message>
    <message>
        <source>Station token from HQ</source>
        <translation>总部发放的自提点令牌</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Station token</source>
        <translation>自提点令牌</translation>
    </message>
    <message>
        <source>Connecting to the server…</source>
        <translation>正在连接服务器…</translation>
    </message>
</context>
<context>
    <name>PrintQueue</name>
    <message>
        <source> (kept for reprint)</source>
        <translation>（已保留，可重打）</translation>
    </message>
    <message>
        <source>Receipt printed</source>
        <translation>小票已打印</translation>
    </message>
    <message>
        <source>Label printed</source>
        <translation>标签已打印</translation>
    </message>
    <message>
        <source>Day summary printed</source>
        <translation>日结单已打印</translation>
    </message>
    <message>
        <source>Test page printed</source>
        <translation>测试页已打印</translation>
    </message>
    <message>
        <source>Printer checked</source>
        <translation>打印机检查完成</translation>
    </message>
    <message>
        <source>not set up</source>
        <translation>未配置</translation>
    </message>
    <message numerus="yes">
        <source>printing (%n queued)</source>
        <translation>
            <numerusform>正在打印（%n 张待打）</numerusform>
        </translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>paper low</source>
        <translation>纸快用完了</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message numerus="yes">
        <source>, %n paper kept for reprint</source>
        <translation>
            <numerusform>，%n 张小票已保留可重打</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n papers kept for reprint</source>
        <translation>
            <numerusform>，%n 张小票已保留可重打</numerusform>
        </translation>
    </message>
    <message>
        <source>Printer: %1</source>
        <translation>打印机：%1</translation>
    </message>
</context>
<context>
    <name>PrinterPage</name>
    <message>
        <source>No printer</source>
        <translation>无打印机</translation>
    </message>
    <message>
        <source>USB printer</source>
        <translation>USB 打印机</translation>
    </message>
    <message>
        <source>Network printer</source>
        <translation>网络打印机</translation>
    </message>
    <message>
        <source>Serial printer</source>
        <translation>串口打印机</translation>
    </message>
    <message>
        <source>Windows printer</source>
        <translation>Windows 打印机</translation>
    </message>
    <message>
        <source>CUPS printer</source>
        <translation>CUPS 打印机</translation>
    </message>
    <message>
        <source>Save to a file (test)</source>
        <translation>保存到文件（测试）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Enter the USB ids by hand (advanced)</source>
        <translation>手动填写 USB 编号（高级）</translation>
    </message>
    <message>
        <source>vendor</source>
        <translation>厂商</translation>
    </message>
    <message>
        <source>product</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>58 mm (narrow)</source>
        <translation>58 毫米（窄）</translation>
    </message>
    <message>
        <source>80 mm (wide)</source>
        <translation>80 毫米（宽）</translation>
    </message>
    <message>
        <source>Text (printer has Chinese font)</source>
        <translation>文字（打印机自带中文字库）</translation>
    </message>
    <message>
        <source>Image (any printer)</source>
        <translation>图片（任何打印机）</translation>
    </message>
    <message>
        <source>Mixed (slow serial links)</source>
        <translation>混合（适合慢速串口）</translation>
    </message>
    <message>
        <source>Print a receipt after each hand-over</source>
        <translation>每次核销后打印小票</translation>
    </message>
    <message>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Connected printer</source>
        <translation>已连接的打印机</translation>
    </message>
    <message>
        <source>USB ids (hex)</source>
        <translation>USB 编号（十六进制）</translation>
    </message>
    <message>
        <source>Speed (baud)</source>
        <translation>速率（波特）</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>纸宽</translation>
    </message>
    <message>
        <source>Chinese text</source>
        <translation>中文打印方式</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>a file or folder for the printed bytes</source>
        <translation>保存打印内容的文件或文件夹</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>串口</translation>
    </message>
    <message>
        <source>Printer name</source>
        <translation>打印机名称</translation>
    </message>
    <message>
        <source>as the system names it</source>
        <translation>与系统打印机列表中的名称一致</translation>
    </message>
    <message>
        <source>as Windows names it</source>
        <translation>与 Windows 中的名称一致</translation>
    </message>
    <message>
        <source>The saved printer %1 (not connected)</source>
        <translation>已保存的打印机 %1（未连接）</translation>
    </message>
    <message>
        <source>Connected USB printers cannot be listed on this computer (libusb is missing): enter the ids by hand.</source>
        <translation>这台电脑无法列出已连接的 USB 打印机（缺少 libusb）：请手动填写编号。</translation>
    </message>
    <message>
        <source>No USB printer found: is it plugged in and switched on?</source>
        <translation>没有找到 USB 打印机：请检查是否已插好并开机。</translation>
    </message>
    <message>
        <source>Print to file</source>
        <translation>打印到文件</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Picked up today</source>
        <translation>今日已提货</translation>
    </message>
    <message>
        <source>Waiting for pickup</source>
        <translation>待提货</translation>
    </message>
    <message>
        <source>Uncollected</source>
        <translation>滞留未提</translation>
    </message>
    <message>
        <source>Short / damaged</source>
        <translation>缺货 / 破损</translation>
    </message>
    <message>
        <source>Show all waiting orders</source>
        <translation>显示全部待提订单</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Uncollected orders</source>
        <translation>滞留订单</translation>
    </message>
    <message>
        <source>Print day summary</source>
        <translation>打印日结单</translation>
    </message>
    <message>
        <source>Excel (.xlsx)</source>
        <translation>Excel 表格（.xlsx）</translation>
    </message>
    <message>
        <source>CSV (.csv)</source>
        <translation>CSV 文件（.csv）</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Pickups report from</source>
        <translation>提货明细，从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>No printer is set up: choose one in Settings.</source>
        <translation>尚未配置打印机：请在“设置”中选择。</translation>
    </message>
    <message>
        <source>Day summary sent to the printer.</source>
        <translation>日结单已发送到打印机。</translation>
    </message>
    <message>
        <source>Handed value ¥%1 · items %2 · proxy %3 · overrides %4 · undos %5 · commission (est.) ¥%6</source>
        <translation>核销金额 ¥%1 · 商品 %2 件 · 代取 %3 单 · 特批 %4 次 · 撤销 %5 次 · 预估佣金 ¥%6</translation>
    </message>
    <message>
        <source>Showing the %1 longest-waiting of %2 orders.</source>
        <translation>共 %2 个订单，显示等待最久的 %1 个。</translation>
    </message>
    <message>
        <source>The first day is after the last day.</source>
        <translation>开始日期晚于结束日期。</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 表格 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export pickups</source>
        <translation>导出提货明细</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported %1 pickups (%2 lines) to %3</source>
        <translation>已导出 %1 笔提货（%2 行）到 %3</translation>
    </message>
</context>
<context>
    <name>ScannerPage</name>
    <message>
        <source>A scanner that types like a keyboard (USB keyboard mode)</source>
        <translation>像键盘一样输入的扫码枪（USB 键盘模式）</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>none (e.g. /dev/ttyACM0 or COM3)</source>
        <translation>无（如 /dev/ttyACM0 或 COM3）</translation>
    </message>
    <message>
        <source>Characters to remove before a code</source>
        <translation>去掉码前的字符</translation>
    </message>
    <message>
        <source>Characters to remove after a code</source>
        <translation>去掉码后的字符</translation>
    </message>
    <message>
        <source>Serial scanner port</source>
        <translation>串口扫码枪端口</translation>
    </message>
    <message>
        <source>Serial speed (baud)</source>
        <translation>串口速率（波特）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Display &amp; language</source>
        <translation>界面和语言</translation>
    </message>
    <message>
        <source>Show preview</source>
        <translation>显示预览</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Hide preview</source>
        <translation>隐藏预览</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Switch operator</source>
        <translation>切换操作员</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>团长</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>This computer&apos;s clock is %1 min ahead of the server: please set the time. Pickup times are recorded with this clock.</source>
        <translation>本机时钟比服务器快 %1 分钟，请校准电脑时间（提货时间按本机时钟记录）。</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is %1 min behind the server: please set the time. Pickup times are recorded with this clock.</source>
        <translation>本机时钟比服务器慢 %1 分钟，请校准电脑时间（提货时间按本机时钟记录）。</translation>
    </message>
    <message>
        <source>Not paired with a server: cannot ask</source>
        <translation>未连接服务器：无法查询</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Not paired: the counter works offline</source>
        <translation>未配对：柜台离线工作</translation>
    </message>
    <message>
        <source>Pair with server…</source>
        <translation>与服务器配对…</translation>
    </message>
    <message>
        <source>Pair again…</source>
        <translation>重新配对…</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Sync every</source>
        <translation>同步间隔</translation>
    </message>
</context>
<context>
    <name>UncollectedTableModel</name>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Shelf</source>
        <translation>货架号</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Days waiting</source>
        <translation>滞留天数</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
</context>
<context>
    <name>VerdictPanel</name>
    <message>
        <source>Order ids / SKU</source>
        <translation>订单号 / SKU</translation>
    </message>
    <message>
        <source>Show order and batch numbers and SKU codes</source>
        <translation>显示订单号、批次号和商品编码</translation>
    </message>
</context>
<context>
    <name>WedgeDetector</name>
    <message>
        <source>The same code was scanned again (%1); ignored.</source>
        <translation>同一条码重复扫描（%1），已忽略。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Error</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>An unexpected error occurred and was logged. Completed pickups are safe.

%1</source>
        <translation>程序遇到意外错误，已记录到日志。已完成的提货不受影响。

%1</translation>
    </message>
</context>
</TS>
