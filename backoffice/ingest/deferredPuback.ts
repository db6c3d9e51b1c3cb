/**
 * PUBACK after the commit, without one-at-a-time processing.
 *
 * MQTT.js sends the PUBACK of a QoS 1 message when the `handleMessage` callback runs, and only
 * then reads the next packet (mqtt 5.16 `handlers/publish.js` + the `work` loop in `client.js`).
 * Calling back only after the commit therefore allows one batch per transaction. To commit several
 * batches together, the router calls back at once with `SKIP_PUBACK` (an error there makes
 * handlePublish skip its PUBACK and go on with the next packet) and sends each PUBACK itself once
 * the message is processed (committed), in receipt order, and only on the connection the message
 * came in on: after a reconnect a stale packet id could acknowledge another message, so it is
 * dropped (the broker redelivers or the point resends; the point only trusts `down/ack` anyway).
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

interface Slot {
  connection: ConnectionToken;
  messageId: number;
  done: boolean;
}

/**
 * PUBACKs in receipt order (MQTT 3.1.1 [MQTT-4.6.0-2]) for messages that finish out of order
 * (event batches commit in groups while presence messages are handled on their own lane): a
 * finished message's PUBACK goes out once every earlier one has gone out.
 */
export class PubackSequencer {
  private readonly slots: Slot[] = [];
  private waiters: { below: number; resolve: () => void }[] = [];

  constructor(
    private readonly client: MqttClient,
    private readonly onDropped: (messageId: number) => void = () => undefined,
  ) {}

  /** Messages received and not yet PUBACKed. */
  get outstanding(): number {
    return this.slots.length;
  }

  open(connection: ConnectionToken, messageId: number): Slot {
    const slot: Slot = { connection, messageId, done: false };
    this.slots.push(slot);
    return slot;
  }

  complete(slot: Slot): void {
    slot.done = true;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const s = this.slots.shift()!;
      if (!sendPuback(this.client, s.connection, s.messageId)) this.onDropped(s.messageId);
    }
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => this.slots.length < w.below);
      this.waiters = this.waiters.filter((w) => this.slots.length >= w.below);
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves once fewer than `below` messages wait for their PUBACK. */
  whenBelow(below: number): Promise<void> {
    if (this.slots.length < below) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }
}
