//! Per-token token-bucket rate limiting (per process).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        RateLimiter {
            rate: rate_per_sec.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::default(),
        }
    }

    /// Take one request from `key`'s bucket. `Err(secs)` says when to retry.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut b = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if b.len() > 100_000 {
            // Bound memory: forget full buckets.
            let burst = self.burst;
            let rate = self.rate;
            b.retain(|_, (t, at)| *t + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = b.entry(key.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    #[test]
    fn bucket_empties_and_refills() {
        let l = RateLimiter::new(1.0, 3.0);
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.check_at("a", t).is_ok());
        }
        assert_eq!(l.check_at("a", t), Err(1));
        assert!(l.check_at("b", t).is_ok(), "buckets are per key");
        assert!(l.check_at("a", t + Duration::from_millis(1100)).is_ok());
    }
}
