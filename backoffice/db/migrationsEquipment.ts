/** The migration of the equipment the points report (projections/lockers.ts, fridges.ts, equipment.ts), kept apart to ease merging. */
import type { Kysely, Migration } from 'kysely';

export const equipmentMigrations: Record<string, Migration> = {
  // The equipment a point reported (locker.configured, fridge.configured): every compartment and
  // fridge it has, with the fridges' names and limits, and per site whether (and when) it reported
  // them, so the fleet knows totals before any other event.
  '2026-12-06T02-70-equipment': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('p_lockers')
        .addColumn('configured', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('p_fridges')
        .addColumn('configured', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('p_fridges').addColumn('name', 'text').execute();
      await db.schema.alterTable('p_fridges').addColumn('product_group', 'text').execute();
      await db.schema
        .createTable('p_equipment')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_equipment_pk', ['site_id', 'kind'])
        .execute();
    },
  },
};
