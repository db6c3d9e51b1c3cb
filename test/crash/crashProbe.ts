import type { Migration } from '../../controller/ledger/index.ts';

/** A feature table written through alsoInTx: one row per event, or the append was torn. */
export const crashProbeMigration: Migration = {
  id: 'crash-test-0001-probe',
  up(db) {
    db.exec('CREATE TABLE crash_probe (seq INTEGER PRIMARY KEY REFERENCES events(seq), note TEXT NOT NULL) STRICT');
  },
};
