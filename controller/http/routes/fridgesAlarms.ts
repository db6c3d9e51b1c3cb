import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { kioskRoutes, responses } from '../../contract/kiosk/routes.ts';
import { pickLang, t, type MessageKey } from '../../i18n/i18n.ts';
import type { PointApi } from '../pointApi.ts';

const { fridges, alarms } = kioskRoutes;

/** Alarm kinds the catalogue names; any other alarm shows its (English) reason. */
const KIND_MESSAGES: Readonly<Record<string, MessageKey>> = {
  'held-open': 'alarm.held-open',
  'forced-open': 'alarm.forced-open',
  fire: 'alarm.fire',
  temperature: 'alarm.kind.temperature',
  'probe-lost': 'alarm.kind.probe-lost',
  'cold-chain-blocked': 'alarm.kind.cold-chain-blocked',
  'door-open': 'alarm.kind.door-open',
  'board-lost': 'alarm.kind.board-lost',
  'pickup-guessing': 'alarm.kind.pickup-guessing',
  'brute-force': 'alarm.kind.brute-force',
};

/** The fridges (temperatures in tenths of °C, limit, cold-chain block) and the open alarms, read only. */
export const fridgeAlarmRoutes: FastifyPluginAsyncTypebox<{ point: PointApi }> = async (app, { point }) => {
  app.get(fridges.path, { schema: { response: responses(fridges.response) } }, async () => ({ fridges: point.fridges?.() ?? [] }));
  app.get(alarms.path, { schema: { response: responses(alarms.response) } }, async (req) => {
    const lang = pickLang(req.headers['accept-language']);
    return {
      alarms: (point.openAlarms?.() ?? []).map((a) => {
        const key = Object.hasOwn(KIND_MESSAGES, a.kind) ? KIND_MESSAGES[a.kind] : undefined;
        return { ...a, message: key ? t(lang, key) : a.reason };
      }),
    };
  });
};
