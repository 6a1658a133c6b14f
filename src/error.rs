//! One error type for the whole crate: a stable code, the HTTP status where there was one, and a
//! message that is safe to show (it never contains secrets or personal data).

use std::fmt;

/// The stable error codes. Every rejected Promise of this library carries an `Error` whose `code`
/// is one of these (compare with `ErrorCode.AuthFailed` or the string `'AUTH_FAILED'`) and, when
/// 8x8 answered with an HTTP error, its `status`. Messages say what to fix and never contain
/// secrets or the customer's personal data.
#[napi_derive::napi(string_enum = "UPPER_SNAKE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A field is missing or malformed (the message names it); nothing was sent to 8x8. Also
    /// used when 8x8 refused a value (with `status` 400, or a WAPI value error).
    InvalidInput,
    /// 8x8 refused the credentials, the tenant or the permissions (401, 403, WAPI 303 / 310).
    AuthFailed,
    /// 8x8 does not know the tenant, region, channel or address (404).
    NotFound,
    /// 8x8 kept answering 429 and the retries ran out of time.
    RateLimited,
    /// 8x8 failed on its side (5xx or a WAPI error status).
    UpstreamError,
    /// No answer within the operation's budget (`timeoutMs`, default 15 s, retries included).
    Timeout,
    /// The connection to 8x8 could not be made or broke.
    Network,
    /// 8x8's reply could not be read: not the documented JSON/XML, cut short, or over 1 MiB.
    Protocol,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::AuthFailed => "AUTH_FAILED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::UpstreamError => "UPSTREAM_ERROR",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Network => "NETWORK",
            ErrorCode::Protocol => "PROTOCOL",
        }
    }
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    /// HTTP status of the 8x8 reply that caused the error, if any.
    pub status: Option<u16>,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            status: None,
            message: message.into(),
        }
    }

    /// A field the caller must fix. The message starts with the field's path so that a bot
    /// builder reading Cognigy's log knows which box to change.
    pub fn invalid(field: &str, problem: impl fmt::Display) -> Self {
        Error::new(ErrorCode::InvalidInput, format!("`{field}` {problem}"))
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_strings() {
        let all = [
            (ErrorCode::InvalidInput, "INVALID_INPUT"),
            (ErrorCode::AuthFailed, "AUTH_FAILED"),
            (ErrorCode::NotFound, "NOT_FOUND"),
            (ErrorCode::RateLimited, "RATE_LIMITED"),
            (ErrorCode::UpstreamError, "UPSTREAM_ERROR"),
            (ErrorCode::Timeout, "TIMEOUT"),
            (ErrorCode::Network, "NETWORK"),
            (ErrorCode::Protocol, "PROTOCOL"),
        ];
        for (code, text) in all {
            assert_eq!(code.as_str(), text);
        }
    }

    #[test]
    fn display_names_code_and_message() {
        let err = Error::new(ErrorCode::Network, "could not connect");
        assert_eq!(err.to_string(), "NETWORK: could not connect");
        assert_eq!(err.status, None);
    }
}
