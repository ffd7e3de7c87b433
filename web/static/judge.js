import { mountVisits } from "/static/visits_desk.js";
import { api, whoami, logout, el, showMessage, errorText, categories, kinds } from "/static/console.js";
import { liteMarkdown } from "/static/markdown.js";

const $ = (id) => document.getElementById(id);
const reasons = { explicit_request: "要求法官答复", specific_case: "具体案件", urgent_enforcement: "紧急执行事项", complaint: "投诉反映", uncovered_legal: "知识库未覆盖" };
const stateNames = { waiting: "排队中", claimed: "处理中", answered: "已答复", resolved: "已结束" };
const actionNames = { create: "企业提交", claim: "接手", reply: "答复", follow_up: "企业追问", return: "退回队列", auto_return: "超时自动退回", transfer: "转交", resolve: "结束" };
let me = null;
let current = null; // the open ticket's data

function hours(ns) {
  const h = ns / 3.6e12;
  return h < 1 ? `${Math.round(h * 60)} 分钟` : `${h.toFixed(1)} 小时`;
}
const time = (s) => (s ? new Date(s).toLocaleString("zh-CN", { hour12: false }) : "");

// ---- queue ----
let queueSeq = 0; // as for the ticket view below: only the newest list is drawn
let nextCursor = "";
let shown = [];
// The enterprise's SMS or e-mail notices of the ticket (the queue page's "notices").
const noticeNames = { sent: "提醒已发送", failed: "提醒发送失败", pending: "已开通提醒", not_consented: "未开通提醒" };
function queueRow(t) {
  const claimed = t.priority_basis ? el("div", { class: "muted", title: "优先级由企业填写的情况得出，尚未核实" }, t.priority_basis) : null;
  const tr = el("tr", { class: "clickable" + (current?.ticket.id === t.id ? " selected" : ""), tabindex: "0", "data-id": t.id },
    el("td", {}, el("span", { class: `badge ${t.priority >= 3 ? "urgent" : t.priority === 2 ? "draft" : ""}` }, t.priority_name.replace(/（.*）$/, "")), claimed),
    el("td", {}, el("strong", {}, t.intake.company || "（未填企业名）"), el("div", { class: "muted" },
      `${t.court} · ${categories[t.specialty] || "未分类"} · ${reasons[t.reason] || t.reason}`),
      el("div", {}, (t.intake.question || "").slice(0, 60))),
    el("td", {}, hours(t.waiting_ns), t.overdue ? el("div", {}, el("span", { class: "badge overdue" }, "超时")) : null),
    el("td", {}, stateNames[t.state] || t.state, t.mine ? el("div", { class: "muted" }, "我的") : null,
      el("div", { class: "muted notice-status", "data-notice": t.notice || "not_consented" }, noticeNames[t.notice] || "未开通提醒"),
      t.matches_specialty ? el("div", { class: "muted" }, "专长匹配") : null));
  const open = () => openTicket(t.id).catch((e) => alert(errorText(e)));
  tr.addEventListener("click", open);
  tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
  return tr;
}
// loadQueue draws the first page; more pages follow the server's cursor ("加载更多"), so a ticket is
// never cut off behind many of higher priority.
async function loadQueue(more = false) {
  const p = new URLSearchParams({ scope: $("q-scope").value, state: $("q-state").value, category: $("q-category").value });
  for (const [k, v] of [...p]) if (!v) p.delete(k);
  if (more && nextCursor) p.set("cursor", nextCursor);
  const seq = ++queueSeq;
  const page = await api("GET", "/api/v1/judge/tickets?" + p);
  if (seq !== queueSeq) return;
  for (const t of page.tickets) t.notice = (page.notices || {})[t.id];
  shown = more ? shown.concat(page.tickets) : page.tickets;
  nextCursor = page.next_cursor || "";
  const overdue = shown.filter((t) => t.overdue).length;
  $("q-count").textContent = `${nextCursor ? "已显示" : "共"} ${shown.length} 件` + (overdue ? `，其中 ${overdue} 件超时` : "");
  $("q-more").hidden = !nextCursor;
  if (!shown.length) {
    $("q-rows").replaceChildren(el("tr", {}, el("td", { colspan: "4", class: "empty" }, el("strong", {}, emptyQueue()),
      "企业转交法官的咨询会实时出现在这里，无需刷新页面。")));
    return;
  }
  $("q-rows").replaceChildren(...shown.map(queueRow));
}
$("q-more").addEventListener("click", () => loadQueue(true).catch((e) => alert(errorText(e))));
for (const id of ["q-scope", "q-state", "q-category"]) $(id).addEventListener("change", () => loadQueue().catch((e) => alert(errorText(e))));

