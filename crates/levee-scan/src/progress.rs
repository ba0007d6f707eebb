//! A tiny progress bar on stderr: drawn only when stderr is a terminal, only
//! after the phase has run for a moment (short scans stay quiet), at most
//! ten times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
    label: &'static str,
    start: Instant,
    last: Option<Instant>,
    drawn: bool,
}

const DELAY: Duration = Duration::from_millis(300);
const EVERY: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

impl Progress {
    pub fn new(allowed: bool, label: &'static str) -> Self {
        Progress {
            enabled: allowed && std::io::stderr().is_terminal(),
            label,
            start: Instant::now(),
            last: None,
            drawn: false,
        }
    }

    pub fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || total == 0 {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.start) < DELAY
            || self.last.is_some_and(|l| now.duration_since(l) < EVERY)
        {
            return;
        }
        self.last = Some(now);
        let filled = (done.min(total) * WIDTH) / total;
        let bar: String = "#".repeat(filled) + &".".repeat(WIDTH - filled);
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r{} [{bar}] {done}/{total}", self.label);
        let _ = e.flush();
        self.drawn = true;
    }

    pub fn finish(&mut self) {
        if self.drawn {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K");
            let _ = e.flush();
            self.drawn = false;
        }
    }
}
