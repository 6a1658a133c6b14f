//! The one HTTP policy of the crate. Every 8x8 call goes through the client built here.

use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, ErrorCode};

/// Where the TLS trust anchors of the shared client come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsRoots {
    /// The operating system's store (via rustls-platform-verifier): honours corporate CAs.
    Platform,
    /// Mozilla's roots compiled into the addon, used when the machine has no readable store.
    Bundled,
}

impl TlsRoots {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsRoots::Platform => "platform",
            TlsRoots::Bundled => "bundled",
        }
    }
}

pub struct Http {
    #[allow(dead_code)] // the 8x8 API modules send through it; addonInfo only proves it builds
    pub client: reqwest::Client,
    pub roots: TlsRoots,
}

/// Cognigy kills a node after 20 s; no single connection attempt may eat a large part of that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

static SHARED: OnceLock<Result<Http, Error>> = OnceLock::new();

/// The process-wide client. Built once: it holds the connection pool and the loaded CA roots.
pub fn shared() -> Result<&'static Http, Error> {
    SHARED.get_or_init(build).as_ref().map_err(Clone::clone)
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .user_agent(concat!("eightbyeight/", env!("CARGO_PKG_VERSION")))
}

fn build() -> Result<Http, Error> {
    // Minimal container images (as extension runtimes often are) may have no CA store at all, and
    // then the platform verifier refuses to build. Fall back to the bundled Mozilla roots rather
    // than fail every call.
    if let Ok(client) = builder().build() {
        return Ok(Http {
            client,
            roots: TlsRoots::Platform,
        });
    }
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
    builder()
        .tls_certs_only(bundled)
        .build()
        .map(|client| Http {
            client,
            roots: TlsRoots::Bundled,
        })
        .map_err(|err| {
            Error::new(
                ErrorCode::Network,
                format!("could not set up the TLS client: {err}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_client_is_built_once() {
        let first = shared().expect("client builds on a machine with or without a CA store");
        let second = shared().expect("client builds");
        assert!(std::ptr::eq(first, second));
    }

    #[test]
    fn bundled_roots_are_present() {
        assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() > 50);
        assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .all(|der| reqwest::Certificate::from_der(der.as_ref()).is_ok()));
    }
}
