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
    <name>BasketDialog</name>
    <message>
        <source>Delegate&apos;s basket</source>
        <translation>代取篮</translation>
    </message>
    <message>
        <source>Scan each customer&apos;s code, one after another</source>
        <translation>依次扫描每位顾客的提货码</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>e.g. Building 3, Ms Wang</source>
        <translation>例如：3号楼王阿姨</translation>
    </message>
    <message>
        <source>One combined slip</source>
        <translation>一张汇总单</translation>
    </message>
    <message>
        <source>One receipt per order</source>
        <translation>每单一张小票</translation>
    </message>
    <message>
        <source>No paper</source>
        <translation>不打印</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>移除此行</translation>
    </message>
    <message>
        <source>Hand all over</source>
        <translation>全部交付</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫码</translation>
    </message>
    <message>
        <source>Delegate</source>
        <translation>代取人</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>in the basket</source>
        <translation>已加入代取篮</translation>
    </message>
    <message>
        <source>%1 customer(s), %2 order(s) in the basket; %3 left out.</source>
        <translation>代取篮中 %1 位顾客、%2 单；%3 个未加入。</translation>
    </message>
    <message>
        <source>Handed over: %1 order(s) to %2.</source>
        <translation>已交付：%1 单，代取人 %2。</translation>
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
        <source>Hide preview</source>
        <translation>隐藏预览</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>视频文件</translation>
    </message>
</context>
<context>
    <name>CameraStep</name>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>A webcam can read customers&apos; QR codes. Choose it, show the preview and hold a code in front of it.</source>
        <translation>摄像头可以读取顾客的二维码。选择摄像头，打开预览，把一个二维码放到镜头前试试。</translation>
    </message>
    <message>
        <source>Read: %1</source>
        <translation>读到：%1</translation>
    </message>
