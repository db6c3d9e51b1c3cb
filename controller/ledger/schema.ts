import { stateMigrations } from './state/schema.ts';
import type { Migration } from './types.ts';

/** The ledger's own tables. Feature migrations passed to `Ledger.open` run after these. */
export const coreMigrations: readonly Migration[] = [
  {
    id: '0001-ledger-events-outbox',
    up(db) {
      db.exec(`
        CREATE TABLE ledger_meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE events (
          seq INTEGER PRIMARY KEY CHECK (seq >= 1),
          type TEXT NOT NULL,
          at INTEGER NOT NULL,
          clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
          data TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;

        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'ledger events are append-only: UPDATE refused'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'ledger events are append-only: DELETE refused'); END;

        -- One row per event not yet acknowledged by the backoffice; deleted on acknowledgement.
        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY REFERENCES events(seq)
        ) STRICT;

        INSERT INTO ledger_meta (key, value) VALUES ('delivered_up_to', '0');
      `);
    },
  },
  ...stateMigrations,
  {
    // Start-up and read paths ask for "the latest events of these types" (recentOfTypes,
    // latestEvent, eventsOfTypes); without this index each such query walks the whole log, which
    // on a point with a year of fridge readings is millions of rows.
    id: '0004-events-type-index',
    up(db) {
      db.exec('CREATE INDEX events_type_seq ON events (type, seq)');
    },
  },
];
