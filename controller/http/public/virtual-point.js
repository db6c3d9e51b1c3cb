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
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = tr(el.dataset.i18nTitle);
  if (last) render(last);
  void refreshPanels();
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
    ...(alarms.length
      ? alarms.map((a) => Object.assign(document.createElement('li'), { textContent: tr(`alarm.${a}`) }))
      : [Object.assign(document.createElement('span'), { textContent: tr('alarm.none') })]),
  );
  $('fire').textContent = tr(alarms.includes('fire') ? 'sim.fire.off' : 'sim.fire.on');
  $('fire').dataset.active = alarms.includes('fire') ? '1' : '0';
  // the status is translated; the detail is technician text (English) after it
  $('hardware').replaceChildren(
    ...(s.hardware ?? []).map((h) => {
      const li = Object.assign(document.createElement('li'), { textContent: `${h.name}: ${tr(`hardware.${h.status}`)}` });
      if (h.detail) li.append(' – ', Object.assign(document.createElement('small'), { lang: 'en', className: 'detail', textContent: h.detail }));
      return li;
    }),
  );
  // simulated serial boards: pull / replug the cable of each link
  $('cables').replaceChildren(
    ...(s.sim?.cables ?? []).map((c) => {
      const b = Object.assign(document.createElement('button'), {
        type: 'button',
        textContent: `${tr(c.plugged ? 'sim.cable.pull' : 'sim.cable.plug')}: ${c.boards.join(', ')}`,
      });
      b.addEventListener('click', () => post('/api/sim/cable', { board: c.boards[0], plugged: !c.plugged }));
      return b;
    }),
  );
  $('lastSeq').textContent = String(s.ledger?.lastSeq ?? 0);
  $('outbox').textContent = String(s.ledger?.outbox ?? 0);
  $('decisions').replaceChildren(
    ...(s.recentDecisions ?? []).map((d) =>
      Object.assign(document.createElement('li'), {
        textContent: `${new Date(d.at).toLocaleTimeString(lang)} – ${d.memberId ?? '?'}: ${tr(`reason.${d.reason}`)}`,
      }),
    ),
  );
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

// ---- lockers, fridges, open alarms (read over HTTP on every live message and every 2 s) ----
/** An element with properties and children (null children are left out). */
function h(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}
const celsius = (tenths) => `${(tenths / 10).toFixed(1)} °C`;
let dropOffSession = null;
let refreshing = false;

function renderLockers(l) {
  $('compartments').replaceChildren(
    ...(l.compartments.length
      ? l.compartments.map((c) =>
          h(
            'li',
            { className: c.status, title: c.outOfServiceReason ?? '' },
            h('b', { textContent: `${c.id} (${c.size})` }),
            tr(
              {
                free: 'locker.status.free',
                reserved: 'locker.status.reserved',
                occupied: 'locker.status.occupied',
                open: 'locker.status.open',
                'out-of-service': 'locker.status.out-of-service',
              }[c.status],
            ),
            ' · ',
            tr(c.latched === null ? 'locker.door.unknown' : c.latched ? 'locker.door.closed' : 'locker.door.open'),
          ),
        )
      : [h('li', { textContent: tr('locker.none') })]),
  );
  dropOffSession = l.dropOff?.sessionId ?? null;
}

function renderFridges(fridges, sims) {
  const simOf = new Map(sims.map((x) => [x.id, x]));
  $('fridges').replaceChildren(
    ...(fridges.length
      ? fridges.map((f) => {
          const sim = simOf.get(f.id);
          const status = f.blocked
            ? h('span', { className: 'blocked', textContent: tr('fridge.blocked') })
            : f.above
              ? h('span', { className: 'above', textContent: tr('fridge.above') })
              : h('span', { className: 'ok', textContent: tr('fridge.ok') });
          const buttons = sim
            ? h(
                'div',
                { className: 'buttons' },
                fridgeButton(f.id, sim.doorOpen ? 'close-door' : 'open-door', tr(sim.doorOpen ? 'sim.fridge.close-door' : 'sim.fridge.open-door')),
                fridgeButton(f.id, sim.powered ? 'cut-power' : 'restore-power', tr(sim.powered ? 'sim.fridge.cut-power' : 'sim.fridge.restore-power')),
              )
            : null;
          return h(
            'li',
            {},
            h('b', { textContent: f.name }),
            ' ',
            h('span', { className: 'temp', textContent: f.last ? celsius(f.last.tenths) : tr('fridge.noReading') }),
            ` (${tr('fridge.limit')} ${celsius(f.limitTenths)}) `,
            status,
            f.doorOpen ? h('span', { className: 'above', textContent: ` · ${tr('fridge.door.open')}` }) : null,
            sim && !sim.powered ? h('span', { className: 'above', textContent: ` · ${tr('sim.fridge.unpowered')}` }) : null,
            buttons,
          );
        })
      : [h('li', { textContent: tr('fridge.none') })]),
  );
}