// emptyQueue says what an empty list means under the chosen filters.
function emptyQueue() {
  const state = $("q-state").value;
  if ($("q-scope").value === "mine") return state ? `没有${stateNames[state]}的工单` : "您手上暂无工单";
  if ($("q-category").value || state) return "没有符合条件的工单";
  return "暂无待办工单";
}

async function loadCounts() {
  const c = await api("GET", "/api/v1/judge/stats");
  $("counts").textContent = `我的在办 ${c.open} · 今日接手 ${c.claimed_today} · 答复 ${c.replied_today} · 办结 ${c.resolved_today}`;
}

// ---- ticket view ----
function fact(dl, label, value) {
  if (value === undefined || value === null || value === "") return;
  dl.append(el("dt", {}, label), el("dd", {}, value));
}

// Live signals and the judge's own actions both reload the open ticket, and their responses can
// arrive out of order; only the newest request may draw, so an older answer never hides a newer state.
let loadSeq = 0;
async function openTicket(id) {
  const seq = ++loadSeq;
  const data = await api("GET", `/api/v1/judge/tickets/${id}`);
  if (seq !== loadSeq) return;
  // A live refresh of the ticket on screen keeps the message the judge was just shown: clearing it
  // would also move the action buttons up under the judge's pointer.
  if (current?.ticket.id !== data.ticket.id) $("t-msg").replaceChildren();
  current = data;
  renderTicket();
  for (const tr of $("q-rows").children) tr.classList.toggle("selected", tr.dataset.id === String(id));
  $("ticket").hidden = false;
  $("ticket-empty").hidden = true;
  $("t-title").focus?.();
}

