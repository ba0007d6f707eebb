//! The store: one interface, SQLite and PostgreSQL backends, migrations, change log and jobs.
#![forbid(unsafe_code)]