</context>
<context>
    <name>ConnectPage</name>
    <message>
        <source>Connect to headquarters</source>
        <translation>连接总部</translation>
    </message>
    <message>
        <source>Scan the pairing code HQ shows for this pickup point, type the server address and token, or work offline for now.</source>
        <translation>扫描总部为本自提点显示的配对码，或输入服务器地址和令牌，也可以先离线使用。</translation>
    </message>
    <message>
        <source>Scan the pairing code here</source>
        <translation>在此扫描配对码</translation>
    </message>
    <message>
        <source>Use the camera</source>
        <translation>用摄像头扫</translation>
    </message>
    <message>
        <source>Check and connect</source>
        <translation>检查并连接</translation>
    </message>
    <message>
        <source>Import a manifest file…</source>
        <translation>导入配送清单文件…</translation>
    </message>
    <message>
        <source>1. Scan the pairing code (recommended)</source>
        <translation>1. 扫描配对码（推荐）</translation>
    </message>
    <message>
        <source>2. Or type the address and the token</source>
        <translation>2. 或输入服务器地址和令牌</translation>
    </message>
    <message>
        <source>3. Or work offline only</source>
        <translation>3. 或仅离线使用</translation>
    </message>
    <message>
        <source>Load a manifest file (JSON or CSV) from HQ, e.g. from a USB stick. You can connect later in Settings › Sync.</source>
        <translation>导入总部提供的配送清单文件（JSON 或 CSV，例如从 U 盘）。以后可在 设置 › 同步 中连接服务器。</translation>
    </message>
    <message>
        <source>This pairing code is incomplete: ask HQ for a new one.</source>
        <translation>这个配对码不完整：请向总部要一个新的。</translation>
    </message>
    <message>
        <source>This is not a pairing code. Scan the code HQ shows for this pickup point.</source>
        <translation>这不是配对码。请扫描总部为本自提点显示的配对码。</translation>
    </message>
    <message>
        <source>Pairing code read: checking it with the server…</source>
        <translation>已读到配对码，正在向服务器核对…</translation>
    </message>
    <message>
        <source>Connecting to the server…</source>
        <translation>正在连接服务器…</translation>
    </message>
    <message>
        <source>Connected: %1 (%2). Orders arrive in the background.</source>
        <translation>已连接：%1（%2）。订单会在后台下载。</translation>
    </message>
    <message>
        <source>Manifest file</source>
        <translation>配送清单文件</translation>
    </message>
    <message>
        <source>Manifests (*.json *.csv)</source>
        <translation>配送清单 (*.json *.csv)</translation>
    </message>
    <message>
        <source>Imported %1: %2 batch(es), %3 order(s).</source>
        <translation>已导入 %1：%2 个批次，%3 个订单。</translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation>%1 未导入：%2</translation>
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
    <name>DayCloseView</name>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Pickups</source>
        <translation>提货次数</translation>
    </message>
    <message>
        <source>Items handed</source>
        <translation>已提件数</translation>
    </message>
    <message>
        <source>Shortages</source>
        <translation>缺货破损</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Undos</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>到货</translation>
    </message>
    <message>
        <source>Handed over</source>
        <translation>已提</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Should be there</source>
        <translation>应有</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实盘</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Counted = expected</source>
        <translation>实盘 = 应有</translation>
    </message>
    <message>
        <source>Fill every count with what should be there, then change the ones that differ</source>
        <translation>把每项实盘填为应有数量，再改动不一致的</translation>
    </message>
    <message>
        <source>Close the day and print</source>
        <translation>日结并打印</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Closed days</source>
        <translation>已日结</translation>
    </message>
    <message>
        <source>By operator</source>
        <translation>按操作员</translation>
    </message>
    <message>
        <source>not counted</source>
        <translation>未盘点</translation>
    </message>
    <message>
        <source>%1 was closed at %2 by %3: reprint or export it.</source>
        <translation>%1 已于 %2 由 %3 日结：可补打或导出。</translation>
    </message>
    <message>
        <source>Count the goods on the shelves and enter what is there (%1 product(s) should be there).</source>
        <translation>请盘点货架上的商品并填写实有数量（应有 %1 种商品）。</translation>
    </message>
    <message>
        <source>%1 closed: %2 discrepanc(ies) recorded; the closing slip is printing.</source>
        <translation>%1 已日结：记录 %2 项差异；正在打印日结单。</translation>
    </message>
    <message>
        <source>No printer is set up: choose one in Settings.</source>
        <translation>未设置打印机：请在设置中选择。</translation>
    </message>
    <message>
        <source>Closing slip of %1 sent to the printer.</source>
        <translation>%1 的日结单已发送到打印机。</translation>
    </message>
    <message>
        <source>Export the closed day</source>
        <translation>导出日结</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
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
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Verdict text size (from the next scan)</source>
        <translation>结果文字大小（下次扫码起生效）</translation>
    </message>
    <message>
        <source>Uncollected after</source>
        <translation>超过多久算滞留</translation>
    </message>
</context>
<context>
    <name>FirstStartWizard</name>
    <message>
        <source>Set up this pickup station</source>
        <translation>设置本自提点</translation>
    </message>
    <message>
        <source>Skip this step</source>
        <translation>跳过这一步</translation>
    </message>
    <message>
        <source>Set up later</source>
        <translation>以后再设置</translation>
    </message>
    <message>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>ForcedPinDialog</name>
    <message>
        <source>Change the leader&apos;s PIN</source>
        <translation>修改团长 PIN</translation>
    </message>
    <message>
        <source>This station still has the default leader PIN. Choose a new PIN of 4 to 8 digits before anything else; keep it to yourself.</source>
        <translation>本站仍在使用默认的团长 PIN。请先设置 4 到 8 位数字的新 PIN，并妥善保管。</translation>
    </message>
    <message>
        <source>The new PIN is needed before the station can be used.</source>
        <translation>须先设置新 PIN 才能使用本站。</translation>
    </message>
