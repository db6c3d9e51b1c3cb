/** What a projector gets and what it writes with. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/** A stored event that decoded with the catalogue (flagged events never reach a projector). */
export interface ProjectedEvent {
  siteId: string;
  seq: number;
  type: string;
  /** The point's time of the event (epoch ms): every projected time comes from here or the payload, never from the backoffice's clock, so a rebuild gives the same rows. */
  at: number;
  data: unknown;
}

export type Db = Kysely<DB> | Transaction<DB>;

/** Applies one event of one type to the read models; called once per stored event, in seq order per site. */
export type Projector = (db: Db, e: ProjectedEvent) => Promise<void>;

export type Projectors = Readonly<Record<string, Projector>>;
