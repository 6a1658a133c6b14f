//! One error type for the whole crate: a stable code, the HTTP status where there was one, and a
//! message that is safe to show (it never contains secrets or personal data).

use std::fmt;

/// The documented, stable error codes. JavaScript sees them as `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidInput,
    AuthFailed,
    NotFound,
    RateLimited,
    UpstreamError,
    Timeout,
    Network,
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
