// Enterprise chat page: one WebSocket per tab (protocol in docs/PROTOCOL.md), the visitor token in
// localStorage so that a reload or a second tab reopens the same conversation, and an outbox of
// unacknowledged frames that is resent after every reconnect (the server ignores duplicates).

import { initVisits, openVisitForm, refreshVisits } from '/static/visit.js';
import { liteMarkdown } from '/static/markdown.js';
import { intakeForm } from '/static/intake.js';
import { initNotices, refreshNotices, requestNotice } from '/static/notices.js';

const TOKEN_KEY = 'courtdesk.token';
const OUTBOX_KEY = 'courtdesk.outbox';
const MAX_LEN = 1000;

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
};

const state = {
  ws: null,
  conv: '',
  lastSeq: 0,
  mode: 'bot',
  judge: '',
  judgeReplied: false,
  attempt: 0,
  connected: false,
  lastQuestion: '',
  lastAnswer: null,
  courts: null,
  pendingEscalation: '',
  caseNumber: '', // the last case number the assistant recognised in a question
};

function newId() {
  return 'm-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
}

// ---- outbox: frames sent but not yet acknowledged, kept across reloads ----
function outbox() {
  try { return JSON.parse(localStorage.getItem(OUTBOX_KEY) || '[]'); } catch { return []; }
}
function saveOutbox(list) { localStorage.setItem(OUTBOX_KEY, JSON.stringify(list)); }
function addOutbox(frame) { const l = outbox(); l.push(frame); saveOutbox(l); }
function takeOutbox(id) {
  const l = outbox();
  const f = l.find((x) => x.id === id);
  saveOutbox(l.filter((x) => x.id !== id));
  return f;
}

// ---- connection ----
function connect() {
  setConn('正在连接…');
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams();
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) q.set('token', token);
  if (state.lastSeq > 0) q.set('last_seq', String(state.lastSeq));
  const ws = new WebSocket(`${proto}//${location.host}/ws/chat?${q}`);
  state.ws = ws;
  ws.addEventListener('message', (ev) => {
    let f;
    try { f = JSON.parse(ev.data); } catch { return; }
    handle(f);
  });
  ws.addEventListener('close', (ev) => {
    if (state.ws !== ws) return;
    state.connected = false;
    document.body.classList.remove('online');
    // 1012: the service is restarting. Start the backoff afresh, so the page is back as soon as
    // the service is, and say so rather than "disconnected".
    if (ev.code === 1012) state.attempt = 0;
    const delay = Math.min(15000, 500 * 2 ** state.attempt) * (0.5 + Math.random() / 2);
    state.attempt = Math.min(state.attempt + 1, 8);
    const why = ev.code === 1013 ? '连接过多，' : ev.code === 1012 ? '服务正在重启，' : '';
    setConn(`${why}连接已断开，${Math.ceil(delay / 1000)} 秒后重连…`, true);
    setTimeout(connect, delay);
  });
}

function send(frame) {
  if (state.ws && state.connected) state.ws.send(JSON.stringify(frame));
}

function setConn(text, warn = false) {
  const c = $('#conn');
  c.textContent = text;
  c.classList.toggle('warn', warn);
}

// ---- frames from the server ----
function handle(f) {
  switch (f.type) {
    case 'hello': return onHello(f);
    case 'ack': return onAck(f);
    case 'message':
    case 'answer':
    case 'judge_message': return render(f);
    case 'escalation_status': return setStatus(f);
    case 'error': return onError(f);
  }
}

function onHello(f) {
  if (state.conv && (f.conversation_id !== state.conv || f.last_seq < state.lastSeq)) {
    clearLog(); // another conversation, or the server has less than shown: start the view afresh
  }
  state.conv = f.conversation_id;
  localStorage.setItem(TOKEN_KEY, f.token);
  refreshNotices();
  for (const m of f.messages) render(m);
  setStatus(f);
  if (f.messages.some((m) => m.visit_id)) refreshVisits();
  if (!state.connected) {
    state.connected = true;
    state.attempt = 0;
    document.body.classList.add('online');
    setConn('已连接');
    for (const fr of outbox()) send(fr); // resend what was never acknowledged; duplicates are ignored
  }
}

