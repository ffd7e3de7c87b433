import { extraLoaders } from "/static/admin_more.js";
import { mountVisits } from "/static/visits_desk.js";
import { loadSources } from "/static/admin_sources.js";
import { api, whoami, logout, el, newest, showMessage, errorText, fieldProblem, setSanitisedHTML, categories, kinds, statuses, auditActions, auditTarget, auditDetail } from "/static/console.js";

const $ = (id) => document.getElementById(id);
let current = null; // the article being edited, as last loaded or saved

function fillSelect(sel, map) {
  for (const [v, label] of Object.entries(map)) sel.append(el("option", { value: v }, label));
}

// ---- tabs ----
const tabs = ["articles", "test", "synonyms", "candidates", "users", "io", "statutes", "reports", "suggestions", "visits", "canned", "calendar", "sources", "audit", "system"];
const loaders = { synonyms: loadSynonyms, candidates: loadCandidates, users: loadUsers, statutes: loadStatutesTab, audit: loadAudit,
  visits: mountVisits($("tab-visits")), sources: loadSources, ...extraLoaders };
function showTab(name) {
  for (const t of tabs) {
    $("t-" + t).setAttribute("aria-selected", String(t === name));
    $("tab-" + t).hidden = t !== name;
  }
  const load = loaders[name];
  if (!load) return;
  // aria-busy tells assistive technology (and the browser tests) that the panel is being redrawn.
  const panel = $("tab-" + name);
  panel.setAttribute("aria-busy", "true");
  load().catch((e) => alert(errorText(e))).finally(() => panel.removeAttribute("aria-busy"));
}
for (const t of tabs) $("t-" + t).addEventListener("click", () => showTab(t));

// ---- article list ----
const loadList = newest(async (latest) => {
  const p = new URLSearchParams({ q: $("f-q").value.trim(), category: $("f-category").value, kind: $("f-kind").value,
    status: $("f-status").value, tag: $("f-tag").value.trim() });
  for (const [k, v] of [...p]) if (!v) p.delete(k);
  const { articles } = await api("GET", "/api/v1/admin/articles?" + p);
  if (!latest()) return;
  $("list-count").textContent = `共 ${articles.length} 篇`;
  $("article-rows").replaceChildren(...articles.map((a) => {
    const tr = el("tr", { class: "clickable", tabindex: "0" },
      el("td", {}, a.title, a.flagged ? [" ", el("span", { class: "badge bad", title: "引用的法律依据已被标记为修改或废止，请复核" }, "依据待复核")] : null,
        el("div", { class: "muted" }, a.slug)),
      el("td", {}, categories[a.category] || a.category), el("td", {}, kinds[a.kind] || a.kind),
      el("td", {}, el("span", { class: `badge ${a.status}` }, statuses[a.status] || a.status)),
      el("td", {}, a.version), el("td", {}, a.updated_at, el("div", { class: "muted" }, a.updated_by)));
    const open = () => openArticle(a.slug).catch((e) => alert(errorText(e)));
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    return tr;
  }));
});
$("filter").addEventListener("submit", (ev) => { ev.preventDefault(); loadList().catch((e) => alert(errorText(e))); });

// ---- editor ----
const lines = (s) => s.split("\n").map((x) => x.trim()).filter(Boolean);
const list = (s) => s.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);

function formArticle() {
  return {
    slug: $("a-slug").value.trim(), title: $("a-title").value.trim(), category: $("a-category").value, kind: $("a-kind").value,
    questions: lines($("a-questions").value), phrasings: lines($("a-phrasings").value), summary: $("a-summary").value.trim(), body: $("a-body").value,
    legal_basis: lines($("a-basis").value), tags: list($("a-tags").value), related: list($("a-related").value),
    status: current ? current.status : "draft",
  };
}

