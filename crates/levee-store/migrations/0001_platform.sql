CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The change log: every write appends here in the same transaction, so each
-- process can keep in-memory state current by tailing `seq`.
CREATE TABLE changes (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  at        BIGINT  NOT NULL,
  kind      TEXT    NOT NULL,
  object_id TEXT    NOT NULL,
  op        TEXT    NOT NULL,
  data      TEXT    NOT NULL
);

-- Jobs / outbox with leases, retries with backoff, and dead-lettering.
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT    NOT NULL,
  payload      TEXT    NOT NULL,
  dedup_key    TEXT    UNIQUE,
  state        TEXT    NOT NULL,
  run_at       BIGINT  NOT NULL,
  attempts     BIGINT  NOT NULL DEFAULT 0,
  max_attempts BIGINT  NOT NULL,
  lease_owner  TEXT,
  lease_until  BIGINT,
  last_error   TEXT,
  created_at   BIGINT  NOT NULL,
  updated_at   BIGINT  NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