function onAck(f) {
  const fr = takeOutbox(f.reply_to);
  const bubble = document.querySelector(`[data-id="${CSS.escape(f.reply_to)}"]`);
  if (bubble) { bubble.classList.remove('sending', 'failed'); bubble.dataset.seq = f.seq; }
  if (fr && fr.type === 'escalate' && f.reply_to === state.pendingEscalation) {
    state.pendingEscalation = '';
    // The notices the enterprise asked for in the form: a code goes to that contact now.
    const ef = $('#esc-form');
    const ch = ef.elements.notice.value;
    if (ch !== 'none') requestNotice(ch, ch === 'sms' ? fr.form.mobile : ef.elements.email.value.trim());
    closeOverlay($('#escalate-view'));
    setStatus({ mode: 'waiting', position: f.position });
  }
}

function onError(f) {
  const fr = f.reply_to ? takeOutbox(f.reply_to) : null;
  if (f.code === 'rate_limited') {
    if (fr) addOutbox(fr);
    notice('发送过于频繁，稍后将自动重发。');
    setTimeout(() => outbox().forEach(send), 2000);
    return;
  }
  if (fr && fr.type === 'escalate') return intake.showErrors(f);
  if (f.code === 'invalid_token') return notice('会话凭证已失效或过期，已为您开始新的会话。');
  // Sent before close code 1012: the close handler reconnects; nothing failed in the conversation.
  if (f.code === 'unavailable' && !f.reply_to) return setConn('服务正在重启，稍后将自动重新连接…', true);
  const bubble = f.reply_to && document.querySelector(`[data-id="${CSS.escape(f.reply_to)}"]`);
  if (bubble) {
    bubble.classList.remove('sending');
    bubble.classList.add('failed');
    bubble.append(el('p', { class: 'fail-note', text: f.message }));
  } else {
    notice(f.message);
  }
}

// ---- rendering ----
function clearLog() {
  for (const n of [...$('#log').querySelectorAll('[data-seq], .notice')]) n.remove();
  state.lastSeq = 0;
  state.lastAnswer = null;
}

// insert places a stored message by its sequence number, before unsent bubbles.
function insert(node, seq) {
  const log = $('#log');
  node.dataset.seq = seq;
  for (const c of log.children) {
    const unsent = c.classList.contains('sending') && !c.dataset.seq;
    if (unsent || Number(c.dataset.seq) > seq) { log.insertBefore(node, c); return; }
  }
  log.append(node);
}

function render(m) {
  if (m.seq && document.querySelector(`#log [data-seq="${m.seq}"]:not(.sending)`)) return; // already shown
  state.lastSeq = Math.max(state.lastSeq, m.seq || 0);
  let node;
  if (m.type === 'message' && m.role === 'enterprise') {
    const mine = m.id && document.querySelector(`[data-id="${CSS.escape(m.id)}"]`);
    if (mine) { mine.classList.remove('sending'); mine.remove(); node = mine; }
    else node = userBubble(m.text, m.id);
    state.lastQuestion = m.text;
    if (m.mode === 'waiting' || m.mode === 'with_judge') {
      if (!node.querySelector('.route')) node.append(el('p', { class: 'route', text: '已转给法官' }));
    }
  } else if (m.type === 'message' && m.visit_id) {
    // A step of a 法官进企业 request: the newest notice of each request carries its status card.
    node = el('div', { class: 'msg system visit', role: 'note', 'data-visit': m.visit_id },
      el('p', { class: 'who', text: '法官进企业' }), el('p', { text: m.text }));
    refreshVisits();
  } else if (m.type === 'message') {
    node = el('div', { class: 'msg system', role: 'note' }, el('p', { text: m.text }));
  } else if (m.type === 'judge_message') {
    node = el('article', { class: 'msg judge', 'aria-label': `${m.judge}的答复` },
      el('p', { class: 'who', text: `${m.judge || '法官'} · 法官答复` }), liteMarkdown(m.text));
    if (state.mode === 'with_judge') { state.judgeReplied = true; setStatus({ mode: state.mode, judge: state.judge }); }
  } else {
    node = answerBubble(m, state.lastQuestion);
    state.lastAnswer = m;
    if (m.case_number) state.caseNumber = m.case_number;
  }
  insert(node, m.seq);
  if (node.querySelector('.escalate')) syncEscalateButtons();
  node.scrollIntoView({ block: 'end' });
}

function userBubble(text, id) {
  const n = el('div', { class: 'msg user' }, el('p', { class: 'text', text }));
  if (id) n.dataset.id = id;
  return n;
}