function fillForm(a) {
  current = a;
  $("editor").hidden = false;
  $("editor-title").textContent = a ? `编辑：${a.title}` : "新建文章";
  $("a-slug").value = a?.slug || "";
  $("a-slug").readOnly = !!a;
  $("a-title").value = a?.title || "";
  $("a-category").value = a?.category || "labor";
  $("a-kind").value = a?.kind || "compliance_advice";
  $("a-questions").value = (a?.questions || []).join("\n");
  $("a-phrasings").value = (a?.phrasings || []).join("\n");
  $("a-summary").value = a?.summary || "";
  $("a-body").value = a?.body || "## 常见风险\n\n## 合规建议\n\n## 法律依据\n\n## 相关专题\n";
  $("a-basis").value = (a?.legal_basis || []).join("\n");
  $("a-tags").value = (a?.tags || []).join(", ");
  $("a-related").value = (a?.related || []).join(", ");
  $("a-note").value = "";
  $("a-meta").textContent = a ? `第 ${a.version} 版 · ${statuses[a.status]} · ${a.updated_by} 更新于 ${a.updated_at?.slice(0, 16).replace("T", " ")}` : "新文章保存为草稿";
  for (const b of ["publish", "archive", "to-draft"]) $(b).hidden = !a;
  if (a) setSanitisedHTML($("a-preview"), a.html || "");
  else schedulePreview();
  $("editor-msg").replaceChildren();
  $("diff-box").hidden = true;
  $("a-title").focus();
}

async function openArticle(slug) {
  const a = await api("GET", "/api/v1/admin/articles/" + encodeURIComponent(slug));
  fillForm(a);
  await loadVersions(slug);
  $("editor").scrollIntoView({ behavior: "smooth" });
}

$("new-article").addEventListener("click", () => { fillForm(null); $("versions").replaceChildren(noVersions()); $("a-slug").focus(); });
$("close-editor").addEventListener("click", () => { $("editor").hidden = true; current = null; });

let previewTimer = 0;
function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    try {
      const { html } = await api("POST", "/api/v1/admin/preview", { body: $("a-body").value });
      setSanitisedHTML($("a-preview"), html);
    } catch (e) { showMessage($("editor-msg"), errorText(e)); }
  }, 300);
}
$("a-body").addEventListener("input", schedulePreview);

async function saved(a, text) {
  fillForm(a);
  showMessage($("editor-msg"), text, "ok");
  await Promise.all([loadVersions(a.slug), loadList()]);
}

function conflictText(e) {
  return e.status === 409 ? "保存失败：这篇文章已被他人修改。请复制您的修改，点击文章重新载入最新版本后再保存。" : errorText(e);
}

$("article-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const note = $("a-note").value.trim();
  try {
    const a = current
      ? await api("PUT", "/api/v1/admin/articles/" + encodeURIComponent(current.slug), { article: formArticle(), base_version: current.version, note })
      : await api("POST", "/api/v1/admin/articles", { article: formArticle(), note });
    await saved(a, `已保存为第 ${a.version} 版。`);
  } catch (e) { showMessage($("editor-msg"), conflictText(e)); }
});

async function setStatus(status, text) {
  try {
    const a = await api("POST", `/api/v1/admin/articles/${encodeURIComponent(current.slug)}/status`, { status, base_version: current.version });
    await saved(a, text);
  } catch (e) { showMessage($("editor-msg"), conflictText(e)); }
}
$("publish").addEventListener("click", () => setStatus("published", "已发布，咨询页面即时生效。"));
$("archive").addEventListener("click", () => { if (confirm("归档后企业将检索不到这篇文章，确定吗？")) setStatus("archived", "已归档。"); });
$("to-draft").addEventListener("click", () => setStatus("draft", "已退回草稿，企业不再检索到这篇文章。"));

// ---- versions, diff, rollback ----
let versions = [];
async function loadVersions(slug) {
  ({ versions } = await api("GET", `/api/v1/admin/articles/${encodeURIComponent(slug)}/versions`));
  if (!versions.length) { $("versions").replaceChildren(noVersions()); return; }
  $("versions").replaceChildren(...versions.map((v) => el("tr", {},
    el("td", {}, v.article.version), el("td", {}, v.article.updated_by), el("td", {}, (v.article.updated_at || "").slice(0, 16).replace("T", " ")),
    el("td", {}, statuses[v.article.status]), el("td", {}, v.note),
    el("td", {},
      el("button", { type: "button", onclick: () => showDiff(v) }, "与当前版本比较"), " ",
      v.article.version === current?.version ? null : el("button", { type: "button", onclick: () => rollback(v.article.version) }, "回滚到此版本")))));
}

