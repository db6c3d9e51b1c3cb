/** Malformed or poisoned messages: recorded with their reason, counted, never retried into a wedge. */
import type { Kysely } from 'kysely';
import { newId } from '../platform.ts';
import type { DB } from '../db/schema.ts';

export interface Rejection {
  siteId: string | null;
  topic: string;
  code: string;
  reason: string;
  payload: Uint8Array;
}

const EXCERPT_BYTES = 512;

/** Store the rejection; a failure to store is returned, not thrown (the caller logs it). */
export async function recordRejection(db: Kysely<DB>, r: Rejection, now: number): Promise<Error | null> {
  try {
    const excerpt = Buffer.from(r.payload.subarray(0, EXCERPT_BYTES)).toString('base64');
    await db
      .insertInto('rejected_messages')
      .values({
        id: newId(now),
        site_id: r.siteId,
        topic: r.topic.slice(0, 300),
        code: r.code,
        reason: r.reason.slice(0, 1000),
        payload_excerpt: excerpt,
        payload_bytes: r.payload.byteLength,
        received_at: now,
      })
      .execute();
    return null;
  } catch (e) {
    return e as Error;
  }
}
