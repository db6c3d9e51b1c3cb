import mqtt from 'mqtt';

/**
 * Clears retained messages under `dorfpunkt/v1/+/…` whose site id matches `sitePattern` on a
 * broker that outlives the test run (the shared Mosquitto persists retained births and Wills),
 * so later runs do not replay thousands of stale site states into every new backoffice.
 */
export async function clearRetained(url: string, sitePattern: RegExp, settleMs = 300): Promise<number> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, clientId: `_clear-${process.pid}-${Date.now()}` });
  const topics = new Set<string>();
  client.on('message', (topic, payload, packet) => {
    const site = topic.split('/')[2] ?? '';
    if (packet.retain && payload.length > 0 && sitePattern.test(site)) topics.add(topic);
  });
  try {
    await client.subscribeAsync('dorfpunkt/v1/+/up/#', { qos: 0 });
    await new Promise((r) => setTimeout(r, settleMs)); // retained messages arrive right after SUBACK
    for (const t of topics) await client.publishAsync(t, Buffer.alloc(0), { qos: 1, retain: true });
    return topics.size;
  } finally {
    await client.endAsync();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? 'mqtt://127.0.0.1:1883';
  const pattern = new RegExp(process.argv[3] ?? '.*');
  clearRetained(url, pattern, 1500).then((n) => console.log(`cleared ${n} retained messages on ${url}`));
}
