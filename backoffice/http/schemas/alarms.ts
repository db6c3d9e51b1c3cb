/** Schemas of the operators' alarm work (routes/alarms.ts) and alarm e-mail settings, importable by the UI. */
import { Type, type Static } from 'typebox';
import { Nullable } from './common.ts';

const N = Type.Number();

export const OperatorMark = Type.Object({ by: Type.String(), byName: Type.String(), at: N }, { additionalProperties: false });

export const AlarmCommentView = Type.Object(
  { id: Type.String(), authorId: Type.String(), authorName: Type.String(), text: Type.String(), at: N },
  { additionalProperties: false },
);
export type AlarmCommentBody = Static<typeof AlarmCommentView>;

/** What operators did with one alarm in the backoffice. */
export const OperatorDataView = Type.Object(
  { acknowledged: Nullable(OperatorMark), cleared: Nullable(OperatorMark), comments: Type.Array(AlarmCommentView) },
  { additionalProperties: false },
);
export type OperatorDataBody = Static<typeof OperatorDataView>;

export const AlarmParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }), seq: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) },
  { additionalProperties: false },
);

/** The answer of acknowledge and clear: the alarm's operator data afterwards. */
export const AlarmActionAnswer = Type.Object({ siteId: Type.String(), id: N, operator: OperatorDataView }, { additionalProperties: false });
export type AlarmActionAnswerBody = Static<typeof AlarmActionAnswer>;

/** Length is checked by the route (a clear `comment-too-long` error), the schema only bounds the body. */
export const CommentBody = Type.Object({ text: Type.String({ maxLength: 20_000 }) }, { additionalProperties: false });
export const CommentAnswer = Type.Object({ siteId: Type.String(), id: N, comment: AlarmCommentView }, { additionalProperties: false });

export const Severity = Type.Union([Type.Literal('critical'), Type.Literal('warning'), Type.Literal('info')]);

/** `HH:MM` or `HH:MM:SS`, 24 h, local time of `timeZone`. */
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$' });

export const NotificationSettings = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    enabled: Type.Boolean(),
    /** The least severe alarm that is mailed. */
    minSeverity: Severity,
    /** Non-critical alarms in these hours are held and mailed as one digest when they end; critical ones always go out. */
    quietHours: Nullable(Type.Object({ start: TimeOfDay, end: TimeOfDay }, { additionalProperties: false })),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    language: Type.Union([Type.Literal('de'), Type.Literal('en')]),
  },
  { additionalProperties: false },
);
export type NotificationSettingsBody = Static<typeof NotificationSettings>;