function renderTicket() {
  const t = current.ticket;
  const f = t.intake;
  $("t-title").textContent = `工单 #${t.id} · ${stateNames[t.state]}${t.judge_name ? "（" + t.judge_name + "）" : ""}`;
  const dl = $("t-facts");
  dl.replaceChildren();
  fact(dl, "企业", f.company);
  fact(dl, "统一社会信用代码", f.credit_code);
  fact(dl, "联系人", `${f.contact || ""} ${f.mobile || ""}`.trim());
  fact(dl, "法院", t.court);
  fact(dl, "案号", f.case_number);
  fact(dl, "转交原因", reasons[t.reason] || t.reason);
  fact(dl, "优先级", t.priority_name + (t.overdue ? "（已超时）" : "") + (t.priority_basis ? "：依据企业填写的生产经营影响，未经核实" : ""));
  fact(dl, "等待（工作时间）", hours(t.waiting_ns) + `，目标 ${time(t.deadline)} 前首次答复`);
  fact(dl, "企业的问题", f.question);
  if (f.impact) {
    const i = f.impact;
    fact(dl, "生产经营影响", [i.seized && `被冻结/查封：${i.seized}`, i.production_stopped && "生产已停止", i.payroll_stopped && "工资无法发放",
      i.employees && `影响职工 ${i.employees} 人`, i.deadline && `期限 ${i.deadline}`].filter(Boolean).join("；"));
  }
  const mine = t.claimed_by === me.id;
  $("a-claim").hidden = t.state !== "waiting";
  for (const b of ["a-return", "a-transfer", "a-resolve"]) $(b).hidden = !(t.state === "claimed" || t.state === "answered") || !(mine || me.role === "admin");
  $("a-transfer").hidden = $("a-transfer").hidden && t.state !== "waiting";
  $("reply-form").hidden = !(mine && (t.state === "claimed" || t.state === "answered"));
  $("a-suggest").hidden = !current.messages.some((m) => m.kind === "judge");
  $("t-transcript").replaceChildren(...current.messages.map((m) => {
    const who = { enterprise: "企业", bot: "智能助手", system: "系统", judge: m.judge || "法官" }[m.kind] || m.kind;
    // A judge's reply is drawn as the enterprise sees it in the chat, not as the Markdown typed.
    const li = el("li", { class: m.kind }, el("span", { class: "who" }, `${who} · ${time(m.created_at)}`),
      m.kind === "judge" ? liteMarkdown(m.text) : m.text);
    if (m.kind === "bot" && m.sources?.length) {
      li.append(el("div", { class: "muted" }, `依据文章：${m.sources.slice(0, 3).map((s) => s.title).join("；")}` +
        (m.reason ? `　（建议转法官：${reasons[m.reason] || m.reason}）` : "") + (m.feedback === -1 ? "　企业反馈：没帮助" : "")));
    }
    return li;
  }));
  $("t-transcript").scrollTop = $("t-transcript").scrollHeight;
  $("t-notes").replaceChildren(...current.notes.map((n) => el("li", {}, `${n.author}（${time(n.created_at)}）：${n.text}`)));
  $("t-events").replaceChildren(...current.events.map((e) => el("tr", {},
    el("td", {}, time(e.at)), el("td", {}, e.actor), el("td", {}, actionNames[e.action] || e.action),
    el("td", {}, `${stateNames[e.from] || "—"} → ${stateNames[e.to] || e.to}`), el("td", {}, reasons[e.reason] || e.reason))));
}

async function act(action, body, okText) {
  try {
    await api("POST", `/api/v1/judge/tickets/${current.ticket.id}/${action}`, body);
    await openTicket(current.ticket.id);
    if (okText) showMessage($("t-msg"), okText, "ok");
    await Promise.all([loadQueue(), loadCounts()]);
    return true;
  } catch (e) {
    // Refresh first, then say why: the message is about the state the judge now sees.
    await openTicket(current.ticket.id).catch(() => {});
    showMessage($("t-msg"), e.status === 409 ? `操作未成功：${e.message}（可能已被其他法官处理，已为您刷新）` : errorText(e));
    return false;
  }
}

// ask opens the dialog with the given fields and resolves to their values, or null when cancelled.
function ask(title, hint, fields) {
  const dlg = $("dlg");
  $("dlg-title").textContent = title;
  $("dlg-hint").textContent = hint || "";
  $("dlg-body").replaceChildren(...fields.map((f) => el("div", {}, el("label", { for: "dlg-" + f.name }, f.label),
    f.options ? el("select", { id: "dlg-" + f.name }, ...f.options.map(([v, l]) => el("option", { value: v }, l)))
      : el(f.rows ? "textarea" : "input", { id: "dlg-" + f.name, rows: f.rows, required: f.required, value: f.value || null,
        type: f.name === "old" || f.name === "new" ? "password" : null }, f.rows ? f.value || "" : null))));
  return new Promise((resolve) => {
    dlg.addEventListener("close", () => {
      if (dlg.returnValue !== "ok") return resolve(null);
      const out = {};
      for (const f of fields) out[f.name] = $("dlg-" + f.name).value.trim();
      resolve(out);
    }, { once: true });
    dlg.showModal();
    $("dlg-body").querySelector("input, textarea, select")?.focus();
  });
}