function fridgeButton(fridge, action, label) {
  const b = h('button', { type: 'button', textContent: label });
  b.addEventListener('click', async () => {
    await post('/api/sim/fridge', { fridge, action });
    void refreshPanels();
  });
  return b;
}

function renderOpenAlarms(alarms) {
  $('openAlarms').replaceChildren(
    ...(alarms.length
      ? alarms.map((a) =>
          h(
            'li',
            { className: a.severity },
            a.message,
            a.acknowledged ? ` (${tr('alarm.acknowledged')})` : '',
            h('small', { lang: 'en', textContent: `${a.key} · ${new Date(a.since).toLocaleTimeString(lang)} · ${a.reason}` }),
          ),
        )
      : [h('li', { textContent: tr('alarm.none') })]),
  );
}

async function refreshPanels() {
  if (refreshing) return;
  refreshing = true;
  try {
    const get = async (path, fallback) => {
      const r = await fetch(path, { headers: { 'accept-language': lang } });
      return r.ok ? r.json() : fallback;
    };
    const [lockers, fridges, sims, alarms] = await Promise.all([
      get('/api/lockers', { compartments: [], dropOff: null }),
      get('/api/fridges', { fridges: [] }),
      get('/api/sim/fridges', []),
      get('/api/alarms', { alarms: [] }),
    ]);
    renderLockers(lockers);
    renderFridges(fridges.fridges, sims);
    renderOpenAlarms(alarms.alarms);
  } catch {
    // the point restarts: the next live message or tick tries again
  } finally {
    refreshing = false;
  }
}

function showLockerAnswer(target, r) {
  $(target).textContent = r.message ?? r.error ?? '';
  $(target).title = r.detail ?? '';
  $(target).className = `decision ${r.ok ? 'granted' : 'denied'}`;
}

async function dropOffStep(body) {
  const r = await post('/api/lockers/drop-off', body);
  if (r.sessionId) dropOffSession = r.state === 'ended' ? null : r.sessionId;
  showLockerAnswer('dropOffMessage', r);
  void refreshPanels();
}

async function loadCredentials() {
  const res = await fetch('/api/sim/credentials');
  if (!res.ok) return;
  const creds = await res.json();
  $('credentials').replaceChildren(
    ...creds.map((c) => {
      const div = document.createElement('div');
      div.className = 'credential';
      if (c.qrSvg) div.innerHTML = c.qrSvg;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.label;
      b.dataset.testid = `credential-${c.memberId}`;
      b.addEventListener('click', async () => {
        if (c.token) showDecision(await post('/api/entry/token', { token: c.token }));
        else if (c.cardUid) {
          $('cardUid').value = c.cardUid;
          $('cardPin').focus();
        }
      });
      const note = Object.assign(document.createElement('small'), { textContent: tr(c.note) });
      note.dataset.i18n = c.note;
      div.append(b, note);
      return div;
    }),
  );
  // the demo courier's credential, ready for the drop-off form
  const courier = creds.find((c) => c.note === 'demo.note.courier' && c.token);
  if (courier) $('courierToken').value = courier.token;
}

function connectLive() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'state') {
      render(msg.state);
      void refreshPanels();
    }
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
$('lang').addEventListener('click', () => {
  lang = lang === 'de' ? 'en' : 'de';
  void loadMessages();
});
$('pasteForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  showDecision(await post('/api/entry/token', { token: $('tokenInput').value.trim() }));
});
$('cardForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  showDecision(await post('/api/entry/card', { uid: $('cardUid').value.trim(), pin: $('cardPin').value }));
  $('cardPin').value = '';
});

for (const b of document.querySelectorAll('[data-key]')) {
  b.addEventListener('click', () => {
    $('pickupCode').value += b.dataset.key;
  });
}
$('keypadClear').addEventListener('click', () => {
  $('pickupCode').value = '';
});
$('pickupForm').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('pickupCode').value.trim();
  if (!code) return;
  showLockerAnswer('pickupMessage', await post('/api/lockers/pickup', { code }));
  $('pickupCode').value = ''; // a code is not left on the screen for the next person
  void refreshPanels();
});
$('dropOffStart').addEventListener('click', () => dropOffStep({ step: 'start', token: $('courierToken').value.trim() }));
$('dropOffRef').addEventListener('click', () => dropOffStep({ step: 'reference', sessionId: dropOffSession ?? '-', reference: $('parcelRef').value.trim() }));
for (const b of document.querySelectorAll('[data-size]')) {
  b.addEventListener('click', () => dropOffStep({ step: 'size', sessionId: dropOffSession ?? '-', size: b.dataset.size }));
}
$('dropOffCancel').addEventListener('click', () => dropOffStep({ step: 'cancel', sessionId: dropOffSession ?? '-' }));

await loadMessages();
await loadCredentials();
connectLive();
void refreshPanels();
setInterval(() => void refreshPanels(), 2000);
