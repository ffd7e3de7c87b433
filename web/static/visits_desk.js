// The 走访 tab of the admin console and the judge console: the court's 法官进企业 requests, and
// for one request the steps the state table allows (docs/PROTOCOL.md, README): propose a date with
// judges, confirm the requester's date, decline, cancel, record the summary after the visit and
// suggest it as a knowledge-base article. The server decides who may do what; refusals show here.
import { api, el, showMessage, errorText, categories } from "/static/console.js";

const statusNames = { requested: "已收到", date_proposed: "已提议日期", counter_proposed: "企业提议其他日期", confirmed: "已确认", done: "已完成", declined: "未能安排", cancelled: "已取消" };
const orgTypes = { enterprise: "企业", park: "产业园区", chamber: "商会" };
const time = (s) => (s ? new Date(s).toLocaleString("zh-CN", { hour12: false }) : "");

// mountVisits draws the tab into root and returns its loader.
export function mountVisits(root) {
  const filter = el("select", { id: "v-status", "aria-label": "状态" }, el("option", { value: "" }, "全部"),
    ...Object.entries(statusNames).map(([v, n]) => el("option", { value: v }, n)));
  const rows = el("tbody", { id: "v-rows" });
  const detail = el("section", { class: "card", id: "v-detail", hidden: true, "aria-live": "polite" });
  root.replaceChildren(
    el("div", { class: "card" },
      el("p", { class: "muted" }, "企业、产业园区或商会在咨询页面提交的“法官进企业”申请，按所在城市分派到法院。本院有走访权限的法官和管理员可提议日期、指派法官并确认；走访后由法官记录发现的问题和建议。"),
      el("div", { class: "actions" }, el("label", { for: "v-status" }, "状态"), filter),
      el("table", {}, el("thead", {}, el("tr", {}, ...["编号", "申请单位", "类型与主题", "法院", "日期", "状态"].map((h) => el("th", {}, h)))), rows)),
    detail);
  let judges = null;
  let openID = 0;

  async function load() {
    const p = filter.value ? "?status=" + filter.value : "";
    const { visits } = await api("GET", "/api/v1/judge/visits" + p);
    rows.replaceChildren(...(visits.length ? visits.map((v) => {
      const tr = el("tr", { class: "clickable" + (v.id === openID ? " selected" : ""), tabindex: "0", "data-id": v.id },
        el("td", {}, "#" + v.id), el("td", {}, el("strong", {}, v.request.org), el("div", { class: "muted" }, orgTypes[v.request.org_type] || "")),
        el("td", {}, v.kind_name, el("div", { class: "muted" }, v.request.topics.map((t) => categories[t] || t).join("、"))),
        el("td", {}, v.court), el("td", {}, v.date || v.proposed_date || v.request.dates.join("、")),
        el("td", {}, el("span", { class: `badge ${v.status === "done" || v.status === "confirmed" ? "ok" : v.status === "requested" || v.status === "counter_proposed" ? "draft" : ""}` }, statusNames[v.status] || v.status)));
      const go = () => open(v.id).catch((e) => alert(errorText(e)));
      tr.addEventListener("click", go);
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
      return tr;
    }) : [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "暂无申请"))]));
  }
  filter.addEventListener("change", () => load().catch((e) => alert(errorText(e))));

  async function open(id) {
    openID = id;
    const v = await api("GET", `/api/v1/judge/visits/${id}`);
    if (!judges) judges = (await api("GET", "/api/v1/judge/judges")).judges || [];
    draw(v);
  }

  function fact(dl, label, value) {
    if (value === undefined || value === null || value === "") return;
    dl.append(el("dt", {}, label), el("dd", {}, String(value)));
  }

  function draw(v) {
    const r = v.request;
    const dl = el("dl", { class: "facts" });
    fact(dl, "申请单位", `${r.org}（${orgTypes[r.org_type] || r.org_type}）`);
    fact(dl, "统一社会信用代码", r.credit_code);
    fact(dl, "活动类型", v.kind_name);
    fact(dl, "主题", r.topics.map((t) => categories[t] || t).join("、"));
    fact(dl, "希望日期", r.dates.join("、"));
    fact(dl, "地址", r.address);
    fact(dl, "人数", r.attendees);
    fact(dl, "联系人", `${r.contact} ${r.mobile}`);
    fact(dl, "需求说明", r.note);
    fact(dl, "法院", v.court);
    fact(dl, "状态", statusNames[v.status]);
    fact(dl, v.proposed_by === "requester" ? "企业提议日期" : "提议日期", v.proposed_date);
    fact(dl, "确认日期", v.date);
    fact(dl, "指派法官", v.judges.map((j) => j.name).join("、"));
    fact(dl, "说明", v.note);
    fact(dl, "提交时间", time(v.created_at));
    const msg = el("div", { id: "v-msg", "aria-live": "polite" });
    detail.hidden = false;
    detail.replaceChildren(el("h2", {}, `走访申请 #${v.id} · ${r.org}`), dl, msg, ...actions(v, msg));
    if (v.summary) {
      detail.append(el("h3", {}, "走访情况"), el("p", {}, el("strong", {}, "发现的问题："), v.summary.problems),
        el("p", {}, el("strong", {}, "提出的建议："), v.summary.advice), el("p", { class: "muted" }, `记录人：${v.summary.by}`));
    }
  }

  // step posts an action, then redraws the request and the list.
  const step = (v, action, body, msg) => async (ev) => {
    ev.preventDefault();
    try {
      const out = await api("POST", `/api/v1/judge/visits/${v.id}/${action}`, body ? body() : undefined);
      draw(out);
      showMessage(document.getElementById("v-msg"), "已保存。", "ok");
      await load();
    } catch (e) { showMessage(msg, errorText(e)); }
  };

  function actions(v, msg) {
    const out = [];
    if (["requested", "date_proposed", "counter_proposed"].includes(v.status)) {
      const date = el("input", { type: "date", id: "v-date", required: true, value: v.proposed_date || v.request.dates[0] || "" });
      // The court's own judges first; others can be assigned too (a specialist from elsewhere).
      const ordered = [...judges].sort((a, b) => (a.court === v.court ? 0 : 1) - (b.court === v.court ? 0 : 1));
      const boxes = ordered.map((j) => el("label", { class: "check" }, el("input", { type: "checkbox", value: j.id,
        checked: v.judges.some((x) => x.id === j.id) }), ` ${j.display_name}（${j.court || "未填法院"}）`));
      const note = el("input", { id: "v-note", maxlength: "500", placeholder: "如：上午九点到达，请准备会议室" });
      out.push(el("form", { class: "card", id: "v-propose" }, el("h3", {}, v.status === "requested" ? "受理并提议日期" : "提议新的日期"),
        el("label", { for: "v-date" }, "日期"), date, el("fieldset", { id: "v-judges" }, el("legend", {}, "指派法官"), ...boxes),
        el("label", { for: "v-note" }, "给企业的说明（可不填）"), note,
        el("div", { class: "actions" }, el("button", { class: "primary", type: "submit" }, "提议日期并指派法官"))));
      out[out.length - 1].addEventListener("submit", step(v, "propose", () => ({ date: date.value, note: note.value,
        judges: boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => Number(i.value)) }), msg));
      if (v.status === "counter_proposed") {
        out.push(el("div", { class: "actions" }, el("button", { type: "button", class: "primary", id: "v-confirm",
          onclick: step(v, "confirm", null, msg) }, `确认企业提议的 ${v.proposed_date}`)));
      }
      const reason = el("input", { id: "v-reason", maxlength: "500", placeholder: "无法安排的原因（企业可见）" });
      const f = el("form", { class: "row" }, el("div", {}, el("label", { for: "v-reason" }, "无法安排"), reason),
        el("div", { class: "narrow" }, el("button", { type: "submit", class: "danger" }, "答复无法安排")));
      f.addEventListener("submit", step(v, "decline", () => ({ note: reason.value }), msg));
      out.push(f);
    }
    if (v.status === "confirmed") {
      const problems = el("textarea", { id: "v-problems", rows: "3", maxlength: "2000" });
      const advice = el("textarea", { id: "v-advice", rows: "3", maxlength: "2000" });
      const f = el("form", { class: "card", id: "v-complete" }, el("h3", {}, "记录走访情况"),
        el("label", { for: "v-problems" }, "发现的问题"), problems, el("label", { for: "v-advice" }, "提出的建议"), advice,
        el("div", { class: "actions" }, el("button", { class: "primary", type: "submit" }, "记录并完成")));
      f.addEventListener("submit", step(v, "complete", () => ({ summary: { problems: problems.value, advice: advice.value } }), msg));
      const reason = el("input", { id: "v-cancel-reason", maxlength: "500", placeholder: "取消原因（企业可见）" });
      const c = el("form", { class: "row" }, el("div", {}, el("label", { for: "v-cancel-reason" }, "取消走访"), reason),
        el("div", { class: "narrow" }, el("button", { type: "submit", class: "danger" }, "取消走访")));
      c.addEventListener("submit", step(v, "cancel", () => ({ note: reason.value }), msg));
      out.push(f, c);
    }
    if (v.status === "done" && v.summary) out.push(suggestForm(v, msg));
    return out;
  }

  // suggestForm offers the summary to the admins as a draft article, through the same review as
  // judges' answers.
  function suggestForm(v, msg) {
    const title = el("input", { id: "v-title", maxlength: "60", value: `${v.request.org}${v.kind_name}中发现的常见问题` });
    const cat = el("select", { id: "v-category" }, ...Object.entries(categories).map(([k, n]) => el("option", { value: k }, n)));
    cat.value = v.request.topics[0] || "court_service";
    const f = el("form", { class: "card", id: "v-suggest" }, el("h3", {}, "建议收录为知识库文章"),
      el("label", { for: "v-title" }, "标题"), title, el("label", { for: "v-category" }, "类别"), cat,
      el("div", { class: "actions" }, el("button", { type: "submit" }, "提交给管理员审核")));
    f.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const s = v.summary;
      const article = { title: title.value.trim(), category: cat.value, kind: "compliance_advice", questions: [title.value.trim()],
        summary: s.advice.slice(0, 200), body: `## 常见问题\n${s.problems}\n\n## 合规建议\n${s.advice}` };
      try {
        await api("POST", `/api/v1/judge/visits/${v.id}/suggest`, { article });
        showMessage(msg, "已提交，管理员审核后发布。", "ok");
      } catch (e) { showMessage(msg, errorText(e)); }
    });
    return f;
  }

  return load;
}
