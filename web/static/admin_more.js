// The admin console's reports, judges' suggestions, canned replies, working-hours calendar and system settings.
import { api, el, showMessage, errorText, categories, kinds } from "/static/console.js";

const $ = (id) => document.getElementById(id);
const intents = { answer: "直接解答", escalate: "转法官", smalltalk: "寒暄", out_of_scope: "非法律问题", clarify: "请企业选择" };
const reasons = { explicit_request: "要求法官答复", specific_case: "具体案件", urgent_enforcement: "紧急执行事项", complaint: "投诉反映", uncovered_legal: "知识库未覆盖" };
const pct = (x) => `${Math.round((x || 0) * 100)}%`;

// ---- reports ----
function defaultPeriod() {
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 864e5);
  const d = (x) => x.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
  if (!$("r-from").value) $("r-from").value = d(from);
  if (!$("r-to").value) $("r-to").value = d(to);
}

// barChart draws one bar a day as inline SVG: no external library, no CDN.
function barChart(days) {
  const NS = "http://www.w3.org/2000/svg";
  const w = 720, h = 180, pad = 24;
  const max = Math.max(1, ...days.map((d) => d.total));
  const bw = (w - pad * 2) / Math.max(days.length, 1);
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h + 30}`);
  svg.setAttribute("width", "100%");
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  add("line", { x1: pad, y1: h, x2: w - pad, y2: h, stroke: "#9aa5b1" });
  add("text", { x: 2, y: 12, "font-size": 11, fill: "#616e7c" }, String(max));
  days.forEach((d, i) => {
    const bh = (d.total / max) * (h - 20);
    const esc = ((d.by_intent?.escalate || 0) / max) * (h - 20);
    const x = pad + i * bw + 1;
    const bar = add("rect", { x, y: h - bh, width: Math.max(bw - 2, 1), height: bh, fill: "#0b5394" });
    bar.append(Object.assign(document.createElementNS(NS, "title"), { textContent: `${d.date}：咨询 ${d.total}，转法官 ${d.by_intent?.escalate || 0}` }));
    if (esc > 0) add("rect", { x, y: h - esc, width: Math.max(bw - 2, 1), height: esc, fill: "#9b1c1c" });
    if (days.length <= 31 && (i % Math.ceil(days.length / 10) === 0)) add("text", { x, y: h + 14, "font-size": 10, fill: "#616e7c" }, d.date.slice(5));
  });
  add("text", { x: w - 200, y: h + 28, "font-size": 11, fill: "#616e7c" }, "蓝：咨询量　红：转法官");
  return svg;
}

async function loadReports() {
  defaultPeriod();
  const q = `?from=${$("r-from").value}&to=${$("r-to").value}`;
  $("r-csv").href = "/api/v1/admin/reports/activity" + q + "&format=csv";
  const [act, vol, gaps, arts, judges] = await Promise.all(["activity", "volume", "gaps", "articles", "judges"].map((n) => api("GET", `/api/v1/admin/reports/${n}${q}`)));
  $("r-activity").replaceChildren(...[["咨询量", act.questions], ["转法官数", act.escalated], ["已答复数", act.answered_by_judges],
    ["服务企业数", act.enterprises], ["走访次数", act.visits], ["涉企执行类咨询数", act.enforcement_related]].map(([k, v]) => el("div", { class: "stat" }, el("strong", {}, v), el("span", {}, k))));
  $("r-chart").replaceChildren(barChart(vol.days));
  $("r-intents").textContent = "按意图：" + Object.entries(vol.by_intent).map(([k, v]) => `${intents[k] || k} ${v}`).join("，") + `；转法官率 ${pct(vol.escalation_rate)}`;
  $("r-reasons").textContent = "转法官原因：" + (Object.entries(vol.escalations_by_reason).map(([k, v]) => `${reasons[k] || k} ${v}（${pct(vol.escalation_rate_by_reason[k])}）`).join("，") || "无");
  $("r-gaps").replaceChildren(...gaps.groups.map((g) => el("tr", {},
    el("td", {}, g.term, g.related?.length ? el("div", { class: "muted" }, g.related.join("、")) : null),
    el("td", {}, g.count, g.unhelpful ? el("div", { class: "muted" }, `没帮助 ${g.unhelpful}`) : null),
    el("td", {}, el("ul", {}, ...g.examples.map((e) => el("li", {}, e)))),
    el("td", {}, el("button", { type: "button", onclick: () => createFromGap(g) }, "据此新建文章")))));
  $("r-articles").replaceChildren(...arts.articles.slice(0, 50).map((a) => el("tr", {},
    el("td", {}, a.title, el("div", { class: "muted" }, a.slug)), el("td", {}, a.answers), el("td", {}, a.helpful), el("td", {}, a.unhelpful))));
  $("r-judges").replaceChildren(...[...judges.by_court.map((r) => ({ ...r, judge: "（全院）" })), ...judges.by_judge].map((r) => el("tr", {},
    el("td", {}, r.court), el("td", {}, r.judge), el("td", {}, r.tickets), el("td", {}, r.responded),
    el("td", {}, r.responded ? r.avg_first_response_hours : "—"), el("td", {}, r.responded ? r.median_first_response_hours : "—"),
    el("td", {}, r.responded ? pct(r.share_within_target) : "—"))));
}
$("r-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadReports().catch((e) => alert(errorText(e))); });

// createFromGap opens the article editor pre-filled with the group's questions.
function createFromGap(g) {
  $("t-articles").click();
  $("new-article").click();
  $("a-title").value = g.term;
  $("a-questions").value = g.examples.join("\n");
  $("a-tags").value = [g.term, ...(g.related || [])].join(", ");
  $("a-title").focus();
}

// ---- suggestions ----
async function loadSuggestions() {
  const { suggestions } = await api("GET", "/api/v1/admin/suggestions?status=pending");
  if (!suggestions.length) { $("s-list").replaceChildren(el("p", { class: "muted" }, "暂无待审核的建议。")); return; }
  $("s-list").replaceChildren(...suggestions.map((g) => {
    const a = g.article;
    const slug = el("input", { value: a.slug, "aria-label": "网址标识（slug）" });
    const title = el("input", { value: a.title, "aria-label": "标题" });
    const summary = el("textarea", { rows: 3, "aria-label": "摘要" }, a.summary);
    const body = el("textarea", { rows: 8, "aria-label": "正文" }, a.body);
    const questions = el("textarea", { rows: 2, "aria-label": "问法" }, (a.questions || []).join("\n"));
    const target = el("input", { placeholder: "并入的文章 slug", "aria-label": "并入的文章 slug" });
    const msg = el("div", { "aria-live": "polite" });
    const article = () => ({ ...a, slug: slug.value.trim(), title: title.value.trim(), summary: summary.value.trim(), body: body.value,
      questions: questions.value.split("\n").map((x) => x.trim()).filter(Boolean) });
    const decide = async (decision, extra) => {
      try {
        await api("POST", `/api/v1/admin/suggestions/${g.id}/${decision}`, extra);
        await loadSuggestions();
      } catch (e) { showMessage(msg, errorText(e)); }
    };
    return el("div", { class: "card" },
      el("h4", {}, `${g.judge} 的建议（工单 #${g.ticket_id}，${categories[a.category] || a.category}，${kinds[a.kind] || a.kind}）`),
      el("label", {}, "网址标识（slug）"), slug, el("label", {}, "标题"), title, el("label", {}, "问法"), questions,
      el("label", {}, "摘要"), summary, el("label", {}, "正文"), body, msg,
      el("div", { class: "actions" },
        el("button", { type: "button", class: "primary", onclick: () => decide("publish", { article: { ...article(), status: "published" } }) }, "作为新文章发布"),
        target,
        el("button", { type: "button", onclick: async () => {
          try {
            const cur = await api("GET", "/api/v1/admin/articles/" + encodeURIComponent(target.value.trim()));
            const merged = { ...cur, body: cur.body + "\n\n" + body.value, questions: [...cur.questions, ...article().questions].slice(0, 12) };
            await decide("merge", { slug: cur.slug, article: merged, base_version: cur.version });
          } catch (e) { showMessage(msg, errorText(e)); }
        } }, "并入已有文章"),
        el("button", { type: "button", class: "danger", onclick: () => {
          const reason = prompt("不予采纳的理由：");
          if (reason) decide("dismiss", { reason });
        } }, "不予采纳")));
  }));
}