function noVersions() {
  return el("tr", {}, el("td", { colspan: "6", class: "empty" }, el("strong", {}, "还没有版本记录"),
    "文章每保存一次就生成一个版本，可在这里比较或回滚。"));
}

// diffLines is a longest-common-subsequence line diff: small articles, so O(n·m) is fine.
function diffLines(a, b) {
  const x = a.split("\n"), y = b.split("\n");
  const n = x.length, m = y.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; } else if (dp[i + 1][j] >= dp[i][j + 1]) out.push(["-", x[i++]]); else out.push(["+", y[j++]]);
  }
  while (i < n) out.push(["-", x[i++]]);
  while (j < m) out.push(["+", y[j++]]);
  return out;
}

function articleText(a) {
  return [`标题：${a.title}`, `状态：${statuses[a.status] || a.status}`, `摘要：${a.summary}`, "问法：", ...(a.questions || []), "法律依据：", ...(a.legal_basis || []), "正文：", a.body].join("\n");
}

function showDiff(v) {
  $("diff-title").textContent = `第 ${v.article.version} 版 → 当前第 ${current.version} 版（红色为删除，绿色为新增）`;
  $("diff").replaceChildren(...diffLines(articleText(v.article), articleText(current)).map(([op, line]) =>
    el("span", { class: op === "+" ? "add" : op === "-" ? "del" : "" }, (op === " " ? "  " : op + " ") + line + "\n")));
  $("diff-box").hidden = false;
}

// rollbackSummary says what a rollback changes: the content fields that differ, and that the status
// stays as it is (the server keeps it unless asked otherwise).
const rollbackFields = { title: "标题", category: "类别", kind: "类型", summary: "摘要", questions: "问法", body: "正文",
  legal_basis: "法律依据", tags: "标签", related: "相关文章" };
function rollbackSummary(version) {
  const old = versions.find((v) => v.article.version === version)?.article;
  const changed = old ? Object.keys(rollbackFields)
    .filter((k) => JSON.stringify(old[k] ?? null) !== JSON.stringify(current[k] ?? null)).map((k) => rollbackFields[k]) : [];
  const what = changed.length ? `将恢复为第 ${version} 版的：${changed.join("、")}。` : `第 ${version} 版的内容与当前版本相同。`;
  const kept = `状态保持为“${statuses[current.status]}”` +
    (old && old.status !== current.status ? `（第 ${version} 版当时为“${statuses[old.status]}”，回滚不改变状态）` : "") + "。";
  return `${what}\n${kept}`;
}

async function rollback(version) {
  if (!confirm(`回滚到第 ${version} 版的内容？\n${rollbackSummary(version)}\n回滚会生成一个新版本，历史不会丢失。`)) return;
  try {
    const a = await api("POST", `/api/v1/admin/articles/${encodeURIComponent(current.slug)}/rollback`, { version, base_version: current.version });
    await saved(a, `已回滚到第 ${version} 版的内容（现为第 ${a.version} 版，状态：${statuses[a.status]}）。`);
  } catch (e) { showMessage($("editor-msg"), conflictText(e)); }
}

// ---- test console ----
const reasons = { explicit_request: "要求法官答复", specific_case: "具体案件", urgent_enforcement: "紧急执行事项", complaint: "投诉反映", uncovered_legal: "知识库未覆盖" };
const intents = { answer: "直接解答", escalate: "建议转法官", smalltalk: "寒暄", out_of_scope: "非法律问题", clarify: "请企业选择" };
$("test-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const q = $("test-q").value.trim();
  if (!q) return;
  try {
    const r = await api("POST", "/api/v1/admin/test-ask", { question: q });
    $("test-out").replaceChildren(
      el("p", {}, el("strong", {}, "意图："), intents[r.intent] || r.intent,
        r.escalation?.suggested ? `（转法官原因：${reasons[r.escalation.reason] || r.escalation.reason}）` : "",
        "　", el("strong", {}, "置信度："), r.confidence.toFixed(3)),
      el("p", {}, el("strong", {}, "识别案号："), r.case_number || "无"),
      el("p", {}, el("strong", {}, "规范化后的问题："), r.normalized || ""),
      el("div", { class: "terms" }, el("strong", {}, "命中的检索词："), ...(r.terms || []).map((t) => el("span", {}, t))),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "排名"), el("th", {}, "文章"), el("th", {}, "类别"), el("th", {}, "归一化得分"))),
        el("tbody", {}, ...r.sources.map((s, i) => el("tr", {}, el("td", {}, i + 1), el("td", {}, s.title, el("div", { class: "muted" }, s.slug)),
          el("td", {}, categories[s.category]), el("td", {}, s.score.toFixed(3)))))),
      el("h4", {}, "回复内容"), el("pre", { class: "diff" }, r.answer));
  } catch (e) { showMessage($("test-out"), errorText(e)); }
});

