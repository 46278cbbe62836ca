//! Where the server may send requests an admin chose the address of (webhooks): public
//! internet addresses only, unless `WEBHOOK_ALLOW_PRIVATE` says otherwise. Without
//! this, an endpoint pointed at `http://169.254.169.254/` or `https://10.0.0.5/`
//! would make the server probe the city's own network from the inside (server-side
//! request forgery). Names are checked where they are resolved, at each delivery, so
//! a name that later resolves to a private address is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether an address is reachable on the public internet: not loopback, private,
/// link-local, shared (carrier NAT), multicast, reserved or for documentation.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

/// The IPv4 address an IPv6 one carries and routes to: mapped (`::ffff:a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`, what DNS64 answers for an IPv4-only name) and 6to4
/// (`2002:aabb:ccdd::`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |high: u16, low: u16| {
        let [a, b] = high.to_be_bytes();
        let [c, d] = low.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    match s {
        [0x0064, 0xff9b, 0, 0, 0, 0, high, low] => Some(from(high, low)),
        [0x2002, high, low, ..] => Some(from(high, low)),
        _ => None,
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b)))
}

/// Global unicast (`2000::/3`) only, less documentation and Teredo (`2001::/32`, whose
/// tunnel ends anywhere); everything else is loopback, local, multicast, discard or
/// reserved (`::1`, `fc00::/7`, `fe80::/10`, `fec0::/10`, `ff00::/8`, `100::/64`...).
fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    (s[0] & 0xe000) == 0x2000
        && !(s[0] == 0x2001 && s[1] == 0x0db8)
        && !(s[0] == 0x2001 && s[1] == 0)
}

/// Why a URL's host is refused before any lookup: an address written out that is not
/// public (names, `localhost` included, are refused where they are resolved).
pub fn refused_host(url: &reqwest::Url) -> Option<String> {
    // An IPv6 address comes between brackets.
    let literal = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let ip = literal.parse::<IpAddr>().ok()?;
    (!is_public(ip)).then(|| format!("{ip} is not a public address"))
}

/// The resolver webhook deliveries use: the system's, keeping public addresses only.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if public.is_empty() {
                let refused = found
                    .first()
                    .map_or("nothing".to_owned(), |a| a.ip().to_string());
                return Err(format!("{host} resolves to no public address ({refused})").into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
            "2002:a00:1::1",
            "2002:7f00:1::",
            "2001:0:4136:e378::1",
            "fec0::1",
            "100::1",
            "::127.0.0.1",
            "::8.8.8.8",
        ] {
            assert!(!is_public(ip(text)), "{text} taken for public");
        }
    }

    #[test]
    fn internet_addresses_are_public() {
        for text in [
            "8.8.8.8",
            "193.51.24.1",
            "172.32.0.1",
            "100.128.0.1",
            "2a01:e0a::1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip(text)), "{text} taken for private");
        }
    }

    #[test]
    fn written_out_internal_hosts_are_refused_before_any_lookup() {
        let refused = |text: &str| refused_host(&reqwest::Url::parse(text).unwrap());
        assert!(refused("https://10.0.0.5/hooks").is_some());
        assert!(refused("https://[::1]:8443/hooks").is_some());
        assert!(refused("https://localhost/hooks").is_none());
        assert!(refused("https://gestion.example.fr/hooks").is_none());
        assert!(refused("https://193.51.24.1/hooks").is_none());
    }

    #[tokio::test]
    async fn names_resolving_to_this_machine_are_refused() {
        let name: Name = "localhost".parse().unwrap();
        let error = PublicOnly.resolve(name).await.err().unwrap();
        assert!(error.to_string().contains("no public address"), "{error}");
    }
}
