CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE changes (
  seq       BIGSERIAL PRIMARY KEY,
  at        BIGINT NOT NULL,
  kind      TEXT   NOT NULL,
  object_id TEXT   NOT NULL,
  op        TEXT   NOT NULL,
  data      TEXT   NOT NULL
);

CREATE TABLE jobs (
  id           BIGSERIAL PRIMARY KEY,
  kind         TEXT   NOT NULL,
  payload      TEXT   NOT NULL,
  dedup_key    TEXT   UNIQUE,
  state        TEXT   NOT NULL,
  run_at       BIGINT NOT NULL,
  attempts     BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL,
  lease_owner  TEXT,
  lease_until  BIGINT,
  last_error   TEXT,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
