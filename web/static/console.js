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
    location.href = "/login?next=" + encodeURIComponent(location.pathname + location.hash);
    throw new APIError(401, {});
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

export function showMessage(container, text, kind = "error") {
  container.replaceChildren(el("div", { class: `msg ${kind}`, role: kind === "error" ? "alert" : "status" }, text));
}

export function errorText(err) {
  if (err instanceof APIError && err.fields.length) {
    return err.message + "：" + err.fields.map((f) => `${f.item ? f.item + " " : ""}${f.field} ${f.message}`).join("；");
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
