//! Prometheus text metrics, kept in-process (each `levee serve` exposes its
//! own; Prometheus sums them).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// (method, route, status) -> (count, total seconds).
type HttpStats = BTreeMap<(String, String, u16), (u64, f64)>;

#[derive(Default)]
pub struct Metrics {
    http: Mutex<HttpStats>,
    jobs: Mutex<BTreeMap<(String, &'static str), u64>>,
}

impl Metrics {
    pub fn observe_http(&self, method: &str, route: &str, status: u16, secs: f64) {
        let mut m = self
            .http
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let e = m
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        e.0 += 1;
        e.1 += secs;
    }

    pub fn observe_job(&self, kind: &str, outcome: &'static str) {
        let mut m = self
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *m.entry((kind.to_string(), outcome)).or_default() += 1;
    }

    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        let esc = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        };
        let mut out = String::new();
        out.push_str(
            "# HELP levee_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE levee_http_requests_total counter\n");
        let http = self
            .http
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for ((m, r, s), (n, _)) in http.iter() {
            out.push_str(&format!(
                "levee_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {n}\n",
                esc(m),
                esc(r)
            ));
        }
        out.push_str(
            "# HELP levee_http_request_duration_seconds_sum Total time spent answering.\n",
        );
        out.push_str("# TYPE levee_http_request_duration_seconds_sum counter\n");
        for ((m, r, s), (_, secs)) in http.iter() {
            out.push_str(&format!(
                "levee_http_request_duration_seconds_sum{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {secs:.6}\n",
                esc(m),
                esc(r)
            ));
        }
        drop(http);
        out.push_str("# HELP levee_jobs_total Jobs run by this process, by kind and outcome.\n");
        out.push_str("# TYPE levee_jobs_total counter\n");
        for ((k, o), n) in self
            .jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            out.push_str(&format!(
                "levee_jobs_total{{kind=\"{}\",outcome=\"{o}\"}} {n}\n",
                esc(k)
            ));
        }
        for (name, help, v) in extra {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}\n"
            ));
        }
        out
    }
}
