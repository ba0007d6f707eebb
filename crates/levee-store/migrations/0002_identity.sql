CREATE TABLE orgs (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  capabilities TEXT NOT NULL,
  sector       TEXT,
  size         TEXT,
  rural        BIGINT NOT NULL DEFAULT 0,
  contacts     TEXT NOT NULL DEFAULT '[]',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  seq          BIGINT NOT NULL
);

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  name          TEXT,
  email         TEXT UNIQUE,
  password_hash TEXT,
  totp_secret   BLOB,
  platform_admin BIGINT NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  erased_at     BIGINT
);

CREATE TABLE memberships (
  user_id    TEXT NOT NULL REFERENCES users(id),
  org_id     TEXT NOT NULL REFERENCES orgs(id),
  role       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, org_id)
);

CREATE TABLE delegations (
  manager_org_id TEXT NOT NULL REFERENCES orgs(id),
  managed_org_id TEXT NOT NULL REFERENCES orgs(id),
  created_at     BIGINT NOT NULL,
  PRIMARY KEY (manager_org_id, managed_org_id)
);

CREATE TABLE tokens (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id),
  org_id       TEXT REFERENCES orgs(id),
  name         TEXT NOT NULL,
  hash         TEXT NOT NULL UNIQUE,
  scopes       TEXT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  last_used_at BIGINT,
  created_at   BIGINT NOT NULL
);

CREATE TABLE sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id),
  csrf       TEXT NOT NULL,
  mfa_ok     BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT NOT NULL,
  at      BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  org_id    TEXT,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  digest    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);

CREATE TABLE audit_checkpoints (
  seq       BIGINT PRIMARY KEY,
  hash      TEXT NOT NULL,
  at        BIGINT NOT NULL,
  kid       TEXT NOT NULL,
  signature TEXT NOT NULL
);

CREATE TABLE keys (
  kid        TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL,
  public     BLOB,
  secret_enc BLOB NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT
);

CREATE TABLE idempotency (
  scope      TEXT NOT NULL,
  route      TEXT NOT NULL,
  key        TEXT NOT NULL,
  body_hash  TEXT NOT NULL,
  status     BIGINT NOT NULL,
  response   TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, route, key)
);
