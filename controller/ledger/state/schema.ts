import type { Migration } from '../types.ts';

/** Tables holding state materialised from the log; `rebuildState` empties and refills them. */
export const STATE_TABLES = ['state_members', 'state_credentials', 'state_revocations', 'state_opening_rules', 'state_door', 'state_pin_lockouts'] as const;

export const stateMigrations: readonly Migration[] = [
  {
    id: '0002-ledger-materialised-state',
    up(db) {
      db.exec(`
        CREATE TABLE state_members (
          member_id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          age_verified INTEGER NOT NULL,
          seq INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE state_credentials (
          credential_id TEXT PRIMARY KEY,
          member_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('token', 'card')),
          card_uid TEXT,
          pin_hash TEXT,
          role TEXT NOT NULL,
          age_verified INTEGER NOT NULL,
          expires_at INTEGER,
          seq INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX state_credentials_card_uid ON state_credentials (card_uid) WHERE card_uid IS NOT NULL;

        CREATE TABLE state_revocations (
          credential_id TEXT PRIMARY KEY,
          reason TEXT NOT NULL,
          seq INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE state_opening_rules (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          rules TEXT NOT NULL,
          seq INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE state_door (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          state TEXT NOT NULL,
          at INTEGER NOT NULL,
          seq INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE state_pin_lockouts (
          credential_id TEXT PRIMARY KEY,
          failures INTEGER NOT NULL,
          locked_until INTEGER,
          seq INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    // Lock records that hold across a kill -9 and a clock jump (controller/access/attemptLimiter.ts):
    // the lock's length and its monotonic deadline with the boot it was measured in.
    id: '0003-pin-lockout-monotonic',
    up(db) {
      db.exec(`
        ALTER TABLE state_pin_lockouts ADD COLUMN lock_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE state_pin_lockouts ADD COLUMN boot_id TEXT;
        ALTER TABLE state_pin_lockouts ADD COLUMN mono_until INTEGER;
      `);
    },
  },
];
