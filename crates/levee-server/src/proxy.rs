//! The client's address behind trusted reverse proxies.
//!
//! The address that rate limits and the failed-authentication budget are
//! keyed by is the TCP peer, unless the peer is one of the operator's
//! trusted proxies (`trusted_proxies`): then `X-Forwarded-For` names the
//! client. [`client_address`] is the one rule; the [`layer`] middleware
//! applies it once per request and stores the answer as a [`ClientAddr`]
//! extension, which [`crate::extract::client_ip`] reads.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// An IP address block (`10.0.0.0/8`, `2001:db8::/32`, or one address,
/// `192.0.2.1` = `192.0.2.1/32`). Valid by construction: the prefix fits
/// the address family and no address bit is set beyond it. An IPv4-mapped
/// IPv6 block (`::ffff:10.0.0.0/104`) is kept as its IPv4 block
/// (`10.0.0.0/8`), as addresses are compared in their canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// Why a text is not an [`IpNet`]; its `Display` names the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpNetError {
    input: String,
    reason: String,
}

impl fmt::Display for IpNetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.input, self.reason)
    }
}

impl std::error::Error for IpNetError {}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl IpNet {
    /// The block of `prefix` leading bits of `addr`; refused when the
    /// prefix is longer than the address or `addr` has bits set after it.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpNet, String> {
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) if (96..=128).contains(&prefix) => (IpAddr::V4(v4), prefix - 96),
                _ => (addr, prefix),
            },
            IpAddr::V4(_) => (addr, prefix),
        };
        let host_bits = match addr {
            IpAddr::V4(v4) => {
                if prefix > 32 {
                    return Err(format!(
                        "the prefix length of an IPv4 block is at most 32, not {prefix}"
                    ));
                }
                u32::from(v4) & !mask32(prefix) != 0
            }
            IpAddr::V6(v6) => {
                if prefix > 128 {
                    return Err(format!(
                        "the prefix length of an IPv6 block is at most 128, not {prefix}"
                    ));
                }
                u128::from(v6) & !mask128(prefix) != 0
            }
        };
        if host_bits {
            let network = match addr {
                IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask32(prefix))),
                IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask128(prefix))),
            };
            return Err(format!(
                "the address has bits set after the /{prefix} prefix (the block is {network}/{prefix})"
            ));
        }
        Ok(IpNet { addr, prefix })
    }

    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Is `ip` in the block? Compared in canonical form: the IPv4-mapped
    /// `::ffff:10.0.0.1` is `10.0.0.1`.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let m = mask32(self.prefix);
                u32::from(net) & m == u32::from(ip) & m
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let m = mask128(self.prefix);
                u128::from(net) & m == u128::from(ip) & m
            }
            _ => false,
        }
    }
}

impl FromStr for IpNet {
    type Err = IpNetError;

    /// `ADDRESS` or `ADDRESS/PREFIX` (decimal digits only), nothing around.
    fn from_str(s: &str) -> Result<IpNet, IpNetError> {
        let err = |reason: String| IpNetError {
            input: s.to_string(),
            reason,
        };
        let (addr_s, prefix_s) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr_s.parse().map_err(|_| {
            err(
                "not an IP address or CIDR block (such as 192.0.2.1, 10.0.0.0/8 or 2001:db8::/32)"
                    .into(),
            )
        })?;
        let prefix = match prefix_s {
            None => match addr {
                IpAddr::V4(_) => 32,
                IpAddr::V6(_) => 128,
            },
            Some(p) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err(format!(
                        "the prefix length {p:?} is not a number of bits"
                    )));
                }
                p.parse::<u8>()
                    .map_err(|_| err(format!("the prefix length {p} is too long")))?
            }
        };
        IpNet::new(addr, prefix).map_err(err)
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|n| n.contains(ip))
}

/// One `X-Forwarded-For` entry: an address, or an address with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`) as some proxies write it.
fn forwarded_entry(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address, given the TCP `peer`, the request's headers and
/// the trusted proxies. A peer that is not trusted is the client, whatever
/// the headers say (they come from the client). A trusted peer forwarded
/// the request: the `X-Forwarded-For` entries (every such header, in
/// order, comma-separated) are read from the right, each trusted one
/// being another proxy; the first untrusted entry is the client, and when
/// all are trusted, the leftmost. An entry that is not an address stops
/// the walk: the last trusted hop read is the client. Addresses are
/// returned in canonical form (`::ffff:192.0.2.1` is `192.0.2.1`).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted(client, proxies) {
        return client;
    }
    // Every entry, left to right; a header that is not text is one
    // unreadable entry.
    let entries: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| match v.to_str() {
            Ok(text) => text.split(',').map(forwarded_entry).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect();
    for entry in entries.iter().rev() {
        match entry {
            None => break,
            Some(ip) => {
                client = *ip;
                if !trusted(*ip, proxies) {
                    break;
                }
            }
        }
    }
    client
}

