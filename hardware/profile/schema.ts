import { Type, type Static } from 'typebox';
import { BoardsSchema } from './boardsSchema.ts';
import { FridgesSchema } from './fridgesSchema.ts';

/**
 * The hardware profile: which pin is what on one point. A technician writes it as JSON; it is
 * validated against this schema (unknown properties rejected everywhere) and then by the
 * cross-field checks in checks.ts. Defaults are filled in before validation, so the parsed
 * profile has every timing value set.
 *
 * Pin polarity is explicit on purpose (no default for `activeLow`): a wrong guess opens a door.
 */

/** Header GPIO lines usable on pinctrl-bcm2835/-bcm2711/-rp1 (the 40-pin header). */
export const BCM_MIN = 0;
export const BCM_MAX = 27;

const Bcm = Type.Integer({ minimum: BCM_MIN, maximum: BCM_MAX, description: 'BCM GPIO number on the 40-pin header' });
const ActiveLow = Type.Boolean({ description: 'true: the pin is electrically LOW when the signal is active' });
const Pull = Type.Enum(['up', 'down', 'none'], {
  description: 'Pull resistor the wiring relies on (sysfs cannot set it: config.txt gpio=N=ip,pu|pd or external)',
});

export const OutputPinSchema = Type.Object({ bcm: Bcm, activeLow: ActiveLow }, { additionalProperties: false });
const inputPinProperties = { bcm: Bcm, activeLow: ActiveLow, pull: Pull };
export const InputPinSchema = Type.Object(inputPinProperties, { additionalProperties: false });

export const DoorTimingSchema = Type.Object(
  {
    /** Strike release after a granted credential. */
    grantMs: Type.Integer({ minimum: 1000, maximum: 30_000, default: 5000 }),
    /** Strike release after the exit button (request to exit). */
    exitGrantMs: Type.Integer({ minimum: 1000, maximum: 30_000, default: 5000 }),
    /** Door open longer than this (from opening) raises "held open". */
    heldOpenAfterMs: Type.Integer({ minimum: 5000, maximum: 600_000, default: 30_000 }),
    /**
     * A contact change counts once stable this long. 250 ms: reed contacts bounce for a few ms
     * and a slammed door rebounds for well under 200 ms, while "door opened" must still arrive
     * quickly to relock the strike. Rattly doors: raise towards the 1 s industrial default.
     */
    contactDebounceMs: Type.Integer({ minimum: 0, maximum: 2000, default: 250 }),
    /** Exit button press counts once stable this long (filters switch bounce, not people). */
    exitButtonDebounceMs: Type.Integer({ minimum: 0, maximum: 1000, default: 50 }),
  },
  { additionalProperties: false, default: {} },
);

export const DoorSchema = Type.Object(
  {
    /** Door strike relay (output): active = released. Locked at boot and on stop. */
    strike: OutputPinSchema,
    /** Door contact (input): active = door open. Wire it so a cut cable reads "open". */
    contact: InputPinSchema,
    /** Request-to-exit button (input): active = pressed. */
    exitButton: InputPinSchema,
    timing: DoorTimingSchema,
  },
  { additionalProperties: false },
);

export const FireAlarmSchema = Type.Object(
  {
    ...inputPinProperties,
    /** A fire-alarm level counts once stable this long (filters spikes on long cables). */
    debounceMs: Type.Integer({ minimum: 0, maximum: 5000, default: 200 }),
  },
  { additionalProperties: false },
);

export const TemperatureProbeSchema = Type.Object(
  {
    /** 1-wire id as listed under /sys/bus/w1/devices, e.g. 28-0316a2790aff. */
    id: Type.String({ pattern: '^28-[0-9a-f]{12}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
  },
  { additionalProperties: false },
);

export const TemperatureSchema = Type.Object(
  {
    /** GPIO the w1-gpio overlay uses (dtoverlay=w1-gpio,gpiopin=N); reserved so no other pin takes it. */
    busBcm: Type.Integer({ minimum: BCM_MIN, maximum: BCM_MAX, default: 4 }),
    probes: Type.Array(TemperatureProbeSchema, { maxItems: 16 }),
  },
  { additionalProperties: false },
);

export const HardwareProfileSchema = Type.Object(
  {
    version: Type.Literal(1),
    point: Type.Object(
      {
        id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' }),
        name: Type.String({ minLength: 1, maxLength: 80 }),
      },
      { additionalProperties: false },
    ),
    gpio: Type.Object({ backend: Type.Enum(['sysfs-onoff', 'fake']) }, { additionalProperties: false }),
    door: DoorSchema,
    fireAlarm: FireAlarmSchema,
    /** Siren / alarm sounder (output): active = sounding. Silent at boot and on stop. */
    siren: OutputPinSchema,
    temperature: Type.Optional(TemperatureSchema),
    /** Serial lock boards, Modbus I/O, I/O boards, scanners and what hangs off them (boardsSchema.ts; checks in boardChecks.ts). */
    boards: Type.Optional(BoardsSchema),
    /** Fridges: probes, door contact, compressor relay, product group, HACCP timing (fridgesSchema.ts; checks in fridgeChecks.ts). */
    fridges: Type.Optional(FridgesSchema),
    /** Free text for the technician (wiring notes, cabinet location). */
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export type HardwareProfile = Static<typeof HardwareProfileSchema>;
export type OutputPin = Static<typeof OutputPinSchema>;
export type InputPin = Static<typeof InputPinSchema>;
export type DoorTiming = Static<typeof DoorTimingSchema>;
export type FireAlarmPin = Static<typeof FireAlarmSchema>;
export type TemperatureProbeConfig = Static<typeof TemperatureProbeSchema>;