const reasonText = {
  explicit_request: '您希望由法官答复',
  specific_case: '问题涉及具体案件',
  urgent_enforcement: '情况紧急，涉及执行措施',
  complaint: '涉及对案件办理的意见',
  uncovered_legal: '知识库尚无相应解答',
};

// clarifyOptions offers the articles a question may mean; a pick is answered at once.
function clarifyOptions(a, question) {
  const box = el('div', { class: 'clarify', role: 'group', 'aria-label': '请选择您想了解的内容' },
    ...a.options.map((o) => el('button', {
      type: 'button', class: 'option', 'data-slug': o.slug,
      onclick: (ev) => {
        box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
        ev.currentTarget.setAttribute('aria-pressed', 'true');
        choose(question, o);
      },
    }, o.title)));
  return box;
}

function choose(question, o) {
  const frame = { type: 'choose', id: newId(), text: question, slug: o.slug };
  addOutbox(frame);
  const b = userBubble(`我想了解：《${o.title}》`, frame.id);
  b.classList.add('sending');
  $('#log').append(b);
  b.scrollIntoView({ block: 'end' });
  send(frame);
}

function answerBubble(a, question) {
  const n = el('article', { class: 'msg bot', 'aria-label': '智能助手的回答' });
  n.append(el('p', { class: 'who', text: '智能助手' }));
  if (a.intent === 'clarify' && a.options && a.options.length) {
    n.append(el('p', { class: 'text', text: a.answer }), clarifyOptions(a, question || ''));
    return n;
  }
  if (a.passage && a.passage.text) {
    n.append(el('section', { class: 'passage' },
      a.passage.heading ? el('h3', { text: a.passage.heading }) : '',
      el('p', { text: a.passage.text })));
  }
  if (a.summary) {
    if (a.intent === 'escalate') n.append(el('p', { class: 'intro', text: a.answer.split('\n\n')[0] }));
    n.append(el('p', { class: 'summary', text: a.summary }));
  } else {
    n.append(el('p', { class: 'text', text: a.answer }));
  }
  if (a.legal_basis && a.legal_basis.length) {
    n.append(el('section', { class: 'basis' }, el('h3', { text: '法律依据' }),
      el('ul', {}, ...a.legal_basis.map(basisItem))));
  }
  if (a.sources && a.sources.length && a.summary) {
    n.append(el('section', { class: 'sources' }, el('h3', { text: '参考文章' }),
      el('ul', {}, ...a.sources.slice(0, 3).map((s) => el('li', {},
        el('button', { type: 'button', class: 'link source', 'data-slug': s.slug, onclick: () => openArticle(s.slug) },
          `《${s.title}》`))))));
  }
  if (a.related_questions && a.related_questions.length) {
    n.append(el('section', { class: 'related' }, el('h3', { text: '您可能还想问' }),
      el('ul', {}, ...a.related_questions.slice(0, 3).map((q) => el('li', {},
        el('button', { type: 'button', class: 'link', onclick: () => ask(q) }, q))))));
  }
  if (a.escalation && a.escalation.suggested) {
    n.append(el('div', { class: 'escalate' },
      el('p', { text: `建议转交法官：${reasonText[a.escalation.reason] || '需要法官答复'}` }),
      el('button', { type: 'button', class: 'primary escalate-btn', onclick: () => intake.open(a) }, '转交法官')));
  }
  if (a.offer === 'visit') {
    n.append(el('div', { class: 'escalate visit-offer' },
      el('p', { text: '需要法官到企业、园区或商会开展讲座、合规体检或座谈？可以直接在线提交申请。' }),
      el('button', { type: 'button', class: 'primary visit-offer-btn', onclick: openVisitForm }, '预约法官进企业')));
  }
  if (a.intent === 'answer' || a.summary) {
    const yes = el('button', { type: 'button', class: 'fb', 'aria-pressed': String(a.feedback === 1) }, '有帮助');
    const no = el('button', { type: 'button', class: 'fb', 'aria-pressed': String(a.feedback === -1) }, '没帮助');
    const vote = (helpful) => {
      yes.setAttribute('aria-pressed', String(helpful));
      no.setAttribute('aria-pressed', String(!helpful));
      send({ type: 'feedback', id: newId(), seq: Number(n.dataset.seq), helpful });
    };
    yes.addEventListener('click', () => vote(true));
    no.addEventListener('click', () => vote(false));
    n.append(el('div', { class: 'feedback', role: 'group', 'aria-label': '这个回答有帮助吗' }, yes, no));
  }
  if (a.summary) n.append(el('p', { class: 'disclaimer', text: '以上内容为一般性法律信息，仅供参考，不代表法院对任何具体案件的意见。' }));
  return n;
}

