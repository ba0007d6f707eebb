//! The native advisory formats of `levee-feeds` (GitLab, RubySec,
//! FriendsOfPHP, Node.js security-wg, Alpine secdb, Debian DSA/DLA, Hex,
//! CVE JSON 5, CSAF), plugged into the knowledge-base importer.

use std::sync::Arc;

use levee_formats::{Record, Rejection};
use levee_kb::import::NativeFormat;

struct Feed(levee_feeds::FeedFormat);

impl NativeFormat for Feed {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn detect(&self, file_name: &str, prefix: &[u8]) -> bool {
        levee_feeds::detect(file_name, prefix) == Some(self.0)
    }

    /// `levee_feeds::detect` names the format: one parse of the prefix
    /// decides among all of them.
    fn shared_detector(&self) -> Option<&str> {
        Some("levee-feeds")
    }

    fn detect_among(&self, file_name: &str, prefix: &[u8]) -> Option<String> {
        levee_feeds::detect(file_name, prefix).map(|f| f.name().to_string())
    }

    fn convert<'a>(
        &'a self,
        source: &str,
        bytes: &'a [u8],
    ) -> Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a> {
        Box::new(levee_feeds::read(source, bytes, Some(self.0)))
    }
}

/// Every native format, for `ImportOptions::natives`.
pub fn all() -> Vec<Arc<dyn NativeFormat>> {
    levee_feeds::FeedFormat::ALL
        .iter()
        .map(|f| Arc::new(Feed(*f)) as Arc<dyn NativeFormat>)
        .collect()
}
