//! Counting the SQL statements a request runs: every statement sqlx
//! executes is logged as a `sqlx::query` event, inside the span that was
//! current when it was sent (on SQLite, the connection's worker thread
//! enters that span). A process-wide subscriber counts the events under a
//! `query_probe` span, per probe, with each statement's text.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Instrument, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

static SEEN: Mutex<BTreeMap<u64, Vec<String>>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INSTALLED: OnceLock<()> = OnceLock::new();

struct ProbeId(u64);

struct FindProbe(Option<u64>);
impl Visit for FindProbe {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "probe" {
            self.0 = Some(value);
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// A statement's text: sqlx logs a `summary`, and the whole statement
/// as `db.statement` when the summary is shorter.
#[derive(Default)]
struct Text {
    summary: String,
    statement: String,
}
impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.trim().to_string(),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.record_str(field, &format!("{value:?}"));
    }
}

struct Counter;
impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Counter {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "query_probe" {
            return;
        }
        let mut v = FindProbe(None);
        attrs.record(&mut v);
        if let (Some(n), Some(span)) = (v.0, ctx.span(id)) {
            span.extensions_mut().insert(ProbeId(n));
        }
    }
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(ProbeId(n)) = span.extensions().get::<ProbeId>() {
                let mut t = Text::default();
                event.record(&mut t);
                let sql = if t.statement.is_empty() {
                    t.summary
                } else {
                    t.statement
                };
                SEEN.lock().unwrap().entry(*n).or_default().push(sql);
                return;
            }
        }
    }
}

/// Run `fut`, returning its output and the number of SQL statements it ran.
pub async fn count<T>(fut: impl Future<Output = T>) -> (T, usize) {
    let (out, sql) = statements(fut).await;
    (out, sql.len())
}

/// Run `fut`, returning its output and the SQL statements it ran, in order.
pub async fn statements<T>(fut: impl Future<Output = T>) -> (T, Vec<String>) {
    INSTALLED.get_or_init(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Counter))
            .expect("no other global subscriber in this test binary");
    });
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let out = fut
        .instrument(tracing::info_span!("query_probe", probe = n))
        .await;
    let sql = SEEN.lock().unwrap().remove(&n).unwrap_or_default();
    (out, sql)
}
