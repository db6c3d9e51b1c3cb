import { Type, type Static } from 'typebox';

/**
 * The `fridges` section of the hardware profile: which probes, door contact and compressor relay
 * belong to which fridge, its product group (the HACCP limit) and the HACCP timing. Example:
 *
 *   "fridges": {
 *     "samplingMs": 300000,
 *     "units": [
 *       { "id": "molkerei", "name": "Kühlschrank Molkerei", "productGroup": "dairy",
 *         "probes": [ { "onewire": "28-0316a2790aff" } ],
 *         "door": { "gpio": { "bcm": 17, "activeLow": false, "pull": "up" } },
 *         "defrost": [ { "start": "03:00", "minutes": 30 } ] },
 *       { "id": "truhe", "name": "Tiefkühltruhe", "productGroup": "frozen",
 *         "probes": [ { "board": "kuehl-fuehler" } ], "compressorRelay": { "relay": "Kühlschrank Kompressor" } }
 *     ]
 *   }
 *
 * Probes are references: a 1-wire id listed in `temperature.probes`, or a board (Modbus
 * temperature sensor, or an I/O board channel) listed in `boards.probes`. Cross-references are
 * checked in fridgeChecks.ts, each refusal naming its field.
 */

export const ProductGroups = ['poultry', 'fresh-meat', 'mince-fish', 'dairy', 'frozen', 'other'] as const;
export type ProductGroup = (typeof ProductGroups)[number];

/** °C; at most one decimal (stored as tenths; checked in fridgeChecks.ts). */
const Celsius = Type.Number({ minimum: -40, maximum: 60 });

const OneWireProbeRef = Type.Object({ onewire: Type.String({ pattern: '^28-[0-9a-f]{12}$' }) }, { additionalProperties: false });
const BoardProbeRef = Type.Object(
  {
    /** A board id from boards.devices (Modbus temperature sensor or I/O board), mapped in boards.probes. */
    board: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' }),
    /** I/O board: the channel (1-based); Modbus temperature sensor: leave out. */
    channel: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
  },
  { additionalProperties: false },
);
const Bcm = Type.Integer({ minimum: 0, maximum: 27 });
const GpioInput = Type.Object(
  { gpio: Type.Object({ bcm: Bcm, activeLow: Type.Boolean(), pull: Type.Enum(['up', 'down', 'none']) }, { additionalProperties: false }) },
  { additionalProperties: false },
);
const BoardInput = Type.Object({ input: Type.String({ minLength: 1, maxLength: 60, description: 'name in boards.inputs' }) }, { additionalProperties: false });
const GpioOutput = Type.Object(
  { gpio: Type.Object({ bcm: Bcm, activeLow: Type.Boolean() }, { additionalProperties: false }) },
  { additionalProperties: false },
);
const BoardRelay = Type.Object({ relay: Type.String({ minLength: 1, maxLength: 60, description: 'name in boards.relays' }) }, { additionalProperties: false });

export const DefrostWindowSchema = Type.Object(
  {
    /** Start in Europe/Berlin wall time, HH:MM (24 h), every day. */
    start: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
    /** Length including the recovery time after the heater stops. */
    minutes: Type.Integer({ minimum: 1, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const FridgeUnitSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    productGroup: Type.Enum([...ProductGroups]),
    /** Overrides the product group's limit for this fridge (required for `other`). */
    limitC: Type.Optional(Celsius),
    /** 1..4 probes; the fridge's temperature is the warmest plausible one. */
    probes: Type.Array(Type.Union([OneWireProbeRef, BoardProbeRef]), { minItems: 1, maxItems: 4 }),
    /** Door contact: active = door open. */
    door: Type.Optional(Type.Union([GpioInput, BoardInput])),
    /** Compressor relay: active = compressor cut (the controller cuts it during defrost windows). */
    compressorRelay: Type.Optional(Type.Union([GpioOutput, BoardRelay])),
    defrost: Type.Array(DefrostWindowSchema, { maxItems: 8, default: [] }),
  },
  { additionalProperties: false },
);

export const FridgesSchema = Type.Object(
  {
    /** One reading per fridge this often. */
    samplingMs: Type.Integer({ minimum: 10_000, maximum: 3_600_000, default: 300_000 }),
    /** Readings per `fridge.readings` record (crossings, blocks and stop flush earlier). */
    readingsPerRecord: Type.Integer({ minimum: 1, maximum: 60, default: 6 }),
    /** Above the limit this long (outside defrost) raises the temperature alarm. */
    alarmAfterMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 1_800_000 }),
    /** Above the limit this long blocks the fridge's products until a corrective action. */
    blockAfterMs: Type.Integer({ minimum: 0, maximum: 604_800_000, default: 7_200_000 }),
    /** Back below only at limit − hysteresis. */
    hysteresisC: Type.Number({ minimum: 0, maximum: 5, default: 0.5 }),
    /** A gap longer than this, followed by a reading above the limit, is a breach. */
    maxGapMs: Type.Integer({ minimum: 60_000, maximum: 604_800_000, default: 7_200_000 }),
    /** Readings in a row without a plausible value before the probe alarm. */
    lostAfterReadings: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
    /** Fridge door open this long raises an alarm. */
    doorOpenAlarmMs: Type.Integer({ minimum: 10_000, maximum: 3_600_000, default: 180_000 }),
    /** Limits per product group in °C, overriding the defaults (poultry 4, fresh-meat 7, mince-fish 2, dairy 7, frozen −18). */
    limits: Type.Optional(
      Type.Object(
        {
          poultry: Type.Optional(Celsius),
          'fresh-meat': Type.Optional(Celsius),
          'mince-fish': Type.Optional(Celsius),
          dairy: Type.Optional(Celsius),
          frozen: Type.Optional(Celsius),
          other: Type.Optional(Celsius),
        },
        { additionalProperties: false },
      ),
    ),
    units: Type.Array(FridgeUnitSchema, { maxItems: 16 }),
  },
  { additionalProperties: false },
);

export type FridgesProfile = Static<typeof FridgesSchema>;
export type FridgeUnitProfile = Static<typeof FridgeUnitSchema>;
export type DefrostWindow = Static<typeof DefrostWindowSchema>;

/** Default HACCP limits in °C (REFERENCE: testo / Leitlinie; dairy at the recommended 7). */
export const DEFAULT_LIMITS_C: Readonly<Record<Exclude<ProductGroup, 'other'>, number>> = {
  poultry: 4,
  'fresh-meat': 7,
  'mince-fish': 2,
  dairy: 7,
  frozen: -18,
};

/** The limit of one fridge in °C: its own, else the profile's group limit, else the default; undefined for `other` without one. */
export function fridgeLimitC(section: Pick<FridgesProfile, 'limits'>, unit: Pick<FridgeUnitProfile, 'productGroup' | 'limitC'>): number | undefined {
  if (unit.limitC !== undefined) return unit.limitC;
  const configured = section.limits?.[unit.productGroup];
  if (configured !== undefined) return configured;
  return unit.productGroup === 'other' ? undefined : DEFAULT_LIMITS_C[unit.productGroup];
}