</context>
<context>
    <name>LeaderHookup</name>
    <message>
        <source>Leader</source>
        <translation>团长</translation>
    </message>
    <message>
        <source>Delegate&apos;s basket</source>
        <translation>代取篮</translation>
    </message>
    <message>
        <source>Failed prints</source>
        <translation>打印失败</translation>
    </message>
    <message>
        <source>The leader&apos;s PIN was changed.</source>
        <translation>团长 PIN 已修改。</translation>
    </message>
</context>
<context>
    <name>LeaderTabs</name>
    <message>
        <source>Receiving by product</source>
        <translation>按商品收货</translation>
    </message>
    <message>
        <source>Shelves</source>
        <translation>货架</translation>
    </message>
    <message>
        <source>Uncollected and returns</source>
        <translation>滞留与退回</translation>
    </message>
    <message>
        <source>Day closing</source>
        <translation>日结</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>操作员</translation>
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
    <message>
        <source>Shelves</source>
        <translation>货架</translation>
    </message>
</context>
<context>
    <name>NewPinForm</name>
    <message>
        <source>New PIN</source>
        <translation>新 PIN</translation>
    </message>
    <message>
        <source>New PIN again</source>
        <translation>再输一次新 PIN</translation>
    </message>
    <message>
        <source>The two PINs differ: type them again.</source>
        <translation>两次输入的 PIN 不一致，请重新输入。</translation>
    </message>
</context>
<context>
    <name>OperatorsView</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>店员</translation>
    </message>
    <message>
        <source>Leader</source>
        <translation>团长</translation>
    </message>
    <message>
        <source>Add operator</source>
        <translation>添加操作员</translation>
    </message>
    <message>
        <source>New operator</source>
        <translation>新操作员</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>改名</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation>重置 PIN</translation>
    </message>
    <message>
        <source>Selected operator</source>
        <translation>所选操作员</translation>
    </message>
    <message>
        <source>New name</source>
        <translation>新名字</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>新 PIN</translation>
    </message>
    <message>
        <source>locked, %1 s left</source>
        <translation>已锁定，还剩 %1 秒</translation>
    </message>
    <message>
        <source>active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>must be changed</source>
        <translation>须修改</translation>
    </message>
    <message>
        <source>Only the leader manages operators.</source>
        <translation>只有团长可以管理操作员。</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Give the new operator a name.</source>
        <translation>请填写新操作员的名字。</translation>
    </message>
    <message>
        <source>%1 added.</source>
        <translation>已添加 %1。</translation>
    </message>
    <message>
        <source>Renamed to %1.</source>
        <translation>已改名为 %1。</translation>
    </message>
    <message>
        <source>Enabled.</source>
        <translation>已启用。</translation>
    </message>
    <message>
        <source>Disabled: this operator can no longer sign in.</source>
        <translation>已停用：此操作员不能再登录。</translation>
    </message>
    <message>
        <source>PIN reset (and any lock lifted).</source>
        <translation>PIN 已重置（锁定已解除）。</translation>
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
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>PairForm</name>
    <message>
        <source>Station token from HQ</source>
        <translation>总部发放的自提点令牌</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
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
    <name>PinStep</name>
    <message>
        <source>The leader&apos;s PIN</source>
        <translation>团长 PIN</translation>
    </message>
    <message>
        <source>Choose a PIN of 4 to 8 digits for the leader (团长). It approves exceptions and manages operators. Skipped, the counter asks for it when it opens.</source>
        <translation>为团长设置 4 到 8 位数字的 PIN，用于批准例外操作和管理操作员。跳过的话，柜台打开时会再要求设置。</translation>
    </message>
    <message>
        <source>The leader&apos;s PIN is set.</source>
        <translation>团长 PIN 已设置。</translation>
    </message>
