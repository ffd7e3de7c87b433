// The admin console's "转交来源" panel: where escalations came from in the last 24 hours, the
// tickets of one source, and closing every open one of them at once. Addresses are shown as the
// server stores them: a keyed hash for matching and the /24 (or /48) network for reading.
import { api, el, showMessage, errorText } from "/static/console.js";

const $ = (id) => document.getElementById(id);
const time = (s) => (s ? new Date(s).toLocaleString("zh-CN", { hour12: false }) : "");

export async function loadSources() {
  const { sources } = await api("GET", "/api/v1/admin/escalations");
  $("src-rows").replaceChildren(...sources.map((s) => el("tr", {},
    el("td", {}, s.network || "（未知）"), el("td", {}, el("code", {}, s.addr)), el("td", {}, s.count), el("td", {}, s.open),
    el("td", {}, time(s.last)),
    el("td", {},
      el("button", { type: "button", onclick: () => showSource(s.addr).catch((e) => showMessage($("src-msg"), errorText(e))) }, "查看"), " ",
      el("button", { type: "button", disabled: s.open === 0, onclick: () => closeSource(s) }, "全部关闭")))));
  if (!sources.length) $("src-rows").replaceChildren(el("tr", {}, el("td", { colspan: "6" }, "最近 24 小时没有转交。")));
}

async function showSource(addr) {
  const { tickets } = await api("GET", "/api/v1/admin/escalations?addr=" + encodeURIComponent(addr));
  $("src-tickets").replaceChildren(...tickets.map((t) => el("tr", {},
    el("td", {}, "#" + t.id), el("td", {}, time(t.created_at)), el("td", {}, t.intake.company),
    el("td", {}, t.priority_name + (t.priority_basis ? `（${t.priority_basis}）` : "")), el("td", {}, t.court), el("td", {}, t.state_name))));
  $("src-detail").hidden = false;
}

async function closeSource(s) {
  const reason = prompt(`关闭来自 ${s.network || s.addr} 的全部 ${s.open} 件未结束转交。请填写原因（记入流转记录和操作日志）：`, "同一来源短时间内大量转交");
  if (!reason) return;
  try {
    const { closed } = await api("POST", "/api/v1/admin/escalations/close", { addr: s.addr, reason });
    showMessage($("src-msg"), `已关闭 ${closed} 件，企业已收到通知（含诉讼服务热线 12368）。`, "ok");
    await loadSources();
  } catch (e) { showMessage($("src-msg"), errorText(e)); }
}
