// 法官进企业 on the chat page: the request form (offered by a button in the header and by the bot
// when a question is about booking a visit), and a status card on the newest notice of each
// request with the requester's answers (accept the date, propose another, cancel). The notices
// themselves arrive as conversation messages with a visit_id (docs/PROTOCOL.md); the card's state
// comes from the visit API, which takes the same visitor token as the WebSocket.

const TOKEN_KEY = 'courtdesk.token';
let ui = null; // { el, openOverlay, closeOverlay, notice } from chat.js
let options = null;
const visits = new Map();

function api(method, path, body) {
  const headers = { 'X-Visitor-Token': localStorage.getItem(TOKEN_KEY) || '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    .then(async (r) => {
      const data = await r.json().catch(() => ({}));
      if (!r.ok) throw Object.assign(new Error(data.error?.message || '提交失败，请稍后再试'), { fields: data.error?.fields || [] });
      return data;
    });
}

function field(id, label, input, help) {
  const { el } = ui;
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
    help ? el('p', { class: 'help', text: help }) : '', el('p', { class: 'err', id: `ve-${input.name}` }));
}

// buildForm creates the overlay once; chat.js binds its close, Escape and Tab handling.
function buildForm() {
  const { el } = ui;
  const input = (name, attrs = {}) => el('input', { id: `v-${name}`, name, ...attrs });
  const form = el('form', { id: 'visit-form', novalidate: '' },
    el('div', { class: 'row' },
      field('v-kind', '活动类型', el('select', { id: 'v-kind', name: 'kind' }, el('option', { value: '', text: '请选择' }))),
      field('v-org_type', '申请单位类型', el('select', { id: 'v-org_type', name: 'org_type' }, el('option', { value: '', text: '请选择' })))),
    el('fieldset', { id: 'v-topics', class: 'topics' }, el('legend', { text: '希望讲解的主题（可多选）' }),
      el('p', { class: 'err', id: 've-topics' })),
    field('v-org', '单位名称', input('org', { maxlength: '100', autocomplete: 'organization' })),
    field('v-credit_code', '统一社会信用代码', input('credit_code', { maxlength: '24', spellcheck: 'false' }), '18 位，见营业执照或登记证书'),
    el('div', { class: 'row' },
      field('v-city', '所在城市', el('select', { id: 'v-city', name: 'city' }, el('option', { value: '', text: '请选择' }))),
      field('v-attendees', '预计参加人数', input('attendees', { type: 'number', min: '1', max: '2000', inputmode: 'numeric' }))),
    field('v-address', '活动地址', input('address', { maxlength: '200', autocomplete: 'street-address' })),
    el('div', { class: 'row' },
      field('v-date1', '希望日期', input('date1', { type: 'date' })),
      field('v-date2', '备选日期（可不填）', input('date2', { type: 'date' }))),
    el('p', { class: 'err', id: 've-dates' }),
    el('div', { class: 'row' },
      field('v-contact', '联系人', input('contact', { maxlength: '40', autocomplete: 'name' })),
      field('v-mobile', '手机号码', input('mobile', { maxlength: '20', inputmode: 'tel', autocomplete: 'tel' }))),
    field('v-note', '需求说明（可不填）', el('textarea', { id: 'v-note', name: 'note', rows: '2', maxlength: '500' })),
    el('p', { class: 'err', id: 've-form', role: 'alert' }),
    el('div', { class: 'actions' },
      el('button', { type: 'submit', id: 'visit-submit', text: '提交申请' }),
      el('button', { type: 'button', class: 'secondary', 'data-close': '', text: '取消' })));
  const ov = el('div', { id: 'visit-view', class: 'overlay', hidden: '' },
    el('section', { class: 'panel form-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'visit-title' },
      el('button', { type: 'button', class: 'close', 'data-close': '', 'aria-label': '关闭表单', text: '×' }),
      el('h2', { id: 'visit-title', tabindex: '-1', text: '预约法官进企业' }),
      el('p', { class: 'help', text: '法官可到企业、园区或商会开展以案释法讲座、合规体检、座谈或个案法律咨询。提交后由所在城市的法院答复并提议日期，进展会显示在本对话中。' }),
      form));
  document.body.append(ov);
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(form); });
  // A corrected field loses its error at once; the server checks everything again on submit.
  form.addEventListener('input', (e) => {
    const name = e.target.name === 'date1' || e.target.name === 'date2' ? 'dates' : e.target.name;
    const p = document.getElementById(`ve-${name}`);
    if (p) p.textContent = '';
    e.target.removeAttribute('aria-invalid');
  });
}

async function loadOptions() {
  if (options) return;
  const [opts, courts] = await Promise.all([api('GET', '/api/v1/visits/options'), api('GET', '/api/v1/courts')]);
  options = opts;
  const { el } = ui;
  const f = document.getElementById('visit-form');
  for (const k of opts.kinds) f.elements.kind.append(el('option', { value: k.id, text: k.name }));
  for (const o of opts.org_types) f.elements.org_type.append(el('option', { value: o.id, text: o.name }));
  for (const c of courts.courts) f.elements.city.append(el('option', { value: c.code, text: `${c.name}（${c.court}）` }));
  const box = document.getElementById('v-topics');
  for (const t of opts.topics) {
    box.insertBefore(el('label', { class: 'topic' }, el('input', { type: 'checkbox', name: 'topics', value: t.id }), ` ${t.name}`),
      document.getElementById('ve-topics'));
  }
}

