//! Resource limits applied by every reader. Defaults are generous for real
//! advisory data and small enough that a hostile input cannot exhaust memory.

/// Limits for readers. `Limits::default()` suits real feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of one record (one JSON text, one YAML document), bytes.
    pub max_record_bytes: usize,
    /// Maximum size of a whole non-streamed input (single JSON/YAML file, a
    /// zip read from a stream), bytes.
    pub max_file_bytes: u64,
    /// Maximum nesting depth of arrays/objects (checked before serde_json
    /// runs; serde_json's own recursion limit of 128 stays on as a backstop).
    pub max_depth: usize,
    /// Maximum length of one string (raw, escapes counted), bytes.
    pub max_string_bytes: usize,
    /// YAML: maximum number of alias (`*ref`) uses; 0 refuses aliases.
    pub max_yaml_aliases: usize,
    /// YAML: maximum number of nodes in one document after alias expansion.
    pub max_yaml_nodes: usize,
    /// Zip: maximum number of entries.
    pub max_archive_entries: usize,
    /// Zip: maximum uncompressed size of one entry, bytes.
    pub max_entry_bytes: u64,
    /// Zip: maximum uncompressed size of all entries together, bytes.
    pub max_archive_total_bytes: u64,
    /// Zip: maximum uncompressed/compressed ratio of one entry (entries
    /// smaller than `ratio_exempt_bytes` are not checked).
    pub max_compression_ratio: u64,
    /// Zip: entries at most this large (uncompressed) skip the ratio check.
    pub ratio_exempt_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 16 << 20,
            max_file_bytes: 2 << 30,
            max_depth: 64,
            max_string_bytes: 4 << 20,
            max_yaml_aliases: 0,
            max_yaml_nodes: 1_000_000,
            max_archive_entries: 2_000_000,
            max_entry_bytes: 64 << 20,
            max_archive_total_bytes: 16 << 30,
            max_compression_ratio: 200,
            ratio_exempt_bytes: 64 << 10,
        }
    }
}