// ---- synonyms ----
async function loadSynonyms() {
  const { text } = await api("GET", "/api/v1/admin/synonyms");
  $("syn-text").value = text;
}
$("syn-save").addEventListener("click", async () => {
  try {
    const { groups, text } = await api("PUT", "/api/v1/admin/synonyms", { text: $("syn-text").value });
    $("syn-text").value = text;
    showMessage($("syn-msg"), `已保存 ${groups.length} 组词条，检索立即生效。`, "ok");
  } catch (e) { showMessage($("syn-msg"), errorText(e)); }
});

// ---- candidate phrasings ----
const candSources = { clarify: "企业选定", helpful: "有帮助", judge: "法官答复引用" };
async function loadCandidates() {
  const status = $("cand-status").value;
  const { candidates } = await api("GET", `/api/v1/admin/candidates?status=${status}`);
  if (!candidates.length) {
    $("cand-rows").replaceChildren(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "暂无候选问法。")));
    return;
  }
  $("cand-rows").replaceChildren(...candidates.map((c) => el("tr", { "data-id": c.id },
    el("td", {}, c.text), el("td", {}, c.title || c.slug, el("div", { class: "muted" }, c.slug)),
    el("td", {}, candSources[c.source] || c.source), el("td", {}, c.seen),
    el("td", {}, (c.created_at || "").slice(0, 16).replace("T", " ")),
    el("td", {}, c.status === "pending" ? [
      el("button", { type: "button", class: "primary", onclick: () => decideCandidate(c, "approve") }, "采纳"), " ",
      el("button", { type: "button", onclick: () => decideCandidate(c, "reject") }, "不予采纳")] : (c.status === "approved" ? "已采纳" : "不予采纳")))));
}
async function decideCandidate(c, decision) {
  try {
    await api("POST", `/api/v1/admin/candidates/${c.id}/${decision}`, {});
    showMessage($("cand-msg"), decision === "approve" ? `已加入《${c.title || c.slug}》的问法库，检索立即生效。` : "已记录为不予采纳。", "ok");
    await loadCandidates();
  } catch (e) { showMessage($("cand-msg"), errorText(e)); }
}
$("cand-status").addEventListener("change", loadCandidates);