function notice(text) {
  const n = el('div', { class: 'notice', role: 'alert' }, el('p', { text }));
  $('#log').append(n);
  n.scrollIntoView({ block: 'end' });
}

function setStatus(s) {
  if (s.mode !== state.mode) state.judgeReplied = false;
  state.mode = s.mode;
  state.judge = s.judge || '';
  const bar = $('#status');
  let text = '';
  switch (s.mode) {
    case 'waiting': text = s.position ? `排队中（第 ${s.position} 位），法官接手后会在这里答复您` : '排队中，法官接手后会在这里答复您'; break;
    case 'with_judge': text = state.judgeReplied ? `已答复：${state.judge || '法官'}已回复，您可以继续留言` : `法官已接手：${state.judge || '法官'}正在处理您的问题`; break;
    case 'resolved': text = '已结束：法官已办结本次咨询，您可以继续向智能助手提问'; break;
  }
  bar.textContent = text;
  bar.hidden = !text;
  bar.className = `status ${s.mode}`;
  const toJudge = s.mode === 'waiting' || s.mode === 'with_judge';
  $('#route-note').textContent = toJudge ? '· 您的留言将直接转给法官' : '';
  $('#ask-judge').hidden = toJudge;
  syncEscalateButtons();
}

// syncEscalateButtons disables the 转交法官 buttons of earlier answers while the conversation is
// with the judges, and says why: a second request would only be refused after the form is filled.
function syncEscalateButtons() {
  const toJudge = state.mode === 'waiting' || state.mode === 'with_judge';
  for (const box of document.querySelectorAll('.msg .escalate')) {
    const btn = box.querySelector('.escalate-btn');
    if (!btn) continue; // the visit offer shares the box's look, not its purpose
    btn.disabled = toJudge;
    let why = box.querySelector('.queued-note');
    if (toJudge && !why) {
      why = el('span', { class: 'queued-note', id: 'qn-' + Math.random().toString(36).slice(2, 10) });
      box.append(why);
      btn.setAttribute('aria-describedby', why.id);
    }
    if (why) {
      why.textContent = toJudge ? '您的问题已转交法官，无需重复提交；补充情况请直接在下方留言。' : '';
      why.hidden = !toJudge;
    }
  }
}

// ---- asking ----
function ask(text) {
  text = text.trim();
  if (!text) return;
  if ([...text].length > MAX_LEN) { notice(`问题不能超过 ${MAX_LEN} 个字。`); return; }
  const frame = { type: 'ask', id: newId(), text };
  addOutbox(frame);
  const b = userBubble(text, frame.id);
  b.classList.add('sending');
  $('#log').append(b);
  b.scrollIntoView({ block: 'end' });
  state.lastQuestion = text;
  send(frame);
}

function setupComposer() {
  const q = $('#q');
  const form = $('#composer');
  const count = () => { $('#count').textContent = [...q.value].length; };
  q.addEventListener('input', count);
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ask(q.value);
    q.value = '';
    count();
    q.focus();
  });
  for (const b of document.querySelectorAll('.ask-example')) b.addEventListener('click', () => ask(b.textContent));
  $('#ask-judge').addEventListener('click', () => intake.open(state.lastAnswer));
}

// ---- overlays with focus management ----
let returnFocus = null;

function openOverlay(ov, focus) {
  returnFocus = document.activeElement;
  ov.hidden = false;
  document.body.classList.add('modal-open');
  focus.focus();
}

function closeOverlay(ov) {
  if (ov.hidden) return;
  ov.hidden = true;
  document.body.classList.remove('modal-open');
  if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
  else $('#q').focus();
}

function setupOverlays() {
  for (const ov of document.querySelectorAll('.overlay')) {
    ov.addEventListener('click', (e) => {
      if (e.target === ov || e.target.closest('[data-close]')) closeOverlay(ov);
    });
    ov.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { closeOverlay(ov); return; }
      if (e.key !== 'Tab') return;
      // Keep Tab inside the dialog.
      const items = [...ov.querySelectorAll('button, input, select, textarea, a[href]')].filter((x) => !x.disabled && x.offsetParent);
      if (!items.length) return;
      const first = items[0], last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    });
  }
}