/// The client address of a request, put in its extensions by [`layer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: decide the client address once ([`client_address`]) and
/// store it as [`ClientAddr`]. Without `ConnectInfo` (an in-process router)
/// the address stays unknown.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = client_address(peer.ip(), req.headers(), &state.settings.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn blocks_parse_or_are_refused_with_the_value() {
        let ok = [
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("192.0.2.1", "192.0.2.1/32"),
            ("192.0.2.1/32", "192.0.2.1/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:db8::/32", "2001:db8::/32"),
            ("2001:DB8::1", "2001:db8::1/128"),
            ("::/0", "::/0"),
            ("fd00::/8", "fd00::/8"),
            ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
            ("::ffff:192.0.2.1", "192.0.2.1/32"),
            ("10.0.0.0/08", "10.0.0.0/8"),
        ];
        for (input, shown) in ok {
            let n: IpNet = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(n.to_string(), shown, "{input}");
            assert_eq!(n.to_string().parse::<IpNet>(), Ok(n), "{input} round-trips");
        }
        let bad = [
            ("", "not an IP address"),
            ("10.0.0.0/", "not a number of bits"),
            ("10.0.0.0/33", "at most 32"),
            ("2001:db8::/129", "at most 128"),
            ("10.0.0.0/-1", "not a number of bits"),
            ("10.0.0.0/+8", "not a number of bits"),
            ("10.0.0.0/ 8", "not a number of bits"),
            ("10.0.0.0/1000", "not a number of bits"),
            ("10.0.0.0/256", "too long"),
            ("10.0.0.0/8/8", "not a number of bits"),
            ("10.0.0.1/8", "the block is 10.0.0.0/8"),
            ("2001:db8::1/32", "the block is 2001:db8::/32"),
            ("10.0.0", "not an IP address"),
            ("010.0.0.1", "not an IP address"),
            (" 10.0.0.1", "not an IP address"),
            ("10.0.0.1:80", "not an IP address"),
            ("localhost", "not an IP address"),
            ("fe80::1%eth0", "not an IP address"),
            ("/8", "not an IP address"),
        ];
        for (input, reason) in bad {
            let e = input.parse::<IpNet>().unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("{input:?}: ")),
                "{input}: the error names the value: {e}"
            );
            assert!(e.contains(reason), "{input}: {e}");
        }
    }

    #[test]
    fn contains_compares_canonical_addresses() {
        let cases = [
            ("10.0.0.0/8", "10.255.1.2", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("10.0.0.0/8", "::ffff:10.0.0.1", true),
            ("::ffff:10.0.0.0/104", "10.0.0.1", true),
            ("192.0.2.1", "192.0.2.1", true),
            ("192.0.2.1", "192.0.2.2", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("0.0.0.0/0", "2001:db8::1", false),
            ("2001:db8::/32", "2001:db8:ffff::1", true),
            ("2001:db8::/32", "2001:db9::1", false),
            ("::/0", "2001:db8::1", true),
            ("10.0.0.0/8", "::a00:1", false),
        ];
        for (net, ip, inside) in cases {
            let n: IpNet = net.parse().unwrap();
            assert_eq!(n.contains(ip.parse().unwrap()), inside, "{ip} in {net}");
        }
    }

    #[test]
    fn the_client_address_table() {
        // (trusted proxies, TCP peer, X-Forwarded-For headers, client)
        let cases: &[(&[&str], &str, &[&str], &str)] = &[
            // No trusted proxy: the headers are never read.
            (&[], "198.51.100.7", &["203.0.113.1"], "198.51.100.7"),
            (&[], "198.51.100.7", &[], "198.51.100.7"),
            // Spoofing from an untrusted peer: ignored, whatever it says.
            (
                &["10.0.0.0/8"],
                "198.51.100.7",
                &["203.0.113.1"],
                "198.51.100.7",
            ),
            (
                &["10.0.0.0/8"],
                "198.51.100.7",
                &["10.0.0.5"],
                "198.51.100.7",
            ),
            (
                &["10.0.0.0/8"],
                "::ffff:198.51.100.7",
                &["10.0.0.5"],
                "198.51.100.7",
            ),
            // A trusted proxy: the entry it appended.
            (&["10.0.0.0/8"], "10.0.0.1", &["203.0.113.1"], "203.0.113.1"),
            // The client's own (forged) entries are left of the real one.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["1.1.1.1, 2.2.2.2, 203.0.113.1"],
                "203.0.113.1",
            ),
            // A forged entry naming a trusted address is still left of the
            // address the proxy saw.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["10.9.9.9, 203.0.113.1"],
                "203.0.113.1",
            ),
            // A chain of trusted proxies is skipped from the right.
            (
                &["10.0.0.0/8", "192.0.2.0/24"],
                "10.0.0.1",
                &["1.1.1.1, 203.0.113.1, 192.0.2.10, 10.1.1.1"],
                "203.0.113.1",
            ),
            // Every entry trusted: the leftmost.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["10.0.0.7, 10.0.0.8"],
                "10.0.0.7",
            ),
            // No header from a trusted peer: the peer.
            (&["10.0.0.0/8"], "10.0.0.1", &[], "10.0.0.1"),
            // Several headers are one list, in order.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["1.1.1.1", "203.0.113.1, 10.0.0.2"],
                "203.0.113.1",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["203.0.113.1", "10.0.0.2", "10.0.0.3"],
                "203.0.113.1",
            ),
            // Garbage stops the walk at the last trusted hop.
            (&["10.0.0.0/8"], "10.0.0.1", &["garbage"], "10.0.0.1"),
            (&["10.0.0.0/8"], "10.0.0.1", &[""], "10.0.0.1"),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["unknown, 10.0.0.2"],
                "10.0.0.2",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["203.0.113.1, , 10.0.0.2"],
                "10.0.0.2",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["203.0.113.1", "garbage", "10.0.0.2"],
                "10.0.0.2",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["203.0.113.1 10.0.0.2"],
                "10.0.0.1",
            ),
            (&["10.0.0.0/8"], "10.0.0.1", &["203.0.113.1/32"], "10.0.0.1"),
            (&["10.0.0.0/8"], "10.0.0.1", &["fe80::1%eth0"], "10.0.0.1"),
            // Garbage left of the client does not matter.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["garbage, 203.0.113.1"],
                "203.0.113.1",
            ),
            // Whitespace around entries, ports as some proxies add them.
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["  203.0.113.1  "],
                "203.0.113.1",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["203.0.113.1:4711"],
                "203.0.113.1",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["[2001:db8::7]:4711"],
                "2001:db8::7",
            ),
            // IPv6 proxies and clients.
            (
                &["2001:db8::/32"],
                "2001:db8::1",
                &["2001:db9::5"],
                "2001:db9::5",
            ),
            (
                &["2001:db8::/32"],
                "2001:db8::1",
                &["2001:db9::5, 2001:db8::2"],
                "2001:db9::5",
            ),
            (
                &["2001:db8::/32"],
                "2001:db9::1",
                &["203.0.113.1"],
                "2001:db9::1",
            ),
            (&["10.0.0.0/8"], "10.0.0.1", &["2001:db8::5"], "2001:db8::5"),
            // IPv4-mapped IPv6 peers and entries match IPv4 blocks.
            (
                &["10.0.0.0/8"],
                "::ffff:10.0.0.1",
                &["203.0.113.1"],
                "203.0.113.1",
            ),
            (
                &["10.0.0.0/8"],
                "::ffff:10.0.0.1",
                &["203.0.113.1, ::ffff:10.0.0.2"],
                "203.0.113.1",
            ),
            (
                &["10.0.0.0/8"],
                "10.0.0.1",
                &["::ffff:203.0.113.1"],
                "203.0.113.1",
            ),
            (
                &["::ffff:10.0.0.0/104"],
                "10.0.0.1",
                &["203.0.113.1"],
                "203.0.113.1",
            ),
            // One trusted address, not a block.
            (&["10.0.0.1"], "10.0.0.1", &["203.0.113.1"], "203.0.113.1"),
            (&["10.0.0.1"], "10.0.0.2", &["203.0.113.1"], "10.0.0.2"),
        ];
        for (proxies, peer, xff, want) in cases {
            let mut headers = HeaderMap::new();
            for h in *xff {
                headers.append("x-forwarded-for", HeaderValue::from_str(h).unwrap());
            }
            let got = client_address(peer.parse().unwrap(), &headers, &nets(proxies));
            assert_eq!(
                got,
                want.parse::<IpAddr>().unwrap(),
                "proxies {proxies:?}, peer {peer}, X-Forwarded-For {xff:?}"
            );
        }
    }

    #[test]
    fn a_header_that_is_not_text_stops_the_walk() {
        let proxies = nets(&["10.0.0.0/8"]);
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("203.0.113.1"));
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff198.51.100.1").unwrap(),
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("10.0.0.2"));
        let got = client_address("10.0.0.1".parse().unwrap(), &headers, &proxies);
        assert_eq!(got, "10.0.0.2".parse::<IpAddr>().unwrap());
    }
}
