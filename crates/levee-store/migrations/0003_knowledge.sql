-- Knowledge base: every source record verbatim, grouped into one
-- vulnerability per real-world flaw (vuln_id), with visibility labels.
CREATE TABLE kb_records (
  id            TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  modified      BIGINT NOT NULL,
  published     BIGINT,
  withdrawn     BIGINT,
  aliases       TEXT NOT NULL,
  related       TEXT NOT NULL,
  upstream      TEXT NOT NULL,
  summary       TEXT,
  search        TEXT NOT NULL,
  json          TEXT NOT NULL,
  vuln_id       TEXT NOT NULL,
  tlp           TEXT NOT NULL,
  owner_org     TEXT,
  audience      TEXT NOT NULL,
  recipients    TEXT NOT NULL,
  embargo_until BIGINT,
  first_seen    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  seq           BIGINT NOT NULL
);
CREATE INDEX kb_records_vuln ON kb_records (vuln_id);
CREATE INDEX kb_records_seq ON kb_records (seq);

-- Every id and alias of a group -> the group's key.
CREATE TABLE kb_ids (
  id      TEXT PRIMARY KEY,
  vuln_id TEXT NOT NULL
);
CREATE INDEX kb_ids_vuln ON kb_ids (vuln_id);

-- Affected packages, for lookups by package.
CREATE TABLE kb_affected (
  record_id TEXT NOT NULL,
  idx       BIGINT NOT NULL,
  ecosystem TEXT NOT NULL,
  name      TEXT NOT NULL,
  purl      TEXT,
  PRIMARY KEY (record_id, idx)
);
CREATE INDEX kb_affected_pkg ON kb_affected (ecosystem, name);

-- Merges refused because they would join different CVE ids.
CREATE TABLE kb_conflicts (
  record_id TEXT NOT NULL,
  alias     TEXT NOT NULL,
  detail    TEXT NOT NULL,
  PRIMARY KEY (record_id, alias)
);

CREATE TABLE kb_kev (
  cve        TEXT PRIMARY KEY,
  date_added TEXT NOT NULL,
  data       TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE kb_epss (
  cve        TEXT PRIMARY KEY,
  epss       TEXT NOT NULL,
  percentile TEXT NOT NULL,
  score_date TEXT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE kb_cwe (
  id   BIGINT PRIMARY KEY,
  name TEXT NOT NULL
);