// ---- users ----
// courtNames lists the courts of the court list: a judge's court must be one of them.
let courtNames = [];
async function loadCourtChoices() {
  const { courts } = await api("GET", "/api/v1/courts");
  courtNames = [...new Set(courts.map((c) => c.court))];
  const sel = $("u-court"), chosen = sel.value;
  sel.replaceChildren(el("option", { value: "" }, "请选择（管理员可不选）"), ...courtNames.map((n) => el("option", { value: n }, n)));
  sel.value = courtNames.includes(chosen) ? chosen : "";
}
async function loadUsers() {
  loadCourtChoices().catch((e) => showMessage($("user-msg"), errorText(e)));
  const { users } = await api("GET", "/api/v1/admin/users");
  $("user-rows").replaceChildren(...users.map((u) => el("tr", {},
    el("td", {}, u.username), el("td", {}, u.display_name), el("td", {}, u.role === "admin" ? "管理员" : "法官"),
    el("td", {}, u.court), el("td", {}, (u.specialties || []).map((c) => categories[c] || c).join("、")), el("td", {}, u.capacity),
    el("td", {}, u.role === "admin" ? "—" : el("button", { type: "button", class: "visits-toggle", "aria-pressed": String(!!u.can_visits),
      onclick: () => toggleVisits(u) }, u.can_visits ? "可受理" : "无")),
    el("td", {}, u.role === "admin" ? "是" : el("input", { type: "checkbox", class: "all-courts", "aria-label": `${u.display_name} 可处理全部法院`,
      checked: u.all_courts, onchange: (ev) => setAllCourts(u, ev.target.checked) })),
    el("td", {}, el("span", { class: `badge ${u.active ? "ok" : "archived"}` }, u.active ? "启用" : "停用")),
    el("td", {},
      el("button", { type: "button", onclick: () => editUser(u) }, "编辑"), " ",
      el("button", { type: "button", onclick: () => toggleUser(u) }, u.active ? "停用" : "启用"), " ",
      el("button", { type: "button", onclick: () => resetPassword(u) }, "重置密码")))));
}
// editUser changes a judge's court, specialties, capacity and display name in place.
async function editUser(u) {
  const name = prompt("姓名：", u.display_name);
  if (name === null) return;
  const menu = courtNames.map((n, i) => `${i + 1}. ${n}`).join("\n");
  const pick = prompt(`所属法院（输入序号）：\n${menu}`, String(courtNames.indexOf(u.court) + 1 || ""));
  if (pick === null) return;
  const court = courtNames[Number(pick) - 1] || pick.trim(); // the server refuses a court not in the list
  const spec = prompt("专长类别（逗号分隔，如 labor,enforcement）：", (u.specialties || []).join(","));
  if (spec === null) return;
  const cap = prompt("同时处理上限：", String(u.capacity));
  if (cap === null) return;
  try {
    await api("PATCH", `/api/v1/admin/users/${u.id}`, { display_name: name.trim(), court: court.trim(),
      specialties: list(spec), capacity: Number(cap) });
    await loadUsers();
  } catch (e) { alert(errorText(e)); }
}

// toggleVisits grants or withdraws the right to handle the court's visit requests.
async function toggleVisits(u) {
  try { await api("PATCH", `/api/v1/admin/users/${u.id}`, { can_visits: !u.can_visits }); await loadUsers(); } catch (e) { alert(errorText(e)); }
}
async function setAllCourts(u, on) {
  try { await api("PATCH", `/api/v1/admin/users/${u.id}`, { all_courts: on }); } catch (e) { alert(errorText(e)); }
  await loadUsers();
}
async function toggleUser(u) {
  try { await api("PATCH", `/api/v1/admin/users/${u.id}`, { active: !u.active }); await loadUsers(); } catch (e) { alert(errorText(e)); }
}
async function resetPassword(u) {
  const pw = prompt(`为 ${u.display_name} 设置新密码（至少 10 位）：`);
  if (!pw) return;
  try { await api("POST", `/api/v1/admin/users/${u.id}/password`, { password: pw }); alert("密码已重置，该账号的登录已全部失效。"); } catch (e) { alert(errorText(e)); }
}
$("user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await api("POST", "/api/v1/admin/users", { username: $("u-username").value.trim(), display_name: $("u-name").value.trim(),
      role: $("u-role").value, court: $("u-court").value, specialties: list($("u-spec").value),
      capacity: Number($("u-cap").value), can_visits: $("u-visits").checked, all_courts: $("u-all").checked, password: $("u-pw").value });
    showMessage($("user-msg"), "账号已创建。", "ok");
    ev.target.reset();
    await loadUsers();
  } catch (e) { showMessage($("user-msg"), errorText(e)); }
});

// ---- import ----
$("import-file").addEventListener("change", async () => {
  const f = $("import-file").files[0];
  if (!f) return;
  try {
    const { results } = await api("POST", "/api/v1/admin/import", await f.text());
    const n = (c) => results.filter((r) => r.change === c).length;
    showMessage($("import-msg"), `导入成功：新建 ${n("created")} 篇，更新 ${n("updated")} 篇，未变 ${n("unchanged")} 篇。`, "ok");
    loadList();
  } catch (e) { showMessage($("import-msg"), "未导入任何文章。" + errorText(e)); }
});

