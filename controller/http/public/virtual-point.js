// The virtual point page: live state over WebSocket, simulation controls and credential
// presentation over the controller's HTTP API. Every text comes from /api/i18n.
const $ = (id) => document.getElementById(id);
let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'de';
let messages = {};
let last = null;

const tr = (key) => messages[key] ?? key;

async function loadMessages() {
  const res = await fetch(`/api/i18n?lang=${lang}`);
  messages = (await res.json()).messages;
  document.documentElement.lang = lang;
  document.title = tr('app.title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = tr(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = tr(el.dataset.i18nPlaceholder);
  if (last) render(last);
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': lang },
    body: JSON.stringify(body ?? {}),
  });
  return res.json();
}

function showDecision(d) {
  const el = $('decision');
  el.textContent = d.message ?? d.reason;
  el.title = d.detail ?? ''; // a rejected request: the technical detail for the technician
  el.className = `decision ${d.granted ? 'granted' : 'denied'}`;
}

function render(s) {
  last = s;
  const door = s.door ?? {};
  $('strike').textContent = tr(door.strikeReleased ? 'door.strike.released' : 'door.strike.locked');
  $('strike').className = door.strikeReleased ? 'on' : 'ok';
  $('contact').textContent = tr(door.contactOpen ? 'door.contact.open' : 'door.contact.closed');
  $('siren').textContent = tr(door.sirenOn ? 'door.siren.on' : 'door.siren.off');
  $('siren').className = door.sirenOn ? 'on' : '';
  $('doorState').textContent = door.state ? tr(`door.state.${door.state}`) : '';
  $('occupancy').textContent = String(s.occupancy ?? 0);
  const alarms = door.alarms ?? [];
  $('alarms').replaceChildren(
    ...(alarms.length ? alarms.map((a) => Object.assign(document.createElement('li'), { textContent: tr(`alarm.${a}`) }))
      : [Object.assign(document.createElement('span'), { textContent: tr('alarm.none') })]),
  );
  $('fire').textContent = tr(alarms.includes('fire') ? 'sim.fire.off' : 'sim.fire.on');
  $('fire').dataset.active = alarms.includes('fire') ? '1' : '0';
  // the status is translated; the detail is technician text (English) after it
  $('hardware').replaceChildren(...(s.hardware ?? []).map((h) => {
    const li = Object.assign(document.createElement('li'), { textContent: `${h.name}: ${tr(`hardware.${h.status}`)}` });
    if (h.detail) li.append(' – ', Object.assign(document.createElement('small'), { lang: 'en', className: 'detail', textContent: h.detail }));
    return li;
  }));
  // simulated serial boards: pull / replug the cable of each link
  $('cables').replaceChildren(...(s.sim?.cables ?? []).map((c) => {
    const b = Object.assign(document.createElement('button'), {
      type: 'button',
      textContent: `${tr(c.plugged ? 'sim.cable.pull' : 'sim.cable.plug')}: ${c.boards.join(', ')}`,
    });
    b.addEventListener('click', () => post('/api/sim/cable', { board: c.boards[0], plugged: !c.plugged }));
    return b;
  }));
  $('lastSeq').textContent = String(s.ledger?.lastSeq ?? 0);
  $('outbox').textContent = String(s.ledger?.outbox ?? 0);
  $('decisions').replaceChildren(...(s.recentDecisions ?? []).map((d) => Object.assign(document.createElement('li'), {
    textContent: `${new Date(d.at).toLocaleTimeString(lang)} – ${d.memberId ?? '?'}: ${tr(`reason.${d.reason}`)}`,
  })));
  if (s.sync) {
    $('syncBox').hidden = false;
    $('syncState').textContent = tr(s.sync.connected ? 'sync.online' : 'sync.offline');
    $('syncBacklog').textContent = String(s.sync.backlog ?? 0);
    $('syncLastAck').textContent = String(s.sync.lastAckSeq ?? '–');
    const p = $('syncProgress');
    p.hidden = !s.sync.draining;
    if (typeof s.sync.progress === 'number') p.value = s.sync.progress;
  }
}

async function loadCredentials() {
  const res = await fetch('/api/sim/credentials');
  if (!res.ok) return;
  const creds = await res.json();
  $('credentials').replaceChildren(...creds.map((c) => {
    const div = document.createElement('div');
    div.className = 'credential';
    if (c.qrSvg) div.innerHTML = c.qrSvg;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.label;
    b.dataset.testid = `credential-${c.memberId}`;
    b.addEventListener('click', async () => {
      if (c.token) showDecision(await post('/api/entry/token', { token: c.token }));
      else if (c.cardUid) { $('cardUid').value = c.cardUid; $('cardPin').focus(); }
    });
    const note = Object.assign(document.createElement('small'), { textContent: tr(c.note) });
    note.dataset.i18n = c.note;
    div.append(b, note);
    return div;
  }));
}

function connectLive() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'state') render(msg.state);
  };
  ws.onclose = () => setTimeout(connectLive, 1000);
}

for (const b of document.querySelectorAll('[data-action]')) {
  b.addEventListener('click', async () => {
    const r = await post(`/api/sim/${b.dataset.action}`);
    $('simMessage').textContent = r.message ?? '';
  });
}
$('fire').addEventListener('click', () => post('/api/sim/fire', { active: $('fire').dataset.active !== '1' }));
$('lang').addEventListener('click', () => { lang = lang === 'de' ? 'en' : 'de'; void loadMessages(); });
$('pasteForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  showDecision(await post('/api/entry/token', { token: $('tokenInput').value.trim() }));
});
$('cardForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  showDecision(await post('/api/entry/card', { uid: $('cardUid').value.trim(), pin: $('cardPin').value }));
  $('cardPin').value = '';
});

await loadMessages();
await loadCredentials();
connectLive();
