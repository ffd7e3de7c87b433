// The 转交法官 intake form of the chat page: it checks every field at once before sending, carries
// over the case number the assistant recognised, and shows the server's field errors beside the
// fields. The page owns the connection; submit(form) sends the escalate frame and reports false
// when offline (the frame is then sent on reconnect).

const $ = (sel) => document.querySelector(sel);

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function intakeForm({ state, el, openOverlay, submit }) {
  // creditCodeProblem mirrors the server's GB 32100-2015 check for an early hint; the server decides.
  function creditCodeProblem(code) {
    if (code.length !== 18) return '统一社会信用代码应为 18 位';
    let sum = 0;
    for (let i = 0; i < 17; i++) {
      const v = CODE_CHARS.indexOf(code[i]);
      if (v < 0) return '统一社会信用代码含有不允许的字符';
      sum += v * CODE_WEIGHTS[i];
    }
    return CODE_CHARS[(31 - (sum % 31)) % 31] === code[17] ? '' : '统一社会信用代码校验位不正确，请核对是否输错';
  }

  async function loadCourts() {
    if (state.courts) return;
    const r = await fetch('/api/v1/courts');
    const { courts } = await r.json();
    state.courts = courts;
    const sel = $('#f-city');
    for (const c of courts) sel.append(el('option', { value: c.code }, `${c.name}（${c.court}）`));
  }

  function openForm(answer) {
    if (state.mode === 'waiting' || state.mode === 'with_judge') return; // already with the judges
    const f = $('#esc-form');
    clearFormErrors();
    if (!f.elements.question.value) f.elements.question.value = state.lastQuestion;
    if (!f.elements.case_number.value && state.caseNumber) f.elements.case_number.value = state.caseNumber;
    const reason = answer && answer.escalation && answer.escalation.suggested ? answer.escalation.reason : '';
    f.dataset.reason = reason;
    const enforcement = reason === 'urgent_enforcement' ||
      !!(answer && answer.sources && answer.sources[0] && answer.sources[0].category === 'enforcement');
    if (enforcement) f.elements.enforcement.checked = true;
    $('#impact').hidden = !f.elements.enforcement.checked;
    openOverlay($('#escalate-view'), $('#esc-title'));
    loadCourts().catch(() => showFormErrors({ message: '城市列表加载失败，请稍后再试' }));
  }

  function clearFormErrors() {
    for (const p of document.querySelectorAll('#esc-form .err')) p.textContent = '';
    for (const i of document.querySelectorAll('#esc-form [aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  function showFormErrors(err) {
    clearFormErrors();
    let first = null;
    for (const fe of err.fields || []) {
      const p = document.getElementById(`e-${fe.field}`);
      if (!p) continue;
      p.textContent = fe.message;
      const input = p.parentElement.querySelector('input, select, textarea');
      if (input) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-errormessage', p.id); first = first || input; }
    }
    if (!first) $('#e-form').textContent = err.message || '提交失败，请稍后再试';
    else if ((err.fields || []).length > 1) $('#e-form').textContent = `有 ${err.fields.length} 处需要修改，已在各项下方标出。`;
    (first || $('#esc-submit')).focus();
  }

  // fold turns full-width letters and digits into ASCII, as the server does.
  const fold = (s) => s.replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));

  // formProblems finds every missing or malformed field at once, with the server's messages, so the
  // enterprise fixes them in one go; the server checks again and decides.
  function formProblems(f, credit) {
    const v = (name) => f.elements[name].value.trim();
    const out = [];
    const need = (field, ok, message) => { if (!ok) out.push({ field, message }); };
    need('company', [...v('company')].length >= 2, v('company') ? '企业名称至少 2 个字' : '请填写企业名称');
    const creditProblem = credit ? creditCodeProblem(credit) : '请填写统一社会信用代码';
    need('credit_code', !creditProblem, creditProblem);
    need('contact', v('contact') !== '', '请填写联系人');
    const mobile = fold(v('mobile')).replace(/[\s\-]/g, '').replace(/^\+?86/, '');
    need('mobile', /^1[3-9][0-9]{9}$/.test(mobile), '请填写 11 位手机号码');
    need('city', v('city') !== '', '请选择所在城市');
    need('question', v('question') !== '', '请填写问题描述');
    if (f.elements.enforcement.checked) {
      need('impact.seized', v('seized') !== '', '涉及执行或查封冻结的，请填写被冻结、查封的财产情况');
    }
    return out;
  }

  function setupForm() {
    const f = $('#esc-form');
    f.elements.enforcement.addEventListener('change', () => { $('#impact').hidden = !f.elements.enforcement.checked; });
    // An enforcement matter needs the impact facts: choosing that category ticks the box.
    f.elements.category.addEventListener('change', () => {
      if (f.elements.category.value === 'enforcement') f.elements.enforcement.checked = true;
      $('#impact').hidden = !f.elements.enforcement.checked;
    });
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = (name) => f.elements[name].value.trim();
      const credit = fold(v('credit_code')).toUpperCase().replace(/[\s-]/g, '');
      const problems = formProblems(f, credit);
      if (problems.length) { showFormErrors({ fields: problems }); return; }
      const form = {
        company: v('company'), credit_code: credit, contact: v('contact'), mobile: v('mobile'), city: v('city'),
        case_number: v('case_number'), category: v('category'), question: v('question'), reason: f.dataset.reason || '',
        enforcement: f.elements.enforcement.checked,
      };
      if (form.enforcement) {
        form.impact = {
          seized: v('seized'), production_stopped: f.elements.production_stopped.checked,
          payroll_stopped: f.elements.payroll_stopped.checked, employees: Number(v('employees') || 0),
          deadline: v('deadline'),
        };
      }
      if (!submit(form)) $('#e-form').textContent = '网络已断开，恢复连接后将自动提交';
    });
  }

  setupForm();
  return { open: openForm, showErrors: showFormErrors };
}
