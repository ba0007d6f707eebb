-- The audit entries about given objects (the frontier export) are found by
-- object, not by reading the whole chain.
CREATE INDEX audit_log_object ON audit_log (object, seq);
