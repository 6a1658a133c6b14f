//! The one HTTP policy of the crate. Every 8x8 call goes through [`Http::send`]: one pooled
//! client per process, a deadline per operation, retries with jittered exponential backoff that
//! honour `Retry-After`, a cap on reply size, and one mapping from failures to error codes.

use std::error::Error as _;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, Url};
use tokio::time::Instant;

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
    client: reqwest::Client,
    pub roots: TlsRoots,
}

/// Cognigy kills a node after 20 s; no single connection attempt may eat a large part of that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Replies larger than this are refused: no 8x8 answer we read comes near it, and a runaway
/// body must not grow the memory of Cognigy's shared process.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;
/// One try and up to three retries; the deadline usually ends the series first.
const MAX_ATTEMPTS: u32 = 4;
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(4);

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

/// The time budget of one operation (token, retries and all).
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    pub fn after(budget: Duration) -> Self {
        Deadline {
            at: Instant::now() + budget,
            budget,
        }
    }

    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    /// Runs a whole operation within the budget. When the budget runs out the work is dropped,
    /// which closes its connections: nothing outlives the deadline.
    pub async fn run<T>(
        &self,
        what: &str,
        work: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout_at(self.at, work).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::new(
                ErrorCode::Timeout,
                format!(
                    "{what}: 8x8 did not answer within {} ms (retries included); try again, or \
                     raise `timeoutMs` if 8x8 is known to be slow",
                    self.budget.as_millis()
                ),
            )),
        }
    }
}

/// Whether a request may be sent again after a failure 8x8 might already have acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads, the token call, and creates that carry an idempotency key: every transient
    /// failure (connect error, 429, 502, 503, 504, a connection lost mid-way) is retried.
    Safe,
    /// Creates without an idempotency key: retried only when 8x8 cannot have processed the
    /// request (no connection was made, or 429 said it was refused), so that a retry can never
    /// create a second conversation.
    UnsentOnly,
}

/// One request, kept whole so that it can be sent again.
pub struct Outgoing {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<(&'static str, Vec<u8>)>,
    pub replay: Replay,
}

impl Outgoing {
    pub fn new(method: Method, url: Url, replay: Replay) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        Outgoing {
            method,
            url,
            headers,
            body: None,
            replay,
        }
    }

    /// Adds a header whose value came from the caller. Secrets are marked sensitive so that no
    /// debug output of the request can show them.
    pub fn header(
        mut self,
        name: &'static str,
        value: &str,
        field: &str,
        sensitive: bool,
    ) -> Result<Self, Error> {
        let mut value = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid(
                field,
                "may only contain printable ASCII characters (it is sent in an HTTP header)",
            )
        })?;
        value.set_sensitive(sensitive);
        self.headers.insert(name, value);
        Ok(self)
    }

    pub fn json(mut self, body: &serde_json::Value) -> Self {
        // Serialising a serde_json::Value cannot fail: every key is a string.
        self.body = Some(("application/json", body.to_string().into_bytes()));
        self
    }

    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = Some(("application/x-www-form-urlencoded", encoded.into_bytes()));
        self
    }
}

/// A complete HTTP reply (any status), read within the size cap.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A failure below HTTP: the connection, or the reply's body.
struct Broken {
    /// True when no connection was made, so 8x8 cannot have seen the request.
    unsent: bool,
    /// False for failures a retry would only repeat (a reply over the size cap).
    transient: bool,
    error: Error,
}

