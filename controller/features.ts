/**
 * Starting and stopping the point's features in fail-safe order (used by the composition root,
 * app.ts). A feature is anything with `start()`/`stop()`; the list's order is the start order.
 */
import type { Logger } from '../firmware-bridge/platform/logger.ts';

export interface Feature {
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** The features by name, in start order; an absent one (e.g. no sync when offline) is skipped. */
export type FeatureList = Readonly<Record<string, Feature | undefined>>;

export interface StopOrder {
  /** Stopped first, in this order: the door and its outputs (the strike safe before anything waits). */
  stopFirst: readonly string[];
  /** Stopped last, in this order: the link and the ledger (local features write their last events first). */
  stopLast?: readonly string[];
  logger: Logger;
}

export interface RunningFeatures {
  /** Stop everything once: `stopFirst` in its order, the rest in reverse start order, `stopLast` in its order. */
  stop(): Promise<void>;
}

/**
 * Start each feature in list order. If one fails to start, it and the ones started before are
 * stopped (by the same rule as `stop()`) and the error is rethrown: a point that cannot start leaves its
 * outputs safe and its ledger closed.
 *
 * `stopFirst` names the features that must stop before anything that may wait on a network or a
 * disk (the door and its outputs: the strike reaches its safe level first); `stopLast` the ones
 * that must outlive the others' stops (the link to the backoffice, which waits on the network, and
 * the ledger the others write their last events to). A stop that throws is logged and the rest
 * still stop; the first error is rethrown at the end.
 */
export async function startFeatures(features: FeatureList, o: StopOrder): Promise<RunningFeatures> {
  const last = o.stopLast ?? [];
  for (const name of [...o.stopFirst, ...last])
    if (!Object.hasOwn(features, name)) throw new Error(`stop order names ${name}, which is not in the feature list`);
  const started: string[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const first = o.stopFirst.filter((n) => started.includes(n));
    const rest = started.filter((n) => !o.stopFirst.includes(n) && !last.includes(n)).reverse();
    const final = last.filter((n) => started.includes(n));
    let firstError: unknown;
    for (const name of [...first, ...rest, ...final]) {
      try {
        await features[name]?.stop();
      } catch (err) {
        o.logger.error({ err, feature: name }, 'stopping a feature failed; stopping the rest');
        firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
  };
  for (const [name, feature] of Object.entries(features)) {
    if (!feature) continue;
    started.push(name); // a half-started feature is stopped too
    try {
      await feature.start();
    } catch (err) {
      o.logger.error({ err, feature: name }, 'a feature failed to start; stopping it and the ones started before');
      await stop().catch(() => undefined);
      throw err;
    }
  }
  return { stop };
}