// ---- canned replies ----
let editing = 0;
async function loadCanned() {
  const { replies } = await api("GET", "/api/v1/judge/canned");
  $("c-rows").replaceChildren(...replies.map((c) => el("tr", {}, el("td", {}, c.title), el("td", { class: "muted" }, c.body.slice(0, 80)),
    el("td", {}, el("button", { type: "button", onclick: () => { editing = c.id; $("c-title").value = c.title; $("c-body").value = c.body; $("c-title-h").textContent = "编辑常用回复"; $("c-title").focus(); } }, "编辑"), " ",
      el("button", { type: "button", class: "danger", onclick: async () => {
        if (!confirm(`删除“${c.title}”？`)) return;
        try { await api("DELETE", `/api/v1/admin/canned/${c.id}`); await loadCanned(); } catch (e) { alert(errorText(e)); }
      } }, "删除")))));
}
$("c-new").addEventListener("click", () => { editing = 0; $("c-form").reset(); $("c-title-h").textContent = "新建常用回复"; });
$("c-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const body = { title: $("c-title").value, body: $("c-body").value };
    if (editing) await api("PUT", `/api/v1/admin/canned/${editing}`, body); else await api("POST", "/api/v1/admin/canned", body);
    showMessage($("c-msg"), "已保存。", "ok");
    editing = 0;
    $("c-form").reset();
    await loadCanned();
  } catch (e) { showMessage($("c-msg"), errorText(e)); }
});

