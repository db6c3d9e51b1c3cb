/**
 * The body of the `opening-rules` downlink change: the opening rules document as a TypeBox
 * schema (the shape only). The point adds the checks a schema cannot express
 * (controller/access/openingRulesSchema.ts: window order, Sunday cap, holiday exceptions).
 */
import { Type, type Static } from 'typebox';

/** The 16 Länder, by their ISO 3166-2:DE suffix. */
export const BUNDESLAENDER = ['BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'] as const;
export type Bundesland = (typeof BUNDESLAENDER)[number];

const TIME = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$';

export const WindowSchema = Type.Object(
  {
    from: Type.String({ pattern: TIME, description: 'local time HH:MM (Europe/Berlin)' }),
    to: Type.String({ pattern: TIME, description: 'local time HH:MM, exclusive; 24:00 = end of day' }),
    audience: Type.Union([Type.Literal('everyone'), Type.Literal('members')]),
  },
  { additionalProperties: false },
);

const Windows = Type.Array(WindowSchema, { maxItems: 24 });

export const OpeningRulesSchema = Type.Object(
  {
    version: Type.Literal(1),
    /** Bundesland code for public holidays. */
    state: Type.Enum([...BUNDESLAENDER]),
    weekly: Type.Object({ mon: Windows, tue: Windows, wed: Windows, thu: Windows, fri: Windows, sat: Windows, sun: Windows }, { additionalProperties: false }),
    /** like-sunday (default): holidays use the Sunday windows; own-windows: use holidayWindows; ignore. */
    holidays: Type.Optional(Type.Union([Type.Literal('like-sunday'), Type.Literal('own-windows'), Type.Literal('ignore')])),
    holidayWindows: Type.Optional(Windows),
    /** Maximum open minutes (any audience) on Sundays and holidays; checked when the rules load. */
    sundayCapMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
    /** Specific dates that replace the weekly/holiday windows; empty windows = closed all day. */
    exceptions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
            windows: Windows,
            note: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    /** always (default): couriers may enter whenever (they only use the lockers). */
    couriers: Type.Optional(Type.Union([Type.Literal('always'), Type.Literal('opening-hours')])),
  },
  { additionalProperties: false },
);

export type OpeningWindow = Static<typeof WindowSchema>;
export type OpeningRulesDocument = Static<typeof OpeningRulesSchema>;