// ---- statutes and legal basis ----
const citeStatus = { unknown_document: "未收录的文件", out_of_range: "条号超出范围", superseded: "依据的版本已被替换" };
const flagKinds = { amended: "已修改", repealed: "已废止" };
const citeFields = { summary: "摘要", body: "正文", legal_basis: "法律依据" };
const minute = (s) => (s || "").slice(0, 16).replace("T", " ");
const flagBadge = (kind) => el("span", { class: `badge ${kind === "repealed" ? "bad" : "draft"}` }, flagKinds[kind] || kind);

// showErrors lists every problem on its own line: an import of many files may fail on several.
function showErrors(box, prefix, e) {
  if (!e.fields?.length) { showMessage(box, prefix + errorText(e)); return; }
  showMessage(box, `${prefix}共 ${e.fields.length} 处问题：`);
  box.firstChild.append(el("ul", {}, ...e.fields.map((f) => el("li", {}, fieldProblem(f)))));
}

function articleLink(a) {
  return el("a", { href: "#", onclick: (ev) => {
    ev.preventDefault();
    showTab("articles");
    openArticle(a.slug).catch((e) => alert(errorText(e)));
  } }, a.title);
}

async function loadStatutesTab() {
  await Promise.all([loadStatutes(), loadFlags(), loadCitations()]);
}

const loadStatutes = newest(async (latest) => {
  const { documents } = await api("GET", "/api/v1/admin/statutes");
  if (!latest()) return;
  const current = documents.filter((d) => d.current);
  $("statute-count").textContent = documents.length
    ? `现行文件 ${current.length} 部，已被替换的旧版本 ${documents.length - current.length} 个。`
    : "尚未导入法条：文章中的引用暂作普通文本显示。";
  $("statute-titles").replaceChildren(...current.map((d) => el("option", { value: d.title })));
  $("statute-rows").replaceChildren(...documents.map((d) => el("tr", {},
    el("td", {}, d.title, el("div", { class: "muted" }, d.source)), el("td", {}, d.version || "未注明"), el("td", {}, d.article_count),
    el("td", {}, el("span", { class: `badge ${d.current ? "ok" : "archived"}` }, d.current ? "现行" : "已被替换")),
    el("td", {}, minute(d.imported_at)), el("td", {}, d.imported_by === "seed" ? "随系统预置" : d.imported_by))));
});

$("statute-import").addEventListener("click", async () => {
  const chosen = [...$("statute-files").files];
  if (!chosen.length) { showMessage($("statute-msg"), "请先选择法条文件。"); return; }
  try {
    const files = await Promise.all(chosen.map(async (f) => ({ name: f.name, content: await f.text() })));
    const { results } = await api("POST", "/api/v1/admin/statutes/import", { files });
    const n = (c) => results.filter((r) => r.change === c).length;
    showMessage($("statute-msg"), `导入完成：新增 ${n("created")} 部，替换 ${n("replaced")} 部，未变 ${n("unchanged")} 部，旧版本 ${n("historical")} 部。`, "ok");
    $("statute-files").value = "";
    await loadStatutesTab();
  } catch (e) { showErrors($("statute-msg"), "未导入任何文件。", e); }
});

const loadFlags = newest(async (latest) => {
  const { flags } = await api("GET", "/api/v1/admin/legal-flags");
  if (!latest()) return;
  $("flag-rows").replaceChildren(...(flags.length ? flags.map((f) => el("tr", {},
    el("td", {}, f.citation), el("td", {}, flagBadge(f.kind)), el("td", {}, f.note),
    el("td", {}, f.created_by, el("div", { class: "muted" }, minute(f.created_at))),
    el("td", {}, f.articles.length ? f.articles.flatMap((a, i) => [i ? "、" : null, articleLink(a)]) : el("span", { class: "muted" }, "暂无文章引用")),
    el("td", {}, el("button", { type: "button", onclick: () => clearFlag(f) }, "解除"))))
    : [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "暂无依据标记"))]));
});

async function afterFlagChange() {
  await Promise.all([loadFlags(), loadCitations(), loadList()]);
}

