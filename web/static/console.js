// Shared helpers of the judge and admin consoles: the JSON API with the session's CSRF token, the
// signed-in user, and small DOM helpers. No framework, no build step.

let csrf = "";

export class APIError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `请求失败（${status}）`);
    this.status = status;
    this.code = body?.error?.code || "";
    this.fields = body?.error?.fields || [];
  }
}

export async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  if (method !== "GET" && csrf) opts.headers["X-CSRF-Token"] = csrf;
  const resp = await fetch(path, opts);
  if (resp.status === 401 && !path.startsWith("/api/v1/auth/login")) {
    // The session has ended: go to the login page, which brings the user back here. The call never
    // settles, so no caller shows an error for a page that is being left anyway.
    location.replace("/login?next=" + encodeURIComponent(location.pathname + location.search + location.hash));
    return new Promise(() => {});
  }
  if (resp.status === 204) return null;
  const text = await resp.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!resp.ok) throw new APIError(resp.status, data);
  return data;
}

// whoami loads the session (redirecting to the login page when there is none) and keeps its CSRF token.
export async function whoami(role) {
  const me = await api("GET", "/api/v1/auth/me");
  csrf = me.csrf_token;
  if (role && me.user.role !== role && !(role === "judge" && me.user.role === "admin")) {
    document.body.textContent = "您的账号没有访问此页面的权限。";
    throw new Error("forbidden");
  }
  return me.user;
}

export async function logout() {
  try { await api("POST", "/api/v1/auth/logout"); } finally { location.href = "/login"; }
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

// newest wraps a loader so that of overlapping calls only the latest draws: responses can arrive
// out of order, and an older list must never replace a newer one. The loader gets a function
// that says whether its call is still the latest.
export function newest(load) {
  let seq = 0;
  return (...args) => {
    const mine = ++seq;
    return load(() => mine === seq, ...args);
  };
}

export function showMessage(container, text, kind = "error") {
  container.replaceChildren(el("div", { class: `msg ${kind}`, role: kind === "error" ? "alert" : "status" }, text));
}

// fieldProblem names one bad field in Chinese: the server sends each field's label with its code.
export function fieldProblem(f) {
  return `${f.item ? f.item + " " : ""}${f.label || f.field}：${f.message}`;
}

export function errorText(err) {
  if (err instanceof APIError && err.fields.length > 1) {
    return `共 ${err.fields.length} 处问题：` + err.fields.map(fieldProblem).join("；");
  }
  return err.message || String(err);
}

// setHTML inserts HTML that the server has already sanitised (article previews).
export function setSanitisedHTML(node, html) {
  node.innerHTML = html; // eslint-disable-line no-unsanitized/property -- server-side bluemonday output
}

export const categories = {
  protection: "保护企业家人身财产安全", enforcement: "规范涉企执行", dispute: "纠纷化解与诉讼程序",
  contract: "合同订立与履行", labor: "劳动用工", corporate: "公司治理与股权", finance: "融资、借贷与担保",
  ip: "知识产权与不正当竞争", data: "个人信息与数据安全", bankruptcy: "破产重整与清算", court_service: "诉讼服务",
};
export const kinds = { case_explanation: "以案释法", compliance_advice: "合规建议", service_guide: "办事指南" };
export const statuses = { draft: "草稿", published: "已发布", archived: "已归档" };
const changes = { created: "新建", updated: "更新", unchanged: "未变", replaced: "替换", historical: "旧版本" };
const flagKinds = { amended: "已修改", repealed: "已废止" };
const roles = { judge: "法官", admin: "管理员" };

// auditActions names every action the audit log records; an unknown one is shown as it is.
export const auditActions = {
  "article.create": "新建文章", "article.save": "保存文章", "article.published": "发布文章", "article.draft": "退回草稿",
  "article.archived": "归档文章", "article.rollback": "回滚文章", "article.import": "导入文章",
  "candidate.approve": "采纳候选问法", "candidate.reject": "不予采纳候选问法",
  "statutes.import": "导入法条", "retention.purge": "清理过期数据", "escalations.close": "批量关闭转交", "legal_flag.add": "添加依据标记", "legal_flag.clear": "解除依据标记",
  "user.create": "新建账号", "user.update": "修改账号", "user.reset_password": "重置密码",
  "synonyms.save": "保存口语词库", "canned.save": "保存常用回复", "canned.delete": "删除常用回复",
  "suggestion.published": "发布法官建议", "suggestion.merged": "并入法官建议", "suggestion.dismissed": "不予采纳法官建议",
  "calendar.save": "保存工作日历", "courts.save": "保存法院列表",
  "visit.propose": "提议走访日期", "visit.confirm": "确认走访日期", "visit.decline": "婉拒走访申请",
  "visit.cancel": "取消走访", "visit.complete": "记录走访结果",
};
// The states of a visit request, as the visits tab names them; a visit's audit detail is its state.
const visitStatuses = { requested: "已收到", date_proposed: "已提议日期", counter_proposed: "企业提议其他日期", confirmed: "已确认",
  done: "已完成", declined: "未能安排", cancelled: "已取消" };

// auditTarget reads the object of an audit entry: batch imports record a count.
export function auditTarget(t) {
  const m = /^(\d+) (articles|documents)$/.exec(t || "");
  if (m) return `${m[1]} ${m[2] === "articles" ? "篇文章" : "部法条"}`;
  const v = /^visit #(\d+)$/.exec(t || "");
  if (v) return `走访申请 #${v[1]}`;
  return t || "—";
}

// auditDetail turns an entry's detail (plain text, or the JSON some actions record) into a line
// of Chinese.
export function auditDetail(action, detail) {
  if (!detail) return "";
  let d;
  try { d = JSON.parse(detail); } catch { d = null; }
  if (d === null || typeof d !== "object") {
    if (action === "user.create") return `角色：${roles[detail] || detail}`;
    if (action === "courts.save") return `共 ${detail} 个地区`;
    if (action.startsWith("visit.")) return `状态：${visitStatuses[detail] || detail}`;
    return detail;
  }
  if (Array.isArray(d)) {
    const n = {};
    for (const r of d) n[r.change] = (n[r.change] || 0) + 1;
    const counts = Object.entries(n).map(([c, k]) => `${changes[c] || c} ${k} 篇`).join("，");
    const named = d.filter((r) => r.change !== "unchanged").slice(0, 5).map((r) => `${r.slug}（${changes[r.change] || r.change}，第 ${r.version} 版）`);
    return counts + (named.length ? "：" + named.join("、") + (d.length > named.length ? " 等" : "") : "");
  }
  const parts = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === "" || v === null || v === undefined) continue;
    if (k === "version") parts.push(`第 ${v} 版`);
    else if (k === "status") parts.push(`状态：${statuses[v] || v}`);
    else if (k === "note") parts.push(`说明：${v}`);
    else if (k === "kind") parts.push(`类型：${flagKinds[v] || v}`);
    else if (k === "id") parts.push(`编号 ${v}`);
    else if (changes[k]) parts.push(`${changes[k]} ${v} 部`);
    else parts.push(`${k}：${typeof v === "object" ? JSON.stringify(v) : v}`);
  }
  return parts.join("；");
}
