import { Type, type Static } from 'typebox';

/**
 * The `boards` section of the hardware profile: serial boards (firmware-bridge drivers) and what
 * hangs off them. Example:
 *
 *   "boards": {
 *     "devices": [
 *       { "id": "schliessfach-1", "protocol": "kerong", "link": "serial:/dev/serial/by-id/usb-FTDI_...-port0", "address": 0, "channels": 12 },
 *       { "id": "kuehl-relais", "protocol": "modbus", "kind": "relay", "link": "serial:/dev/ttyUSB1?baud=9600", "address": 1, "channels": 4 },
 *       { "id": "kuehl-fuehler", "protocol": "modbus", "kind": "temperature", "link": "serial:/dev/ttyUSB1?baud=9600", "address": 2 },
 *       { "id": "bondrucker", "protocol": "escpos", "link": "usb:04b8:0202" }
 *     ],
 *     "compartments": [ { "id": "A1", "board": "schliessfach-1", "lock": 1, "size": "S" } ],
 *     "relays": [ { "name": "Kühlschrank Licht", "board": "kuehl-relais", "channel": 1 } ],
 *     "inputs": [],
 *     "probes": [ { "name": "Getränkekühlschrank", "board": "kuehl-fuehler" } ]
 *   }
 *
 * Devices sharing a `link` share one RS485 bus (same protocol, distinct addresses). The schema
 * only checks shapes; the per-protocol rules (which fields each protocol takes, address and lock
 * ranges from the drivers' limits, unknown or wrong-protocol boards in mappings, duplicates)
 * live in boardChecks.ts, so each refusal names its field and the allowed range.
 */

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$', description: 'board id, referenced by the mappings' });
const Name = Type.String({ minLength: 1, maxLength: 60 });

/** `escpos`: a receipt printer (firmware-bridge/escpos), its own link, no address; polled for its status. */
export const BoardProtocols = ['kerong', 'modbus', 'ioboard', 'scanner', 'escpos'] as const;
export type BoardProtocol = (typeof BoardProtocols)[number];

export const BoardDeviceSchema = Type.Object(
  {
    id: Id,
    protocol: Type.Enum([...BoardProtocols]),
    /** Link address: serial:/dev/..., usb:VID:PID, tcp://host:port (see firmware-bridge/transport/linkUrl.ts). */
    link: Type.String({ minLength: 1, maxLength: 300 }),
    /** Bus address: Kerong 0..15 (DIP switches), Modbus 1..247; none for ioboard, scanner and escpos. */
    address: Type.Optional(Type.Integer()),
    /** Modbus only: what the board is. */
    kind: Type.Optional(Type.Enum(['relay', 'input', 'temperature'])),
    /** Channels fitted: Kerong locks (default 16), Modbus relays/inputs (required for those). */
    channels: Type.Optional(Type.Integer()),
    /** How often the board is polled for its state (default 2000 ms). */
    pollMs: Type.Optional(Type.Integer({ minimum: 200, maximum: 60_000 })),
    /** I/O board only: relays drop this long after the controller goes silent (default 1500 ms). */
    watchdogMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
  },
  { additionalProperties: false },
);

export const CompartmentSchema = Type.Object(
  {
    /** Label on the door, e.g. A1. */
    id: Type.String({ pattern: '^[A-Z][0-9]{1,3}$' }),
    board: Id,
    /** Lock number as printed on the lock board. */
    lock: Type.Integer(),
    size: Type.Enum(['S', 'M', 'L']),
  },
  { additionalProperties: false },
);

export const ChannelMappingSchema = Type.Object(
  {
    name: Name,
    board: Id,
    /** 1-based channel as printed on the board (Modbus temperature sensors: leave out). */
    channel: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export const BoardsSchema = Type.Object(
  {
    devices: Type.Array(BoardDeviceSchema, { maxItems: 32 }),
    compartments: Type.Array(CompartmentSchema, { maxItems: 256, default: [] }),
    relays: Type.Array(ChannelMappingSchema, { maxItems: 64, default: [] }),
    inputs: Type.Array(ChannelMappingSchema, { maxItems: 64, default: [] }),
    probes: Type.Array(ChannelMappingSchema, { maxItems: 32, default: [] }),
  },
  { additionalProperties: false },
);

export type BoardsConfig = Static<typeof BoardsSchema>;
export type BoardDevice = Static<typeof BoardDeviceSchema>;
export type CompartmentConfig = Static<typeof CompartmentSchema>;
export type ChannelMapping = Static<typeof ChannelMappingSchema>;
