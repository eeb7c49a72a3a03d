// Ficus dashboard behaviour (served from /assets/dashboard.js; the CSP allows no inline script).
// Every write form sends JSON to the admin API with the session's CSRF token, shows the API's
// refusal (with readiness reasons) in place, and reloads the page once the change is stored.
/* global document, window, fetch, FormData */
'use strict';

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const API_BASE = '/_ficus'; // DASHBOARD_PATH in src/admin/sessions.ts

  function bodyOf(form) {
    const data = new FormData(form);
    const kind = form.dataset.kind;
    const reason = String(data.get('reason') ?? '');
    if (kind === 'mode') {
      const mode = String(data.get('mode'));
      const body = { mode, reason };
      if (mode === 'canary') body.percent = Number(data.get('percent'));
      if (data.get('force')) body.force = true;
      return body;
    }
    if (kind === 'accept') return { route: data.get('route'), pointer: data.get('pointer'), kind: data.get('kind'), reason };
    if (kind === 'kill-switch') return { on: data.get('on') === 'true', reason };
    return Object.fromEntries(data);
  }

  function show(form, text, ok) {
    const out = form.querySelector('output.result');
    if (!out) return;
    out.textContent = text;
    out.className = 'result ' + (ok ? 'ok' : 'error');
  }

  async function submit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      // The API under the dashboard's prefix: the session cookie (Path=/_ficus) is sent only there.
      const response = await fetch(API_BASE + form.dataset.url, {
        method: form.dataset.method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, 'x-ficus-client': 'dashboard' },
        body: JSON.stringify(bodyOf(form)),
        credentials: 'same-origin',
      });
      const payload = await response.json().catch(() => ({}));
      if (!response.ok) {
        const reasons = Array.isArray(payload.reasons) && payload.reasons.length ? ' — ' + payload.reasons.join('; ') : '';
        show(form, (payload.message || 'Refused (' + response.status + ')') + reasons, false);
        return;
      }
      show(form, 'Saved. Reloading…', true);
      window.location.reload();
    } catch (error) {
      show(form, 'Could not reach Ficus: ' + error, false);
    } finally {
      if (button) button.disabled = false;
    }
  }

  function syncPercent(form) {
    const select = form.querySelector('select[name="mode"]');
    const percent = form.querySelector('label.percent');
    if (select && percent) percent.hidden = select.value !== 'canary';
  }

  // Auto-refresh: the page is rendered on the server, so a reload is the refresh. Never while a
  // person is typing (a reason half written is worth more than fresh numbers) or the tab is hidden.
  // The mark counts from this page's load on the browser's clock, so server clock skew cannot lie.
  const mark = document.querySelector('.updated[data-refresh-seconds]');
  if (mark) {
    const loadedAt = Date.now();
    const every = Number(mark.getAttribute('data-refresh-seconds')) || 30;
    const editing = () => {
      const active = document.activeElement;
      if (active && active.matches('input, select, textarea')) return true;
      return [...document.querySelectorAll('form.write input[name="reason"]')].some((input) => input.value !== '');
    };
    const tick = () => {
      const seconds = Math.floor((Date.now() - loadedAt) / 1000);
      const held = editing();
      mark.textContent = (seconds < 5 ? 'updated just now' : 'updated ' + (seconds < 120 ? seconds + ' s' : Math.floor(seconds / 60) + ' min') + ' ago') + (held && seconds >= every ? ' · refresh paused while you type' : '');
      if (seconds >= every && !held && document.visibilityState === 'visible') window.location.reload();
    };
    window.setInterval(tick, 1000);
  }

  for (const form of document.querySelectorAll('form.write')) {
    form.addEventListener('submit', submit);
    if (form.dataset.kind === 'mode') {
      syncPercent(form);
      form.querySelector('select[name="mode"]')?.addEventListener('change', () => syncPercent(form));
    }
  }
})();