$("flag-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const f = await api("POST", "/api/v1/admin/legal-flags", { title: $("flag-title").value.trim(), article: $("flag-article").value.trim(),
      kind: $("flag-kind").value, note: $("flag-note").value.trim() });
    showMessage($("flag-msg"), `已标记 ${f.citation}（${flagKinds[f.kind]}），${f.articles.length} 篇文章待复核。`, "ok");
    ev.target.reset();
    await afterFlagChange();
  } catch (e) { showErrors($("flag-msg"), "", e); }
});

async function clearFlag(f) {
  if (!confirm(`解除对 ${f.citation} 的标记？引用它的文章将不再显示“依据待复核”。`)) return;
  try {
    await api("DELETE", `/api/v1/admin/legal-flags/${f.id}`);
    showMessage($("flag-msg"), `已解除对 ${f.citation} 的标记。`, "ok");
    await afterFlagChange();
  } catch (e) { showMessage($("flag-msg"), errorText(e)); }
}

// problemText explains a citation problem from its fields, in the console's language.
function problemText(p) {
  if (p.status === "out_of_range") return `《${p.document}》（${p.version || "未注明"} 版）没有这一条`;
  if (p.status === "superseded") return `撰写时依据 ${p.cited_version || "旧"} 版，现行为 ${p.version || "未注明"} 版，请核对条文`;
  return "法条库未收录该文件";
}

const loadCitations = newest(async (latest) => {
  const { summary: s, articles } = await api("GET", "/api/v1/admin/citations");
  if (!latest()) return;
  $("citation-summary").textContent = s.documents
    ? `共检查 ${s.articles} 篇文章：条文引用 ${s.numbered} 处，已解析 ${s.resolved} 处；未收录的文件 ${s.unknown_document} 处，` +
      `条号超出范围 ${s.out_of_range} 处，依据的版本已被替换 ${s.superseded} 处；只写名称的引用 ${s.by_name} 处。` +
      `引用有问题的文章 ${s.problem_articles} 篇，因依据标记待复核的文章 ${s.flagged_articles} 篇。`
    : `尚未导入法条，只检查依据标记：共 ${s.articles} 篇文章，因依据标记待复核的 ${s.flagged_articles} 篇。`;
  $("citation-rows").replaceChildren(...(articles.length ? articles.map((a) => el("tr", {},
    el("td", {}, articleLink(a), el("div", { class: "muted" }, `${a.slug} · ${statuses[a.status] || a.status}`)),
    el("td", {}, el("ul", {},
      ...a.flags.map((h) => el("li", {}, flagBadge(h.kind), ` ${citeFields[h.field] || h.field}：${h.citation}`,
        el("span", { class: "muted" }, `（标记对象 ${h.target}${h.note ? "：" + h.note : ""}）`))),
      ...a.problems.map((p) => el("li", {}, el("span", { class: "badge bad" }, citeStatus[p.status] || p.status),
        ` ${citeFields[p.field] || p.field}：${p.citation}`, el("span", { class: "muted" }, `（${problemText(p)}）`)))))))
    : [el("tr", {}, el("td", { colspan: "2", class: "muted" }, "没有需要复核的引用"))]));
});
$("citations-refresh").addEventListener("click", () => loadCitations().catch((e) => alert(errorText(e))));

// ---- audit ----
async function loadAudit() {
  const { entries } = await api("GET", "/api/v1/admin/audit");
  if (!entries.length) {
    $("audit-rows").replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "empty" }, "暂无操作记录。")));
    return;
  }
  $("audit-rows").replaceChildren(...entries.map((e) => el("tr", {},
    el("td", {}, e.at.slice(0, 19).replace("T", " ")), el("td", {}, e.actor),
    el("td", { title: e.action }, auditActions[e.action] || e.action), el("td", {}, auditTarget(e.target)),
    el("td", { class: "muted" }, auditDetail(e.action, e.detail)))));
}

// ---- start ----
for (const [sel, map] of [["f-category", categories], ["f-kind", kinds], ["f-status", statuses], ["a-category", categories], ["a-kind", kinds]]) fillSelect($(sel), map);
$("logout").addEventListener("click", logout);
whoami("admin").then((u) => {
  $("who").textContent = `${u.display_name}（${u.username}）`;
  return loadList();
}).catch((e) => { if (e.message !== "forbidden") alert(errorText(e)); });