</context>
<context>
    <name>PrintJobsDialog</name>
    <message>
        <source>Failed prints</source>
        <translation>打印失败</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <source>Shelf label</source>
        <translation>货架标签</translation>
    </message>
    <message>
        <source>Day summary</source>
        <translation>日报</translation>
    </message>
    <message>
        <source>Closing slip</source>
        <translation>日结单</translation>
    </message>
    <message>
        <source>Packing list</source>
        <translation>打包单</translation>
    </message>
    <message>
        <source>Combined slip</source>
        <translation>代取汇总单</translation>
    </message>
    <message>
        <source>Test page</source>
        <translation>测试页</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>For</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Retry all</source>
        <translation>全部重打</translation>
    </message>
    <message>
        <source>Discard selected</source>
        <translation>放弃所选</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message numerus="yes">
        <source>%n pickup(s)</source>
        <translation>
            <numerusform>%n 次提货</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 paper(s) wait for a reprint.</source>
        <translation>%1 张待重打。</translation>
    </message>
    <message>
        <source>%1 paper(s) sent again.</source>
        <translation>已重新发送 %1 张。</translation>
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
        <source>Closing slip printed</source>
        <translation>日结单已打印</translation>
    </message>
    <message>
        <source>Packing list printed</source>
        <translation>打包单已打印</translation>
    </message>
    <message>
        <source>Combined slip printed</source>
        <translation>代取汇总单已打印</translation>
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
    <name>PrinterStep</name>
    <message>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <source>Choose the printer, its paper and how it prints Chinese, then make a test print.</source>
        <translation>选择打印机、纸宽和中文打印方式，然后打印一张测试页。</translation>
    </message>
    <message>
        <source>Printer: not set up</source>
        <translation>打印机：未配置</translation>
    </message>
    <message>
        <source>Ask the printer how it is</source>
        <translation>查询打印机状态</translation>
    </message>