$("a-claim").addEventListener("click", () => act("claim", undefined, "已接手。企业已收到“法官已接手”的通知。"));
$("a-return").addEventListener("click", async () => {
  const v = await ask("退回队列", "请说明退回原因（仅记录在流转记录中，企业看不到）。", [{ name: "reason", label: "原因", rows: 3, required: true }]);
  if (v?.reason) act("return", { reason: v.reason }, "已退回队列。");
});
$("a-transfer").addEventListener("click", async () => {
  const [{ judges }, { courts }] = await Promise.all([api("GET", "/api/v1/judge/judges"), api("GET", "/api/v1/courts")]);
  const v = await ask("转交", "可以转交给指定法官，或转至其他法院的队列。", [
    { name: "to", label: "转交给", options: [["", "请选择"], ...judges.filter((j) => j.id !== me.id).map((j) => ["j:" + j.id, `${j.display_name}（${j.court}）`]),
      ...courts.map((c) => ["c:" + c.code, `${c.court} 的队列`])] },
    { name: "reason", label: "原因", rows: 2, required: true }]);
  if (!v?.to || !v.reason) return;
  const body = v.to.startsWith("j:") ? { to_judge: Number(v.to.slice(2)), reason: v.reason } : { court: v.to.slice(2), reason: v.reason };
  act("transfer", body, "已转交。");
});
$("a-resolve").addEventListener("click", async () => {
  const v = await ask("结束咨询", "结束语会发送给企业；结束后企业可以继续向智能助手提问。",
    [{ name: "closing", label: "结束语", rows: 3, required: true, value: "感谢您的咨询。如有新的情况，欢迎再次提问。" }]);
  if (v?.closing) act("resolve", { closing: v.closing }, "咨询已结束。");
});

$("reply-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("reply").value.trim();
  if (!text) { $("reply").focus(); return; }
  $("send-reply").disabled = true;
  if (await act("reply", { text }, "回复已送达企业（企业离线时，将在其回来时看到）。")) $("reply").value = "";
  $("send-reply").disabled = false;
  $("reply").focus();
});
$("reply").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) $("reply-form").requestSubmit();
});

function insert(text) {
  const r = $("reply");
  const [a, b] = [r.selectionStart, r.selectionEnd];
  r.setRangeText(text, a, b, "end");
  r.focus();
}
$("bold").addEventListener("click", () => {
  const r = $("reply");
  const sel = r.value.slice(r.selectionStart, r.selectionEnd) || "重点";
  insert(`**${sel}**`);
});
$("list").addEventListener("click", () => insert("\n- "));
$("canned").addEventListener("change", () => {
  const opt = $("canned").selectedOptions[0];
  if (opt?.dataset.body) insert(opt.dataset.body);
  $("canned").value = "";
});
let pickTimer = 0;
$("pick-q").addEventListener("input", () => {
  clearTimeout(pickTimer);
  pickTimer = setTimeout(async () => {
    const q = $("pick-q").value.trim();
    if (!q) { $("pick-results").replaceChildren(); return; }
    const { articles } = await api("GET", "/api/v1/judge/articles?q=" + encodeURIComponent(q));
    $("pick-results").replaceChildren(...articles.slice(0, 8).map((a) => el("li", {},
      el("button", { type: "button", onclick: () => { insert(`[${a.title}](/kb/${a.slug})`); $("pick-results").replaceChildren(); $("pick-q").value = ""; } }, a.title))));
  }, 250);
});

$("note-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("note").value.trim();
  if (text && await act("note", { text }, "备注已添加。")) $("note").value = "";
});

$("a-suggest").addEventListener("click", async () => {
  const lastReply = [...current.messages].reverse().find((m) => m.kind === "judge");
  const v = await ask("建议收录为知识库文章",
    "提交前请删除企业名称、人名、案号、金额等可识别的信息。管理员审核后才会发布。",
    [{ name: "title", label: "标题", required: true, value: current.ticket.intake.question?.slice(0, 40) },
      { name: "category", label: "类别", options: Object.entries(categories) },
      { name: "kind", label: "类型", options: Object.entries(kinds) },
      { name: "question", label: "企业会怎么问", value: current.ticket.intake.question?.slice(0, 90) },
      { name: "summary", label: "摘要（直接答案）", rows: 3, value: lastReply?.text.slice(0, 280) },
      { name: "body", label: "正文（Markdown）", rows: 8, value: lastReply?.text }]);
  if (!v) return;
  try {
    await api("POST", `/api/v1/judge/tickets/${current.ticket.id}/suggest`, { article: {
      title: v.title, category: v.category, kind: v.kind, questions: [v.question].filter(Boolean), summary: v.summary, body: v.body } });
    showMessage($("t-msg"), "已提交给管理员审核，感谢！", "ok");
  } catch (e) { showMessage($("t-msg"), errorText(e)); }
});

