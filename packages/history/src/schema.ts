// The history's schema, one migration a step; `PRAGMA user_version` says how many have run.
import type { Database } from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     container TEXT NOT NULL,
     target TEXT NOT NULL,
     schedule TEXT NOT NULL,
     trigger TEXT NOT NULL,
     queued_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER NOT NULL,
     success INTEGER NOT NULL,
     raw_bytes INTEGER,
     stored_bytes INTEGER,
     sha256 TEXT,
     file TEXT,
     location TEXT,
     upload TEXT,
     error_code TEXT,
     error_message TEXT
   );
   CREATE INDEX runs_by_target ON runs (container, target, finished_at);
   CREATE INDEX runs_by_time ON runs (finished_at);
   CREATE UNIQUE INDEX runs_by_file ON runs (container, target, file) WHERE file IS NOT NULL;
   CREATE TABLE restores (
     id INTEGER PRIMARY KEY,
     container TEXT NOT NULL, target TEXT NOT NULL, backup TEXT NOT NULL, source TEXT NOT NULL,
     into_container TEXT, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, success INTEGER NOT NULL,
     safety_copy TEXT, error_code TEXT, error_message TEXT
   );
   CREATE INDEX restores_by_time ON restores (finished_at);
   CREATE TABLE drills (
     id INTEGER PRIMARY KEY,
     container TEXT NOT NULL, target TEXT NOT NULL, backup TEXT NOT NULL, source TEXT NOT NULL,
     started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, success INTEGER NOT NULL,
     fetch_ms INTEGER, restore_ms INTEGER, bytes INTEGER, detail TEXT, error_code TEXT, error_message TEXT
   );
   CREATE INDEX drills_by_target ON drills (container, target, finished_at);
   CREATE TABLE notifications (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, container TEXT, target TEXT,
     delivered INTEGER NOT NULL, error TEXT
   );
   CREATE INDEX notifications_by_time ON notifications (at);
   CREATE TABLE discovery_events (
     id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL, container_id TEXT NOT NULL, container TEXT NOT NULL, action TEXT NOT NULL, detail TEXT
   );
   CREATE INDEX discovery_by_time ON discovery_events (at);`,
  // 2: a run's own duration (queue wait included, as the job.* log lines and /metrics count it), and verifications
  // (`baqup verify`: a copy hashed against its manifest and read to its end) beside drills.
  `ALTER TABLE runs ADD COLUMN duration_ms INTEGER;
   CREATE TABLE verifications (
     id INTEGER PRIMARY KEY,
     container TEXT NOT NULL, target TEXT NOT NULL, backup TEXT NOT NULL, source TEXT NOT NULL,
     at INTEGER NOT NULL, success INTEGER NOT NULL, checksum TEXT, content TEXT, error_code TEXT, error_message TEXT
   );
   CREATE INDEX verifications_by_time ON verifications (at);
   CREATE INDEX verifications_by_target ON verifications (container, target, at);`,
];

/** The version a fully migrated database has. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Runs the migrations the database has not had yet, each in its own transaction. A database newer than this code
 * (a downgrade) is refused rather than written with an older idea of its tables.
 */
export function migrate(db: Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new Error(`history schema version ${from} is newer than this baqup knows (${SCHEMA_VERSION})`);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return { from, to: SCHEMA_VERSION };
}
