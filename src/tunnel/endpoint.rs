//! Where the client connects and what it tells the user to give providers, from
//! the tunnel server's URL (`wss://host`, `https://host/prefix`, `ws://127.0.0.1:8080`).

use http::Uri;

/// A tunnel server's address, as the client uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name or address, without brackets.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Whether to speak TLS.
    pub tls: bool,
    /// The WebSocket URL, with the channel.
    pub websocket: Uri,
    /// The URL providers post to: `<server>/c/<channel>/`.
    pub public: String,
}

impl Endpoint {
    /// Parses `url` for `channel`; the error says what to write instead.
    pub fn parse(url: &str, channel: &str) -> Result<Endpoint, String> {
        if !super::valid_channel(channel) {
            return Err(format!("{channel:?} cannot name a channel: use 1 to 64 letters, digits, '.', '_' or '-'"));
        }
        let uri: Uri = url.trim().parse().map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let (tls, ws, http) = match uri.scheme_str() {
            Some("wss") | Some("https") => (true, "wss", "https"),
            Some("ws") | Some("http") => (false, "ws", "http"),
            Some(other) => {
                return Err(format!("{url:?}: the scheme must be wss://, ws://, https:// or http://, not {other}://"));
            }
            None => {
                return Err(format!(
                    "{url:?} has no scheme: write wss://host (or ws://host:port for a server without TLS)"
                ));
            }
        };
        let authority = uri.authority().ok_or_else(|| format!("{url:?} names no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!("{url:?}: put the token in HOOKTAP_TUNNEL_TOKEN, not in the URL"));
        }
        if uri.query().is_some() {
            return Err(format!("{url:?}: the server's URL takes no query"));
        }
        let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let prefix = uri.path().trim_end_matches('/');
        let websocket = format!("{ws}://{authority}{prefix}{}?channel={channel}", super::TUNNEL_PATH)
            .parse()
            .map_err(|e| format!("{url:?}: {e}"))?;
        let public = format!("{http}://{authority}{prefix}{}{channel}/", super::INGRESS_PREFIX);
        Ok(Endpoint { host, port, tls, websocket, public })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_gives_a_websocket_url_and_the_url_for_providers() {
        let e = Endpoint::parse("wss://hooks.example.com", "dev").unwrap();
        assert_eq!((e.host.as_str(), e.port, e.tls), ("hooks.example.com", 443, true));
        assert_eq!(e.websocket.to_string(), "wss://hooks.example.com/_hooktap/tunnel?channel=dev");
        assert_eq!(e.public, "https://hooks.example.com/c/dev/");
        let e = Endpoint::parse("http://127.0.0.1:8080/", "a.b-c").unwrap();
        assert_eq!((e.port, e.tls), (8080, false));
        assert_eq!(e.websocket.to_string(), "ws://127.0.0.1:8080/_hooktap/tunnel?channel=a.b-c");
        assert_eq!(e.public, "http://127.0.0.1:8080/c/a.b-c/");
        let e = Endpoint::parse("https://proxy.example.com/hooktap/", "dev").unwrap();
        assert_eq!(e.websocket.to_string(), "wss://proxy.example.com/hooktap/_hooktap/tunnel?channel=dev");
        assert_eq!(e.public, "https://proxy.example.com/hooktap/c/dev/");
        let e = Endpoint::parse("ws://[::1]:9000", "dev").unwrap();
        assert_eq!((e.host.as_str(), e.port), ("::1", 9000));
    }

    #[test]
    fn what_cannot_work_is_refused_with_what_to_write() {
        for (url, channel, says) in [
            ("hooks.example.com", "dev", "has no scheme"),
            ("ftp://x", "dev", "the scheme must be"),
            ("wss://user:pw@x", "dev", "HOOKTAP_TUNNEL_TOKEN"),
            ("wss://x/?a=1", "dev", "takes no query"),
            ("wss://x", "a/b", "cannot name a channel"),
            ("wss://x", "", "cannot name a channel"),
        ] {
            let err = Endpoint::parse(url, channel).unwrap_err();
            assert!(err.contains(says), "{url} {channel}: {err}");
        }
    }
}
