//! OAuth client-credentials tokens for Chat API v2 (`POST /oauth/v2/token`), cached per API key
//! pair and tenant. Concurrent callers share one token request; a token 8x8 calls invalid is
//! dropped so that the next caller fetches a fresh one.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::{Method, Url};
use serde::Deserialize;
use tokio::time::Instant;

use crate::error::{Error, ErrorCode};
use crate::http::{self, Advice, Deadline, Outgoing, Redactor, Replay};

/// Who asks for a token. The secret is part of the cache key: a caller that knows only the API
/// key must not be handed a token that was obtained with the secret.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Credentials {
    pub base: Url,
    pub key: String,
    pub secret: String,
    pub tenant: String,
}

/// A bearer token and whether it came from the cache (only a cached token is worth refreshing
/// when 8x8 rejects it; a fresh one that is rejected means the credentials are wrong).
pub struct Token {
    pub value: String,
    pub cached: bool,
}

struct Cached {
    value: String,
    valid_until: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<Credentials, Slot>>,
}

static TOKENS: LazyLock<TokenCache> = LazyLock::new(TokenCache::default);

pub fn tokens() -> &'static TokenCache {
    &TOKENS
}

/// How long before 8x8's stated expiry a token stops being used: a request that starts just
/// before the expiry must not arrive just after it.
fn usable_for(expires_in: Duration) -> Duration {
    let margin = if expires_in > Duration::from_secs(120) {
        Duration::from_secs(60)
    } else {
        expires_in / 2
    };
    expires_in.saturating_sub(margin)
}

impl TokenCache {
    fn slot(&self, creds: &Credentials) -> Slot {
        // A poisoned lock only means another thread panicked while inserting; the map is intact.
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(creds.clone()).or_default().clone()
    }

    /// A valid token: the cached one, or a new one. While one caller fetches, the others for the
    /// same credentials wait on the slot's lock and then reuse what it fetched (single flight).
    pub async fn get(
        &self,
        http: &http::Http,
        creds: &Credentials,
        deadline: &Deadline,
        redactor: &Redactor,
    ) -> Result<Token, Error> {
        let slot = self.slot(creds);
        let mut guard = slot.lock().await;
        if let Some(cached) = guard.as_ref() {
            if Instant::now() < cached.valid_until {
                return Ok(Token {
                    value: cached.value.clone(),
                    cached: true,
                });
            }
        }
        *guard = None;
        let (value, expires_in) = fetch(http, creds, deadline, redactor).await?;
        if let Some(expires_in) = expires_in {
            *guard = Some(Cached {
                value: value.clone(),
                valid_until: Instant::now() + usable_for(expires_in),
            });
        }
        Ok(Token {
            value,
            cached: false,
        })
    }

    /// Drops `value` if it is still the cached token (a concurrent caller may already have
    /// replaced it, and the replacement must survive).
    pub async fn invalidate(&self, creds: &Credentials, value: &str) {
        let slot = self.slot(creds);
        let mut guard = slot.lock().await;
        if guard.as_ref().is_some_and(|cached| cached.value == value) {
            *guard = None;
        }
    }
}

/// The token reply. 8x8 documents every field as a string, `expires_in` included; numbers are
/// accepted too in case that ever changes.
#[derive(Deserialize)]
struct TokenReply {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
}

async fn fetch(
    http: &http::Http,
    creds: &Credentials,
    deadline: &Deadline,
    redactor: &Redactor,
) -> Result<(String, Option<Duration>), Error> {
    let url = creds
        .base
        .join("/oauth/v2/token")
        .map_err(|_| Error::new(ErrorCode::InvalidInput, "the 8x8 address is not valid"))?;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", creds.key, creds.secret));
    let request = Outgoing::new(Method::POST, url, Replay::Safe)
        .header(
            "authorization",
            &format!("Basic {basic}"),
            "connection.username",
            true,
        )?
        .form(&[("grant_type", "client_credentials")]);
    let reply = http.send(&request, deadline).await?;
    if !reply.is_success() {
        // 8x8 may quote the request, Authorization header included, in its error text.
        let mut redactor = redactor.clone();
        redactor.hide(&basic);
        let advice = Advice {
            operation: "8x8 OAuth token",
            auth: "8x8 rejected the API key and secret: check the connection's API key \
                   (username) and secret (password) in 8x8 Admin Console > API Keys",
            not_found: "the token address was not found",
        };
        let mut err = http::status_error(&reply, &advice, &redactor);
        // The token call's 400 means the client credentials were not accepted (the request
        // itself is fixed), so it is an authentication problem for the caller.
        if reply.status == 400 {
            err.code = ErrorCode::AuthFailed;
        }
        return Err(err);
    }
    let parsed: TokenReply = serde_json::from_slice(&reply.body).map_err(|_| {
        Error::new(
            ErrorCode::Protocol,
            "8x8 OAuth token: the reply is not the JSON token object 8x8 documents",
        )
        .with_status(reply.status)
    })?;
    let token = parsed
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Protocol,
                "8x8 OAuth token: the reply has no access_token",
            )
            .with_status(reply.status)
        })?;
    let expires_in = parsed.expires_in.and_then(|v| match v {
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    });
    Ok((token, expires_in.map(Duration::from_secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_retired_before_they_expire() {
        assert_eq!(
            usable_for(Duration::from_secs(3600)),
            Duration::from_secs(3540)
        );
        assert_eq!(
            usable_for(Duration::from_secs(1799)),
            Duration::from_secs(1739)
        );
        assert_eq!(usable_for(Duration::from_secs(60)), Duration::from_secs(30));
        assert_eq!(usable_for(Duration::ZERO), Duration::ZERO);
    }
}
