/**
 * PUBACK after the commit, without one-at-a-time processing.
 *
 * MQTT.js sends the PUBACK of a QoS 1 message when the `handleMessage` callback runs, and only
 * then reads the next packet (mqtt 5.16 `handlers/publish.js` + the `work` loop in `client.js`).
 * Calling back only after the commit therefore allows one batch per transaction. To commit several
 * batches together, the router calls back at once with `SKIP_PUBACK` (an error there makes
 * handlePublish skip its PUBACK and go on with the next packet) and sends each PUBACK itself after
 * the commit, in receipt order, and only on the connection the message came in on: after a
 * reconnect a stale packet id could acknowledge another message, so it is dropped (the broker
 * redelivers or the point resends; the point only trusts the backoffice's `down/ack` anyway).
 *
 * This relies on MQTT.js internals (`_sendPacket`); `supportsDeferredPuback` checks for them, and
 * the router falls back to one-at-a-time processing when they are missing.
 */
import type { MqttClient } from 'mqtt';

/** Passed to the `handleMessage` callback: "go on, I send the PUBACK myself". */
export const SKIP_PUBACK: Error = Object.freeze(new Error('PUBACK deferred until after the commit')) as Error;

interface ClientInternals {
  _sendPacket?: (packet: { cmd: 'puback'; messageId: number }, cb?: () => void) => void;
}

export function supportsDeferredPuback(client: MqttClient): boolean {
  return typeof (client as unknown as ClientInternals)._sendPacket === 'function';
}

/** The connection a packet arrived on. */
export type ConnectionToken = object | undefined;

export function currentConnection(client: MqttClient): ConnectionToken {
  return client.stream as unknown as object | undefined;
}

/** Send the PUBACK for `messageId` if `connection` is still the live one; false when dropped. */
export function sendPuback(client: MqttClient, connection: ConnectionToken, messageId: number): boolean {
  if (!client.connected || connection === undefined || currentConnection(client) !== connection) return false;
  (client as unknown as Required<ClientInternals>)._sendPacket({ cmd: 'puback', messageId }, () => undefined);
  return true;
}
