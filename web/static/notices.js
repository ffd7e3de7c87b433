// 进展提醒: the enterprise's SMS or e-mail notices of a judge's claim, reply or resolution, asked
// for in the intake form. The panel under the status bar confirms the contact with the one-time
// code, shows what is on, and withdraws the consent. Every call carries the chat's visitor token.

const TOKEN_KEY = 'courtdesk.token';
const $ = (sel) => document.querySelector(sel);
let el = null;
let consent = null;
let message = '';

async function call(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Visitor-Token': localStorage.getItem(TOKEN_KEY) || '' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((data.error && data.error.message) || '操作失败，请稍后再试');
  return data;
}

const channelName = { sms: '短信', email: '电子邮件' };

function draw() {
  const box = $('#notices');
  if (!consent || consent.channel === 'none') {
    box.hidden = !message;
    box.replaceChildren(...(message ? [el('p', { class: 'notice-msg' }, message)] : []));
    return;
  }
  const parts = [];
  if (consent.verified) {
    parts.push(el('p', {}, `已开通${channelName[consent.channel]}提醒（${consent.contact}）：法官接手、答复或办结时通知您，内容不含答复正文。`));
  } else {
    const code = el('input', { id: 'notice-code', inputmode: 'numeric', maxlength: '6', autocomplete: 'one-time-code',
      'aria-label': '验证码', placeholder: '6 位验证码' });
    const ok = el('button', { type: 'button', id: 'notice-verify' }, '确认');
    ok.addEventListener('click', () => act(() => call('POST', '/api/v1/notices/verify', { code: code.value.trim() }), '提醒已开通。'));
    const again = el('button', { type: 'button', class: 'secondary', id: 'notice-resend' }, '重新发送');
    again.addEventListener('click', () => act(() => call('POST', '/api/v1/notices/consent', { channel: consent.channel, contact: consent.pendingContact || '' }), '验证码已重新发送。'));
    parts.push(el('p', {}, `验证码已发送至 ${consent.contact}，10 分钟内有效。确认后开通${channelName[consent.channel]}提醒。`),
      el('div', { class: 'notice-row' }, code, ok, consent.pendingContact ? again : null));
  }
  const stop = el('button', { type: 'button', class: 'link', id: 'notice-withdraw' }, consent.verified ? '撤回同意，不再提醒' : '不需要提醒');
  stop.addEventListener('click', () => act(() => call('DELETE', '/api/v1/notices/consent'), '已撤回同意，不再发送提醒。'));
  parts.push(stop);
  if (message) parts.push(el('p', { class: 'notice-msg', role: 'status' }, message));
  box.replaceChildren(...parts);
  box.hidden = false;
}

async function act(fn, done) {
  try {
    const pending = consent && consent.pendingContact;
    consent = await fn();
    if (pending && !consent.verified) consent.pendingContact = pending;
    message = done;
  } catch (e) {
    message = e.message;
  }
  draw();
}

// refreshNotices reads the conversation's consent (after each hello: the token may be new).
export async function refreshNotices() {
  try { consent = await call('GET', '/api/v1/notices'); } catch { return; }
  const p = $('#notice-purpose');
  if (p && consent.purpose) p.textContent = consent.purpose;
  draw();
}

// requestNotice asks for a code to contact on channel (from the intake form).
export function requestNotice(channel, contact) {
  return act(async () => {
    const c = await call('POST', '/api/v1/notices/consent', { channel, contact });
    c.pendingContact = contact;
    return c;
  }, '');
}

export function initNotices(helpers) {
  el = helpers.el;
  const f = $('#esc-form');
  for (const r of f.querySelectorAll('input[name="notice"]')) {
    r.addEventListener('change', () => { $('#n-email-field').hidden = f.elements.notice.value !== 'email'; });
  }
}
