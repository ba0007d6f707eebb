-- The voluntary covered-frontier-model framework (issue 9). There is no
-- approval or blocking state anywhere in these tables: Levee records
-- models, consent, assessments, designations and access windows; it never
-- decides whether a model may be released.

CREATE TABLE frontier_models (
  id                 TEXT PRIMARY KEY,
  org_id             TEXT NOT NULL REFERENCES orgs(id),
  name               TEXT NOT NULL,
  version            TEXT NOT NULL,
  modality           TEXT NOT NULL,
  planned_release_at BIGINT NOT NULL,
  released_at        BIGINT,
  opted_in           BIGINT NOT NULL DEFAULT 0,
  ever_opted_in      BIGINT NOT NULL DEFAULT 0,
  created_by         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  UNIQUE (org_id, name, version)
);

CREATE TABLE frontier_consents (
  id        TEXT PRIMARY KEY,
  model_id  TEXT NOT NULL REFERENCES frontier_models(id),
  opted_in  BIGINT NOT NULL,
  reason    TEXT,
  user_id   TEXT NOT NULL,
  at        BIGINT NOT NULL
);
CREATE INDEX frontier_consents_model ON frontier_consents (model_id, at);

-- The threshold itself is never stored: only a commitment to it and,
-- optionally, a copy sealed by the evaluators to their own keys.
CREATE TABLE frontier_assessments (
  id               TEXT PRIMARY KEY,
  model_id         TEXT NOT NULL REFERENCES frontier_models(id),
  evaluator_org_id TEXT NOT NULL REFERENCES orgs(id),
  commitment       TEXT NOT NULL,
  sealed_threshold TEXT,
  created_by       TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  designation      TEXT,
  designated_at    BIGINT,
  designated_by    TEXT
);
CREATE INDEX frontier_assessments_model ON frontier_assessments (model_id);

CREATE TABLE frontier_runs (
  id            TEXT PRIMARY KEY,
  assessment_id TEXT NOT NULL REFERENCES frontier_assessments(id),
  suite         TEXT NOT NULL,
  suite_version TEXT NOT NULL,
  tasks         TEXT NOT NULL,
  recorded_by   TEXT NOT NULL,
  recorded_at   BIGINT NOT NULL
);
CREATE INDEX frontier_runs_assessment ON frontier_runs (assessment_id, recorded_at);

CREATE TABLE frontier_terms (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES orgs(id),
  kind         TEXT NOT NULL,
  version      TEXT NOT NULL,
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  UNIQUE (org_id, kind, version)
);

CREATE TABLE frontier_partners (
  id              TEXT PRIMARY KEY,
  model_id        TEXT NOT NULL REFERENCES frontier_models(id),
  org_id          TEXT NOT NULL REFERENCES orgs(id),
  category        TEXT NOT NULL,
  note            TEXT,
  nominated_by    TEXT NOT NULL,
  nominated_at    BIGINT NOT NULL,
  decision        TEXT,
  decision_org_id TEXT,
  decided_by      TEXT,
  decided_at      BIGINT,
  decision_reason TEXT,
  withdrawn_at    BIGINT,
  UNIQUE (model_id, org_id)
);

CREATE TABLE frontier_grants (
  id            TEXT PRIMARY KEY,
  model_id      TEXT NOT NULL REFERENCES frontier_models(id),
  audience      TEXT NOT NULL,
  starts_at     BIGINT NOT NULL,
  ends_at       BIGINT NOT NULL,
  terms         TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  revoked_at    BIGINT,
  revoked_by    TEXT,
  revoke_reason TEXT
);
CREATE INDEX frontier_grants_model ON frontier_grants (model_id);

CREATE TABLE frontier_grantees (
  grant_id TEXT NOT NULL REFERENCES frontier_grants(id),
  org_id   TEXT NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (grant_id, org_id)
);

CREATE TABLE frontier_acceptances (
  grant_id TEXT NOT NULL REFERENCES frontier_grants(id),
  org_id   TEXT NOT NULL REFERENCES orgs(id),
  terms_id TEXT NOT NULL REFERENCES frontier_terms(id),
  user_id  TEXT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (grant_id, org_id, terms_id)
);