function clearErrors() {
  for (const p of document.querySelectorAll('#visit-form .err')) p.textContent = '';
  for (const i of document.querySelectorAll('#visit-form [aria-invalid]')) i.removeAttribute('aria-invalid');
}

function showErrors(err) {
  clearErrors();
  let first = null;
  for (const fe of err.fields || []) {
    const p = document.getElementById(`ve-${fe.field}`);
    if (!p) continue;
    if (!p.textContent) p.textContent = fe.message;
    const input = p.parentElement.querySelector('input, select, textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
  }
  if (!first && !(err.fields || []).length) document.getElementById('ve-form').textContent = err.message;
  (first || document.getElementById('visit-submit')).focus();
}

async function submit(f) {
  const v = (n) => f.elements[n].value.trim();
  const body = {
    kind: v('kind'), org_type: v('org_type'), org: v('org'), credit_code: v('credit_code'), city: v('city'),
    address: v('address'), attendees: Number(v('attendees') || 0), contact: v('contact'), mobile: v('mobile'), note: v('note'),
    topics: [...f.querySelectorAll('input[name=topics]:checked')].map((c) => c.value),
    dates: [v('date1'), v('date2')].filter(Boolean),
  };
  const btn = document.getElementById('visit-submit');
  btn.disabled = true;
  try {
    await api('POST', '/api/v1/visits', body);
    f.reset();
    clearErrors();
    ui.closeOverlay(document.getElementById('visit-view'));
  } catch (e) {
    showErrors(e);
  } finally {
    btn.disabled = false;
  }
}

// openVisitForm shows the form; the offer from the bot and the header button both call it.
export function openVisitForm() {
  clearErrors();
  ui.openOverlay(document.getElementById('visit-view'), document.getElementById('visit-title'));
  loadOptions().catch(() => { document.getElementById('ve-form').textContent = '表单选项加载失败，请稍后再试'; });
}

// ---- status cards ----
let refreshing = null;

// refreshVisits reloads the requests of this conversation and redraws their cards. Calls made while
// a reload runs share the next one, so a burst of notices costs two requests at most.
export function refreshVisits() {
  if (refreshing) { refreshing.again = true; return refreshing.p; }
  const state = { again: false };
  state.p = api('GET', '/api/v1/visits').then(({ visits: list }) => {
    visits.clear();
    for (const v of list) visits.set(v.id, v);
    drawCards();
  }).catch(() => {}).finally(() => {
    refreshing = null;
    if (state.again) refreshVisits();
  });
  refreshing = state;
  return state.p;
}

function drawCards() {
  for (const c of document.querySelectorAll('#log .visit-card')) c.remove();
  for (const [id, v] of visits) {
    const notes = document.querySelectorAll(`#log [data-visit="${id}"]`);
    if (notes.length) notes[notes.length - 1].append(card(v));
  }
}

function card(v) {
  const { el } = ui;
  const facts = [`${v.kind_name} · ${v.request.org} · ${v.court}`];
  if (v.proposed_date) facts.push(`${v.proposed_by === 'court' ? '法院提议' : '您提议'}日期：${v.proposed_date}`);
  if (v.date) facts.push(`确认日期：${v.date}`);
  if (v.judges.length) facts.push(`法官：${v.judges.map((j) => j.name).join('、')}`);
  const box = el('div', { class: `visit-card ${v.status}`, 'data-status': v.status },
    el('p', { class: 'visit-status' }, el('strong', { text: v.status_name })),
    ...facts.map((t) => el('p', { class: 'visit-fact', text: t })));
  const msg = el('p', { class: 'err', role: 'alert' });
  const act = (action, body) => async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    try { await api('POST', `/api/v1/visits/${v.id}/${action}`, body && body()); await refreshVisits(); }
    catch (e) { msg.textContent = (e.fields?.[0]?.message) || e.message; b.disabled = false; }
  };
  const actions = el('div', { class: 'actions' });
  if (v.status === 'date_proposed') {
    const date = el('input', { type: 'date', class: 'counter-date', 'aria-label': '您希望的其他日期' });
    actions.append(
      el('button', { type: 'button', class: 'primary accept-date', onclick: act('accept'), text: '接受该日期' }),
      el('span', { class: 'counter' }, date,
        el('button', { type: 'button', class: 'counter-btn', onclick: act('counter', () => ({ date: date.value })), text: '提议其他日期' })));
  }
  if (['requested', 'date_proposed', 'counter_proposed', 'confirmed'].includes(v.status)) {
    actions.append(el('button', { type: 'button', class: 'secondary cancel-visit', text: '取消申请',
      onclick: (ev) => { if (confirm('确定取消这次走访申请吗？')) act('cancel')(ev); } }));
  }
  if (actions.children.length) box.append(actions, msg);
  return box;
}

// initVisits receives the chat page's helpers and builds the form.
export function initVisits(helpers) {
  ui = helpers;
  buildForm();
}
