// The virtual point page's card reader, scanner and receipt printer panels (issue 10): present a
// card, a declined card or walk away at the simulated reader (the Stripe fake's Terminal test
// helpers); click a product and the simulated serial scanner reads its barcode into the kiosk's
// cart; the printer's paper as the simulator decoded it from the ESC/POS bytes. Texts from /api/i18n.
const $ = (id) => document.getElementById(id);
let messages = {};
const tr = (key) => messages[key] ?? key;
const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'de');
let shownLang = null;

async function loadMessages() {
  shownLang = lang();
  messages = (await (await fetch(`/api/i18n?lang=${shownLang}`)).json()).messages;
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': lang() }, body: JSON.stringify(body) });
  return res.json();
}

const euro = (cents) => (cents / 100).toLocaleString('de-DE', { style: 'currency', currency: 'EUR' });

async function loadProducts() {
  const { products } = await (await fetch('/api/sim/products')).json();
  $('scanProducts').replaceChildren(
    ...products.map((p) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: `${p.name} – ${euro(p.priceCents)}` });
      b.dataset.gtin = p.gtin;
      b.addEventListener('click', async () => {
        const r = await post('/api/sim/scan', { code: p.gtin });
        $('scanMessage').textContent = r.ok ? `▮▯▮ ${p.gtin}` : (r.message ?? '');
      });
      return b;
    }),
  );
}

async function refreshPrinter() {
  if (shownLang !== lang()) await loadMessages();
  const p = await (await fetch('/api/sim/printer')).json();
  $('paperState').textContent = p.present ? tr(`sim.printer.paper.${p.paper}`) : tr('receipt.outcome.noPrinter');
  const receipts = [...p.receipts].reverse();
  $('paper').replaceChildren(
    ...(receipts.length
      ? receipts.map((r) => Object.assign(document.createElement('pre'), { className: 'receipt', textContent: r.text.join('\n') }))
      : [Object.assign(document.createElement('p'), { textContent: tr('sim.printer.empty') })]),
  );
}

for (const b of document.querySelectorAll('[data-reader]')) {
  b.addEventListener('click', async () => {
    const r = await post('/api/sim/reader', { action: b.dataset.reader });
    $('readerMessage').textContent = r.message;
  });
}
for (const b of document.querySelectorAll('[data-paper]')) {
  b.addEventListener('click', async () => {
    await post('/api/sim/printer', { paper: b.dataset.paper });
    void refreshPrinter();
  });
}

await loadMessages();
await loadProducts();
void refreshPrinter();
setInterval(() => void refreshPrinter(), 1000);