impl Http {
    /// Sends `req` under the retry policy and returns the last reply, whatever its status; HTTP
    /// error statuses are turned into errors by the caller with [`status_error`], which knows
    /// what to advise. Transport failures come back as `NETWORK` or `PROTOCOL` errors.
    pub async fn send(&self, req: &Outgoing, deadline: &Deadline) -> Result<Reply, Error> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (last, wait) = match self.attempt(req).await {
                Ok(reply) if should_retry_status(reply.status, req.replay) => {
                    let wait = reply.retry_after;
                    (Ok(reply), wait)
                }
                Ok(reply) => return Ok(reply),
                Err(broken)
                    if broken.transient && (broken.unsent || req.replay == Replay::Safe) =>
                {
                    (Err(broken.error), None)
                }
                Err(broken) => return Err(broken.error),
            };
            if attempt >= MAX_ATTEMPTS {
                return last;
            }
            let delay = wait.unwrap_or_else(|| backoff(attempt, fastrand::f64()));
            // Waiting past the deadline would only turn a clear error into a TIMEOUT.
            if delay >= deadline.remaining() {
                return last;
            }
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, req: &Outgoing) -> Result<Reply, Broken> {
        let mut builder = self
            .client
            .request(req.method.clone(), req.url.clone())
            .headers(req.headers.clone());
        if let Some((content_type, bytes)) = &req.body {
            builder = builder
                .header(CONTENT_TYPE, *content_type)
                .body(bytes.clone());
        }
        let mut response = builder.send().await.map_err(|err| Broken {
            unsent: err.is_connect(),
            transient: true,
            error: transport_error(&req.url, &err),
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let too_big = || Broken {
            unsent: false,
            transient: false,
            error: Error::new(
                ErrorCode::Protocol,
                format!(
                    "the reply from {} is larger than {} bytes and was refused",
                    host_of(&req.url),
                    MAX_REPLY_BYTES
                ),
            )
            .with_status(status),
        };
        if response
            .content_length()
            .is_some_and(|len| len > MAX_REPLY_BYTES as u64)
        {
            return Err(too_big());
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_REPLY_BYTES {
                        return Err(too_big());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(err) => {
                    return Err(Broken {
                        unsent: false,
                        transient: true,
                        error: Error::new(
                            ErrorCode::Network,
                            format!(
                                "the reply from {} broke off before its end ({})",
                                host_of(&req.url),
                                cause(&err)
                            ),
                        )
                        .with_status(status),
                    })
                }
            }
        }
        Ok(Reply {
            status,
            retry_after,
            body,
        })
    }
}

fn should_retry_status(status: u16, replay: Replay) -> bool {
    match status {
        // 8x8's gateway refuses the request before any work is done.
        429 => true,
        // The gateway or a backend was unavailable; the request may have gone through.
        502..=504 => replay == Replay::Safe,
        _ => false,
    }
}

/// Full-jitter style backoff: `base * 2^(attempt-1)`, capped, then scaled into [50 %, 100 %] by
/// `jitter` (a number in [0, 1)) so that many callers hit by the same outage spread out.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let exp = BACKOFF_BASE.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(BACKOFF_CAP);
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// `Retry-After` is either delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => "8x8".to_owned(),
    }
}

/// The innermost cause of a transport error, in words that hold no request data (reqwest's own
/// message includes the URL).
fn cause(err: &reqwest::Error) -> String {
    let mut source = err.source();
    let mut innermost = None;
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            innermost = Some(io.kind().to_string());
        }
        source = inner.source();
    }
    innermost.unwrap_or_else(|| {
        if err.is_timeout() {
            "timed out".to_owned()
        } else if err.is_body() {
            "body error".to_owned()
        } else {
            "connection error".to_owned()
        }
    })
}

fn transport_error(url: &Url, err: &reqwest::Error) -> Error {
    let host = host_of(url);
    let message = if err.is_connect() {
        format!(
            "could not connect to {host} ({}); check the machine's network, proxy and firewall",
            cause(err)
        )
    } else {
        format!(
            "the connection to {host} failed after the request was sent ({})",
            cause(err)
        )
    };
    Error::new(ErrorCode::Network, message)
}

/// Strings that must never appear in an error message: the connection's secrets and the
/// customer's personal data. 8x8's own error texts are passed through it before we quote them.
#[derive(Default, Clone)]
pub struct Redactor(Vec<String>);

impl Redactor {
    pub fn new() -> Self {
        Redactor(Vec::new())
    }

    pub fn hide(&mut self, value: &str) {
        let value = value.trim();
        // Shorter strings would garble ordinary words and are not secrets anyway.
        if value.chars().count() >= 3 {
            self.0.push(value.to_owned());
            self.0.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.0 {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "[redacted]");
            }
        }
        out
    }
}

/// What an HTTP error status means for one operation, in words the bot builder can act on.
pub struct Advice {
    /// e.g. "Chat Gateway: create conversation"
    pub operation: &'static str,
    /// For 401 and 403: which credentials to check.
    pub auth: &'static str,
    /// For 404: which ids or settings to check.
    pub not_found: &'static str,
}

/// Maps a reply with an error status to our error code, quoting 8x8's explanation (redacted and
/// shortened) when the body has one.
pub fn status_error(reply: &Reply, advice: &Advice, redactor: &Redactor) -> Error {
    let status = reply.status;
    let (code, meaning) = match status {
        400 => (
            ErrorCode::InvalidInput,
            "8x8 refused the request as invalid",
        ),
        401 | 403 => (ErrorCode::AuthFailed, advice.auth),
        404 => (ErrorCode::NotFound, advice.not_found),
        429 => (
            ErrorCode::RateLimited,
            "8x8 is limiting the request rate and the retries ran out of time; try again later",
        ),
        500..=599 => (
            ErrorCode::UpstreamError,
            "8x8 had a server error; try again later",
        ),
        _ => (
            ErrorCode::UpstreamError,
            "8x8 answered with an unexpected status",
        ),
    };
    let detail = upstream_detail(&reply.body)
        .map(|text| format!(": {}", shorten(&redactor.apply(&text), 300)))
        .unwrap_or_default();
    Error::new(
        code,
        format!("{}: {meaning} (HTTP {status}){detail}", advice.operation),
    )
    .with_status(status)
}