</context>
<context>
    <name>ReceivingView</name>
    <message>
        <source>SKU</source>
        <translation>商品编码</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>品类</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存放</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>应到</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>实收</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>订购</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Perishable</source>
        <translation>易腐</translation>
    </message>
    <message>
        <source>Sign off as received</source>
        <translation>按实收签收</translation>
    </message>
    <message>
        <source>Correct the selected count</source>
        <translation>更正所选数量</translation>
    </message>
    <message>
        <source>After sign-off: a box found later or a miscount; the shortfall follows</source>
        <translation>签收后：后来找到的货或点错的数量；缺货随之调整</translation>
    </message>
    <message>
        <source>Add an overflow area</source>
        <translation>增加临时区</translation>
    </message>
    <message>
        <source>Print packing list</source>
        <translation>打印打包单</translation>
    </message>
    <message>
        <source>Print shelf labels</source>
        <translation>打印货架标签</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>Shortfall rule</source>
        <translation>缺货分配规则</translation>
    </message>
    <message>
        <source>Order lines that go short (editable)</source>
        <translation>缺货的订单行（可修改）</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>待到货</translation>
    </message>
    <message>
        <source>received</source>
        <translation>已签收</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>%n 单</numerusform>
        </translation>
    </message>
    <message>
        <source>dry</source>
        <translation>常温</translation>
    </message>
    <message>
        <source>fresh</source>
        <translation>生鲜</translation>
    </message>
    <message>
        <source>chilled</source>
        <translation>冷藏</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>冷冻</translation>
    </message>
    <message>
        <source>%1 product(s), %2 perishable (blue): count them and enter what came.</source>
        <translation>%1 种商品，%2 种易腐（蓝色）：请清点并填写实收数量。</translation>
    </message>
    <message>
        <source>Signed off. Change a count and press &apos;Correct&apos; for a box found later.</source>
        <translation>已签收。后来找到货时，改数量后按“更正”。</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Short: %1 item(s) on %2 order line(s), by the rule shown. Change a line if needed, then sign off.</source>
        <translation>缺货：%1 件，分到 %2 个订单行（按所示规则）。需要时修改，然后签收。</translation>
    </message>
    <message>
        <source>Everything came as expected.</source>
        <translation>全部按应到数量到货。</translation>
    </message>
    <message>
        <source>The preview is being updated: check it, then sign off.</source>
        <translation>正在更新缺货分配：请核对后再签收。</translation>
    </message>
    <message>
        <source>Batch %1 signed off: %2 short line(s); shelf slots given.</source>
        <translation>批次 %1 已签收：%2 个缺货行；已分配货位。</translation>
    </message>
    <message>
        <source>Overflow shelf %1 added (150 slots): sign off again.</source>
        <translation>已增加临时货架 %1（150 个货位）：请再次签收。</translation>
    </message>
    <message>
        <source>Choose the product to correct first.</source>
        <translation>请先选择要更正的商品。</translation>
    </message>
    <message>
        <source>%1: received %2 → %3; %4 order line(s) changed.</source>
        <translation>%1：实收 %2 → %3；%4 个订单行已调整。</translation>
    </message>
    <message>
        <source>No printer is set up: choose one in Settings.</source>
        <translation>未设置打印机：请在设置中选择。</translation>
    </message>
    <message>
        <source>Packing list sent to the printer.</source>
        <translation>打包单已发送到打印机。</translation>
    </message>
    <message numerus="yes">
        <source>%n shelf label(s) sent to the printer.</source>
        <translation>
            <numerusform>已发送 %n 张货架标签到打印机。</numerusform>
        </translation>
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
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>Keys closer together than this count as a scanner, not a person. Raise it if scans land as typing.</source>
        <translation>按键间隔短于此值就算扫码枪输入，而不是人在打字。如果扫码被当成打字，请调大。</translation>
    </message>
    <message>
        <source>Scanner types faster than</source>
        <translation>扫码枪按键间隔小于</translation>
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
    <name>ScannerStep</name>
    <message>
        <source>Barcode scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <source>Scan any code now (a pickup QR, a product barcode). If the scanner adds characters before or after the code, enter them below to be removed.</source>
        <translation>现在随便扫一个码（提货二维码、商品条码都行）。如果扫码枪在码的前后多加了字符，在下面填上，程序会去掉它们。</translation>
    </message>
    <message>
        <source>Scan here</source>
        <translation>在此扫码</translation>
    </message>
    <message>
        <source>a pickup QR</source>
        <translation>提货二维码</translation>
    </message>
    <message>
        <source>a 6-digit pickup code</source>
        <translation>6 位提货码</translation>
    </message>
    <message>
        <source>a phone&apos;s last 4 digits</source>
        <translation>手机尾号后 4 位</translation>
    </message>
    <message>
        <source>HQ&apos;s pairing code</source>
        <translation>总部的配对码</translation>
    </message>
    <message>
        <source>not a pickup code (that is fine for a test)</source>
        <translation>不是提货码（测试时没关系）</translation>
    </message>
    <message>
        <source>Arrived: %1
The counter reads: %2 — %3</source>
        <translation>收到：%1
柜台读作：%2 — %3</translation>
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
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
</context>
<context>
    <name>ShelvesStep</name>
    <message>
        <source>Shelves</source>
        <translation>货架</translation>
    </message>
    <message>
        <source>Where bags wait for their customers. Name your shelves as they stand in the shop; each bag gets a slot like A-3-12 (shelf, level, position).</source>
        <translation>包裹等顾客来取时放的地方。按店里货架的实际情况命名；每个包裹会分到一个货位，如 A-3-12（货架-层-位）。</translation>
    </message>