async function openArticle(slug) {
  const ov = $('#article-view');
  $('#article-title').textContent = '正在加载…';
  $('#article-meta').textContent = '';
  $('#article-body').replaceChildren();
  openOverlay(ov, $('#article-title'));
  try {
    const r = await fetch(`/api/v1/articles/${encodeURIComponent(slug)}`);
    if (!r.ok) throw new Error(String(r.status));
    const a = await r.json();
    $('#article-title').textContent = a.title;
    $('#article-meta').textContent = `${a.category_name} · ${a.kind_name} · 更新于 ${a.updated_at}`;
    const body = $('#article-body');
    body.append(el('p', { class: 'summary', text: a.summary }));
    const html = el('div', { class: 'html' });
    html.innerHTML = a.html; // sanitised on the server; the CSP forbids inline scripts besides
    body.append(html);
    if (a.legal_basis && a.legal_basis.length) {
      // A 合规建议 body has its own 法律依据 section; this list then offers the texts, not a second one.
      const own = a.html.includes('<h2>法律依据</h2>');
      body.append(el('section', { class: 'basis' }, el('h3', { text: own ? '查看法条原文' : '法律依据' }),
        el('ul', {}, ...a.legal_basis.map(basisItem))));
    }
    body.append(el('p', {}, el('a', { href: `/kb/${a.slug}`, target: '_blank', rel: 'noopener' }, '在新页面打开全文')));
  } catch {
    $('#article-title').textContent = '文章暂时无法打开，请稍后再试';
  }
}

// ---- escalation form (intake.js) ----
const intake = intakeForm({
  state, el, openOverlay,
  submit(form) {
    // A conversation escalates after a question (the server refuses a first escalation without
    // one): when nothing was asked yet, the form's question goes first, as an ordinary question.
    if (!state.lastQuestion && form.question) ask(form.question);
    const frame = { type: 'escalate', id: newId(), form };
    state.pendingEscalation = frame.id;
    addOutbox(frame);
    if (!state.connected) return false;
    send(frame);
    return true;
  },
});

initVisits({ el, openOverlay, closeOverlay });
initNotices({ el });
$('#book-visit').addEventListener('click', openVisitForm);
setupComposer();
setupOverlays();
connect();
$('#q').focus();

// basisItem shows one cited provision; a numbered one opens its official text (法条原文) in place,
// when the court has imported the statutes.
function basisItem(cite) {
  const body = el('div', { class: 'cite-body' });
  const li = el('li', {}, el('span', { class: 'bullet', 'aria-hidden': 'true' }), body);
  if (!/第[零一二三四五六七八九十百千0-9]+条/.test(cite)) {
    body.textContent = cite;
    return li;
  }
  const box = el('div', { class: 'statute', hidden: '' });
  const btn = el('button', { type: 'button', class: 'link cite', 'aria-expanded': 'false', text: cite });
  btn.addEventListener('click', async () => {
    const open = btn.getAttribute('aria-expanded') === 'true';
    btn.setAttribute('aria-expanded', String(!open));
    box.hidden = open;
    if (open || box.dataset.loaded) return;
    box.textContent = '正在加载法条原文…';
    try {
      const r = await fetch('/api/v1/statutes/lookup?cite=' + encodeURIComponent(cite));
      if (r.status === 404) { box.textContent = '暂未收录该条文的原文。'; return; }
      if (!r.ok) throw new Error(String(r.status));
      const st = await r.json();
      // Which text this is: the version in force today, and a newer one that is not yet.
      const when = st.in_force && st.in_force !== st.version ? `${st.version} 版，${st.in_force} 起施行` : `${st.version} 版`;
      box.replaceChildren(el('p', { class: 'who', text: `${st.title}（${when}）${st.label}` }),
        ...st.paragraphs.map((p) => el('p', { text: p })));
      if (st.pending) box.append(el('p', { class: 'warn', text: `提示：新文本将于 ${st.pending} 起施行，届时条文内容或序号可能变化。` }));
      if (st.status && st.status !== 'current') {
        box.append(el('p', { class: 'warn', text: st.status === 'repealed' ? '提示：该条文已被废止。' : '提示：该条文已被修改，请以现行有效文本为准。' }));
      }
      box.dataset.loaded = '1';
    } catch {
      box.textContent = '法条原文暂时无法打开，请稍后再试。';
    }
  });
  body.append(btn, box);
  return li;
}