$("change-pw").addEventListener("click", async () => {
  const v = await ask("修改密码", "新密码至少 10 位。修改后，您在其他设备上的登录将失效。", [
    { name: "old", label: "原密码", required: true }, { name: "new", label: "新密码", required: true }]);
  if (!v) return;
  try {
    await api("POST", "/api/v1/auth/password", { old_password: v.old, new_password: v.new });
    alert("密码已修改。");
  } catch (e) { alert(errorText(e)); }
});

// ---- live updates ----
let backoff = 1000;
let reconnecting = false; // after a drop, the hello means "reload what you missed"
function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/judge`);
  ws.addEventListener("open", () => { backoff = 1000; $("live").textContent = "实时更新中"; $("live").className = "who live-ok"; });
  ws.addEventListener("message", (ev) => {
    const f = JSON.parse(ev.data);
    if (f.type === "unavailable") { $("live").textContent = "服务正在重启，稍后自动重连…"; $("live").className = "who live-bad"; return; }
    if (f.type === "queue" || (f.type === "hello" && reconnecting)) { loadQueue().catch(() => {}); loadCounts().catch(() => {}); }
    if (f.type === "messages" || f.type === "status") {
      if (current && f.conversation_id === current.ticket.conversation_id) openTicket(current.ticket.id).catch(() => {});
      loadQueue().catch(() => {});
    }
  });
  ws.addEventListener("close", (ev) => {
    if (ev.code === 1008) { // the session ended (signed out, expired or deactivated): sign in again
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      return;
    }
    reconnecting = true;
    if (ev.code === 1012) backoff = 1000; // the service is restarting: try again soon
    $("live").textContent = ev.code === 1012 ? "服务正在重启，稍后自动重连…" : "连接中断，正在重连…";
    $("live").className = "who live-bad";
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 30000);
  });
}

// ---- 走访 ----
// The visits view is for judges who may handle their court's requests, and for those assigned to
// one (they record its summary); admins see every court's.
async function setupVisits(u) {
  const load = mountVisits($("visits-panel"));
  const btn = $("visits-btn");
  btn.addEventListener("click", () => {
    const on = btn.getAttribute("aria-pressed") !== "true";
    btn.setAttribute("aria-pressed", String(on));
    btn.textContent = on ? "返回工单" : "走访";
    $("visits-panel").hidden = !on;
    $("desk").hidden = on;
    if (on) load().catch((e) => alert(errorText(e)));
  });
  if (u.can_visits || u.role === "admin") { btn.hidden = false; return; }
  const { visits } = await api("GET", "/api/v1/judge/visits");
  btn.hidden = visits.length === 0;
}

// ---- start ----
for (const [v, l] of Object.entries(categories)) $("q-category").append(el("option", { value: v }, l));
$("logout").addEventListener("click", logout);
whoami("judge").then(async (u) => {
  me = u;
  $("who").textContent = `${u.display_name}${u.court ? "（" + u.court + "）" : ""}`;
  $("admin-link").hidden = u.role !== "admin";
  if (u.role !== "admin" && !u.all_courts) $("q-scope").querySelector('option[value="all"]').remove();
  const { replies } = await api("GET", "/api/v1/judge/canned");
  for (const r of replies) $("canned").append(el("option", { value: String(r.id), "data-body": r.body }, r.title));
  await Promise.all([loadQueue(), loadCounts()]);
  connect();
  await setupVisits(u);
}).catch((e) => { if (e.message !== "forbidden") alert(errorText(e)); });