// ---- calendar ----
const dates = (s) => s.split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean);
async function loadCalendar() {
  const { courts } = await api("GET", "/api/v1/courts");
  $("courts-text").value = courts.map((c) => [c.code, c.name, c.court].join(",")).join("\n");
  const c = await api("GET", "/api/v1/admin/calendar");
  $("cal-open").value = c.open;
  $("cal-close").value = c.close;
  $("cal-holidays").value = (c.holidays || []).join("\n");
  $("cal-makeup").value = (c.makeup_days || []).join("\n");
}
$("cal-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await api("PUT", "/api/v1/admin/calendar", { open: $("cal-open").value, close: $("cal-close").value,
      holidays: dates($("cal-holidays").value), makeup_days: dates($("cal-makeup").value) });
    showMessage($("cal-msg"), "已保存，时限计算立即生效。", "ok");
  } catch (e) { showMessage($("cal-msg"), errorText(e)); }
});

$("courts-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const courts = $("courts-text").value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [code, name, court] = l.split(/[,，]/).map((x) => (x || "").trim());
    return { code, name, court };
  });
  try {
    await api("PUT", "/api/v1/admin/courts", { courts });
    showMessage($("courts-msg"), `已保存 ${courts.length} 个地区，转交表单立即使用新列表。`, "ok");
  } catch (e) { showMessage($("courts-msg"), errorText(e)); }
});

// ---- system ----
async function loadSystem() {
  const r = await api("GET", "/api/v1/admin/retention");
  $("retention-period").textContent = r.days > 0 ? `数据保留期限：${r.days} 天` : "数据保留期限：永久保留（不自动删除）";
  $("retention-auto").textContent = r.daily_purge ? "自动清理：已开启，每天一次" : "自动清理：未开启（由运维人员运行 courtdesk purge 清理）";
  const p = r.last_purge;
  $("retention-last").textContent = p
    ? `上次清理：${new Date(p.at).toLocaleString("zh-CN")}，删除会话 ${p.conversations} 个、消息 ${p.messages} 条、工单 ${p.tickets} 个；因工单未结束保留 ${p.kept_open} 个`
    : "尚未清理过。";
}

export const extraLoaders = { reports: loadReports, suggestions: loadSuggestions, canned: loadCanned, calendar: loadCalendar, system: loadSystem };