/// 8x8's error bodies come in several shapes: `{message, errors[]}` (strings or `{code,
/// message}`), Apigee's `{fault:{faultstring}}` and OAuth's `{ErrorCode, Error}`.
fn upstream_detail(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut parts: Vec<String> = Vec::new();
    let mut push = |v: Option<&serde_json::Value>| {
        if let Some(text) = v.and_then(|v| v.as_str()).filter(|t| !t.is_empty()) {
            if !parts.iter().any(|p| p == text) {
                parts.push(text.to_owned());
            }
        }
    };
    push(json.get("message"));
    push(json.pointer("/fault/faultstring"));
    push(json.get("ErrorCode"));
    push(json.get("Error"));
    for list in ["errors", "validations"] {
        match json.get(list) {
            Some(serde_json::Value::Array(items)) => {
                for item in items.iter().take(5) {
                    push(Some(item));
                    push(item.get("code"));
                    push(item.get("message"));
                }
            }
            Some(obj @ serde_json::Value::Object(_)) => {
                push(obj.get("code"));
                push(obj.get("message"));
            }
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn shorten(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut cut: String = clean.chars().take(max).collect();
        cut.push('…');
        cut
    }
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

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let ms = |attempt, jitter| backoff(attempt, jitter).as_millis();
        assert_eq!(ms(1, 0.0), 125);
        assert_eq!(ms(1, 1.0), 250);
        assert_eq!(ms(2, 0.0), 250);
        assert_eq!(ms(2, 1.0), 500);
        assert_eq!(ms(3, 0.5), 750);
        assert_eq!(ms(10, 1.0), 4000);
        assert_eq!(ms(40, 1.0), 4000);
        for attempt in 1..8 {
            for step in 0..10 {
                let jitter = f64::from(step) / 10.0;
                let full = BACKOFF_BASE
                    .saturating_mul(1 << (attempt - 1))
                    .min(BACKOFF_CAP);
                let got = backoff(attempt, jitter);
                assert!(got >= full / 2 && got <= full, "{attempt} {jitter} {got:?}");
            }
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
        assert_eq!(parse_retry_after(&date, now), Some(Duration::from_secs(3)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(3));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn create_requests_are_not_retried_after_gateway_errors() {
        assert!(should_retry_status(429, Replay::UnsentOnly));
        assert!(!should_retry_status(502, Replay::UnsentOnly));
        assert!(!should_retry_status(503, Replay::UnsentOnly));
        assert!(should_retry_status(503, Replay::Safe));
        assert!(!should_retry_status(500, Replay::Safe));
        assert!(!should_retry_status(401, Replay::Safe));
    }

    #[test]
    fn status_errors_quote_8x8_without_secrets() {
        let advice = Advice {
            operation: "Chat API v2: create conversation",
            auth: "check the API key and secret",
            not_found: "check the region and tenant",
        };
        let mut redactor = Redactor::new();
        redactor.hide("jane@example.com");
        let reply = Reply {
            status: 400,
            retry_after: None,
            body: br#"{"message":"Constraint Violation","errors":["customer.email jane@example.com: bad"]}"#.to_vec(),
        };
        let err = status_error(&reply, &advice, &redactor);
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(err.status, Some(400));
        assert!(err.message.contains("Constraint Violation"));
        assert!(err.message.contains("[redacted]"));
        assert!(!err.message.contains("jane@example.com"));

        let fault = Reply {
            status: 401,
            retry_after: None,
            body: br#"{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":"x"}}}"#
                .to_vec(),
        };
        let err = status_error(&fault, &advice, &redactor);
        assert_eq!(err.code, ErrorCode::AuthFailed);
        assert!(err.message.contains("Invalid Access Token"));
        assert!(err.message.contains("check the API key and secret"));

        let html = Reply {
            status: 502,
            retry_after: None,
            body: b"<html><body>Bad Gateway</body></html>".to_vec(),
        };
        let err = status_error(&html, &advice, &redactor);
        assert_eq!(err.code, ErrorCode::UpstreamError);
        assert!(!err.message.contains("<html>"));
        for (status, code) in [
            (403, ErrorCode::AuthFailed),
            (404, ErrorCode::NotFound),
            (429, ErrorCode::RateLimited),
            (418, ErrorCode::UpstreamError),
        ] {
            let reply = Reply {
                status,
                retry_after: None,
                body: Vec::new(),
            };
            assert_eq!(status_error(&reply, &advice, &redactor).code, code);
        }
    }

    #[test]
    fn redactor_hides_longest_first() {
        let mut r = Redactor::new();
        r.hide("abc");
        r.hide("abcdef");
        r.hide("x");
        assert_eq!(
            r.apply("key abcdef and abc and x"),
            "key [redacted] and [redacted] and x"
        );
    }
}