</context>
<context>
    <name>ShelvesView</name>
    <message>
        <source>Normal</source>
        <translation>常温区</translation>
    </message>
    <message>
        <source>Chilled</source>
        <translation>冷藏区</translation>
    </message>
    <message>
        <source>Frozen</source>
        <translation>冷冻区</translation>
    </message>
    <message>
        <source>Overflow</source>
        <translation>临时区</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Slots</source>
        <translation>货位</translation>
    </message>
    <message>
        <source>Occupied</source>
        <translation>占用</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Shelf</source>
        <translation>货架</translation>
    </message>
    <message>
        <source>Levels</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>位数</translation>
    </message>
    <message>
        <source>Example slot</source>
        <translation>货位示例</translation>
    </message>
    <message>
        <source>e.g. Z1</source>
        <translation>例如 Z1</translation>
    </message>
    <message>
        <source>Add shelf</source>
        <translation>增加货架</translation>
    </message>
    <message>
        <source>Add a shelf or an overflow area</source>
        <translation>增加货架或临时区</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>货架名</translation>
    </message>
    <message>
        <source>Positions per level</source>
        <translation>每层位数</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Nearly full: %1. Add a shelf or an overflow area before the next sign-off.</source>
        <translation>快满了：%1。请在下次签收前增加货架或临时区。</translation>
    </message>
    <message>
        <source>%1 slot(s) held, %2 shelf(s).</source>
        <translation>已占用 %1 个货位，共 %2 个货架。</translation>
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
    <name>UncollectedView</name>
    <message>
        <source>dry</source>
        <translation>常温</translation>
    </message>
    <message>
        <source>fresh</source>
        <translation>生鲜</translation>
    </message>
    <message>
        <source>chilled</source>
        <translation>冷藏</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>冷冻</translation>
    </message>
    <message>
        <source>Overdue after (days):</source>
        <translation>超时天数：</translation>
    </message>
    <message>
        <source>Save thresholds</source>
        <translation>保存天数</translation>
    </message>
    <message>
        <source>Also those not yet overdue</source>
        <translation>也显示未超时的</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>货位</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存放</translation>
    </message>
    <message>
        <source>Waited (h)</source>
        <translation>已等（小时）</translation>
    </message>
    <message>
        <source>Overdue (h)</source>
        <translation>超时（小时）</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation>提醒次数</translation>
    </message>
    <message>
        <source>Ask HQ to remind</source>
        <translation>请总部提醒</translation>
    </message>
    <message>
        <source>Not collected in time</source>
        <translation>超时未取</translation>
    </message>
    <message>
        <source>Customer refused</source>
        <translation>顾客拒收</translation>
    </message>
    <message>
        <source>Goods spoiled</source>
        <translation>商品变质</translation>
    </message>
    <message>
        <source>Return to HQ</source>
        <translation>退回总部</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source> (cancelled)</source>
        <translation>（已取消）</translation>
    </message>
    <message>
        <source>%1 order(s) waiting too long, most overdue first.</source>
        <translation>%1 单超时未取，最久的在前。</translation>
    </message>
    <message>
        <source>HQ will remind %1 customer(s).</source>
        <translation>总部将提醒 %1 位顾客。</translation>
    </message>
    <message>
        <source>%1 order(s) returned to HQ; %2 slot(s) freed.</source>
        <translation>%1 单已退回总部；释放 %2 个货位。</translation>
    </message>
    <message>
        <source>Choose one or more orders in the list first.</source>
        <translation>请先在列表中选择订单。</translation>
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
    <name>WelcomePage</name>
    <message>
        <source>Welcome to the pickup station</source>
        <translation>欢迎使用自提点柜台软件</translation>
    </message>
    <message>
        <source>A few steps set this counter up. Every step can be skipped and done later in Settings.</source>
        <translation>几步就能设置好这台柜台电脑。每一步都可以跳过，以后在“设置”里再做。</translation>
    </message>
    <message>
        <source>1. Connect to headquarters (or work offline)
2. The leader&apos;s PIN
3. Scanner, camera and printer
4. Shelves</source>
        <translation>1. 连接总部（或离线使用）
2. 团长 PIN
3. 扫码枪、摄像头和打印机
4. 货架</translation>
    </message>
    <message>
        <source>Language / 语言</source>
        <translation>语言 / Language</translation>
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
