//! What callers hand us (connections and options, as they arrive from JavaScript) and the checks
//! that turn them into values safe to put into a URL, a header or an XML query. Nothing reaches
//! the network before it has passed through here; hosts and paths are built only from the
//! validated values below.

use std::net::IpAddr;
use std::time::Duration;

use napi_derive::napi;
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::Error;

/// The 8x8 OAuth connection (Cognigy type `eightbyeight`): an 8x8 Admin Console API key pair.
#[napi(object)]
#[derive(Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct OAuthConnection {
    /// The API key (8x8 Admin Console > API Keys). Sent as `x-api-key` on Chat Gateway and used
    /// as the OAuth client id on Chat API v2.
    pub username: Option<String>,
    /// The API secret that belongs to the key. Used only for the OAuth token of Chat API v2.
    pub password: Option<String>,
    /// The Contact Center tenant id, e.g. `acme01`.
    pub tenant: Option<String>,
    /// The Chat API v2 region: `us`, `eu`, `ca` or `ap`. Chat Gateway does not need it.
    pub region: Option<String>,
}

/// The 8x8 CRM connection (Cognigy type `eightbyeight-crm`): the CRM API (WAPI) login.
#[napi(object)]
#[derive(Deserialize, Clone, Default)]
#[serde(rename_all = "camelCase")]
pub struct CrmConnection {
    /// CRM API user name (Configuration Manager > Integration > CRM API).
    pub username: Option<String>,
    /// CRM API password.
    pub password: Option<String>,
    /// The Contact Center tenant id.
    pub tenant: Option<String>,
    /// The cluster that hosts the tenant, e.g. `vcc-eu3`: the first label of the Configuration
    /// Manager login address. Empty means `vcc-eu3`, the original extension's fixed host.
    pub cluster: Option<String>,
}

/// Parses a JavaScript value into one of the option types. Type errors name the field and the
/// expected type but never echo the value, which may be a secret or an email address.
pub fn parse<T: DeserializeOwned>(what: &str, value: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." {
            what.to_owned()
        } else {
            format!("{what}.{path}")
        };
        let inner = err.inner().to_string();
        if let Some(rest) = inner.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or_default();
            return Error::invalid(&format!("{field}.{name}"), "is required");
        }
        match inner.rsplit_once(", expected ") {
            Some((_, expected)) => {
                let expected = expected.split(" at line ").next().unwrap_or(expected);
                let expected = if expected.starts_with("struct ") {
                    "an object"
                } else {
                    expected
                };
                Error::invalid(&field, format!("has the wrong type: expected {expected}"))
            }
            None => Error::invalid(&field, "is not valid"),
        }
    })
}

/// Which 8x8 chat API a handover uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatApi {
    /// `api.8x8.com/chat-gateway/v1`, authenticated by `x-api-key` + `X-8x8-Tenant`. The current
    /// API and the default.
    Gateway,
    /// `api.8x8.com/vcc/{region}/chat/v2`, authenticated by an OAuth bearer token. The API of the
    /// original extension, deprecated by 8x8 but still served.
    V2,
}

impl ChatApi {
    pub fn parse(field: &str, value: Option<&str>) -> Result<Self, Error> {
        match value.map(str::trim) {
            None | Some("") | Some("chatGateway") => Ok(ChatApi::Gateway),
            Some("chatApiV2") => Ok(ChatApi::V2),
            Some(_) => Err(Error::invalid(
                field,
                "must be `chatGateway` (the default) or `chatApiV2`",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChatApi::Gateway => "chatGateway",
            ChatApi::V2 => "chatApiV2",
        }
    }
}

/// The Chat API v2 regions (the enum of its `{region}` path parameter).
pub const REGIONS: [&str; 4] = ["us", "eu", "ca", "ap"];

pub fn region(field: &str, value: Option<&str>) -> Result<&'static str, Error> {
    let value = required(field, value)?;
    REGIONS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(value))
        .copied()
        .ok_or_else(|| Error::invalid(field, "must be one of us, eu, ca, ap"))
}

/// The cluster host label: `vcc-` followed by letters and then digits (`vcc-eu3`, `vcc-na12`).
/// The pattern leaves out "B side" hosts such as `vcc-na8b`, which 8x8 says must not be used for
/// the API, and anything that could name another host.
pub fn cluster(field: &str, value: Option<&str>) -> Result<String, Error> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Ok(DEFAULT_CLUSTER.to_owned());
    }
    let lower = value.to_ascii_lowercase();
    let shaped = lower.strip_prefix("vcc-").is_some_and(|rest| {
        let letters = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        let digits = &rest[letters..];
        letters > 0
            && letters <= 8
            && !digits.is_empty()
            && digits.len() <= 4
            && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if shaped {
        Ok(lower)
    } else {
        Err(Error::invalid(
            field,
            "must look like `vcc-eu3`: `vcc-`, letters, digits, without a `b` side suffix \
             (take it from your Configuration Manager login address)",
        ))
    }
}

pub const DEFAULT_CLUSTER: &str = "vcc-eu3";

/// A tenant id is a plain name: it is put into URL paths, headers and XML.
pub fn tenant(field: &str, value: Option<&str>) -> Result<String, Error> {
    let value = required(field, value)?;
    if value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid(
            field,
            "must be a plain tenant name: letters, digits, `_` or `-`, at most 64 characters",
        ))
    }
}

/// Channel, queue and similar 8x8 ids (`"25"`, `"101"`): they become path or body values.
pub fn identifier(field: &str, value: Option<&str>) -> Result<String, Error> {
    let value = required(field, value)?;
    if value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
    {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid(
            field,
            "must be an 8x8 id: letters, digits, `_`, `-`, `.` or `:`, at most 128 characters",
        ))
    }
}

/// API keys, secrets, CRM user names and passwords: any printable text, never echoed.
pub fn credential(field: &str, value: Option<&str>) -> Result<String, Error> {
    let value = value.unwrap_or_default();
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if value.len() > 512 || value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "must be at most 512 characters without control characters",
        ));
    }
    Ok(value.to_owned())
}

/// An email address: the loose shape 8x8 itself accepts (something, `@`, a dotted domain),
/// printable, within `max` characters. XML metacharacters are allowed in the local part (they are
/// legal in quoted local parts) because every value is escaped before it is sent.
pub fn email(field: &str, value: Option<&str>, max: usize) -> Result<String, Error> {
    let value = required(field, value)?;
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    let shaped = value.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.chars().any(|c| c.is_whitespace() || c.is_control())
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    });
    if shaped {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid(
            field,
            "must be an email address such as jane@example.com",
        ))
    }
}

/// The languages 8x8 routes chats by (the `Language` enum of both chat APIs).
pub const LANGUAGES: [&str; 21] = [
    "en", "ru", "de", "ja", "es", "fr", "pt", "it", "pl", "hr", "nl", "ar", "da", "ko", "no", "sv",
    "vi", "cy", "th", "zh-CN", "zh-TW",
];

pub fn language(field: &str, value: &str) -> Result<&'static str, Error> {
    let value = value.trim().replace('_', "-");
    LANGUAGES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(&value))
        .copied()
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("must be one of 8x8's languages: {}", LANGUAGES.join(", ")),
            )
        })
}

/// Free text sent to 8x8 (names, company, extra property values): no control characters other
/// than line breaks and tabs, and a bounded length.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// The default budget of one operation, retries included. Cognigy stops a node after 20 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

pub fn timeout(field: &str, value: Option<f64>) -> Result<Duration, Error> {
    match value {
        None => Ok(DEFAULT_TIMEOUT),
        Some(ms) if ms.fract() == 0.0 && (100.0..=120_000.0).contains(&ms) => {
            Ok(Duration::from_millis(ms as u64))
        }
        Some(_) => Err(Error::invalid(
            field,
            "must be a whole number of milliseconds from 100 to 120000",
        )),
    }
}

/// The test hook: `baseUrl` replaces `https://api.8x8.com` (or the cluster host) so the library
/// can talk to a local simulator. Only plain `http://` to a loopback address is accepted, so the
/// option cannot send credentials to another host or over an unencrypted network.
pub fn base_url(field: &str, value: Option<&str>) -> Result<Option<Url>, Error> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let refuse = || {
        Error::invalid(
            field,
            "is for tests only and must be http://127.0.0.1:<port>, http://[::1]:<port> or \
             http://localhost:<port> without a path",
        )
    };
    let url = Url::parse(value).map_err(|_| refuse())?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if url.scheme() == "http" && loopback && bare {
        Ok(Some(url))
    } else {
        Err(refuse())
    }
}

/// Where to send: the test hook `baseUrl` when given, otherwise 8x8's `default` address (which the
/// caller builds from validated values only).
pub fn endpoint(field: &str, value: Option<&str>, default: &str) -> Result<Url, Error> {
    match base_url(field, value)? {
        Some(url) => Ok(url),
        None => Url::parse(default)
            .map_err(|_| Error::invalid(field, "could not be built from the connection")),
    }
}

fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Error> {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::invalid(field, "is required")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorCode {
        result.expect_err("should be rejected").code
    }

    #[test]
    fn regions_come_from_the_list() {
        assert_eq!(region("r", Some("eu")).unwrap(), "eu");
        assert_eq!(region("r", Some(" US ")).unwrap(), "us");
        for bad in ["us/../x", "uk", "", "us ", "u s", "eu%2f"] {
            if bad.trim() == "us" {
                continue;
            }
            assert_eq!(
                code(region("r", Some(bad))),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        assert_eq!(code(region("r", None)), ErrorCode::InvalidInput);
    }

    #[test]
    fn clusters_follow_the_vcc_pattern_without_b_side() {
        assert_eq!(cluster("c", None).unwrap(), "vcc-eu3");
        assert_eq!(cluster("c", Some("  ")).unwrap(), "vcc-eu3");
        assert_eq!(cluster("c", Some("vcc-na12")).unwrap(), "vcc-na12");
        assert_eq!(cluster("c", Some("VCC-EU3")).unwrap(), "vcc-eu3");
        for bad in [
            "vcc-na8b",
            "vcc-eu3.evil.com",
            "vcc-",
            "vcc-12",
            "vcc-eu",
            "eu3",
            "vcc-eu3/x",
            "vcc-eu3:443",
            "https://vcc-eu3.8x8.com",
            "vcc-eu3b",
        ] {
            assert_eq!(
                code(cluster("c", Some(bad))),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn tenants_and_ids_are_plain() {
        assert_eq!(tenant("t", Some("acme_01-x")).unwrap(), "acme_01-x");
        for bad in ["a/b", "..", "a b", "a.b", "x\u{0}", "ä"] {
            assert_eq!(
                code(tenant("t", Some(bad))),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        assert_eq!(identifier("i", Some("25")).unwrap(), "25");
        for bad in ["2/5", "a b", "?x", "#", "%2f"] {
            assert_eq!(
                code(identifier("i", Some(bad))),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn emails_have_a_shape_and_a_length() {
        assert!(email("e", Some("jane@example.com"), 55).is_ok());
        assert!(email("e", Some("x</EMAIL><TENANT>x@example.com"), 55).is_ok());
        let long = format!("{}@example.com", "a".repeat(44));
        assert_eq!(long.len(), 56);
        assert_eq!(code(email("e", Some(&long), 55)), ErrorCode::InvalidInput);
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "ja ne@x.com",
            "j@x..com",
            "j@x.com/",
        ] {
            assert_eq!(
                code(email("e", Some(bad), 55)),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn languages_are_8x8s_codes() {
        assert_eq!(language("l", "de").unwrap(), "de");
        assert_eq!(language("l", "zh_cn").unwrap(), "zh-CN");
        assert_eq!(code(language("l", "xx")), ErrorCode::InvalidInput);
        assert_eq!(LANGUAGES.len(), 21);
    }

    #[test]
    fn base_url_accepts_only_loopback_http() {
        assert!(base_url("b", Some("http://127.0.0.1:8080"))
            .unwrap()
            .is_some());
        assert!(base_url("b", Some("http://[::1]:9")).unwrap().is_some());
        assert!(base_url("b", Some("http://localhost:9/"))
            .unwrap()
            .is_some());
        assert!(base_url("b", None).unwrap().is_none());
        for bad in [
            "https://127.0.0.1:1",
            "http://10.0.0.1:1",
            "http://api.8x8.com",
            "http://127.0.0.1:1/x",
            "http://user:pw@127.0.0.1:1",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                code(base_url("b", Some(bad))),
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn timeouts_are_bounded_whole_milliseconds() {
        assert_eq!(timeout("t", None).unwrap(), DEFAULT_TIMEOUT);
        assert_eq!(
            timeout("t", Some(250.0)).unwrap(),
            Duration::from_millis(250)
        );
        for bad in [0.0, 99.0, 1.5, 120_001.0, f64::NAN] {
            assert_eq!(code(timeout("t", Some(bad))), ErrorCode::InvalidInput);
        }
    }

    #[test]
    fn parse_names_the_field_without_echoing_the_value() {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Options {
            connection: CrmConnection,
        }
        let rejected = |value| match parse::<Options>("options", value) {
            Ok(_) => panic!("should be rejected"),
            Err(err) => err,
        };
        let err = rejected(serde_json::json!({"connection": {"password": 12345678}}));
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.starts_with("`options.connection.password`"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("12345678"));
        let err = rejected(serde_json::json!({}));
        assert_eq!(err.message, "`options.connection` is required");
        let err = rejected(serde_json::json!("secret-value"));
        assert!(err.message.starts_with("`options`"));
        assert!(!err.message.contains("secret-value"));
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn fuzz_validators_accept_only_safe_values(
            text in prop_oneof![
                any::<String>(),
                "[ -~]{0,20}",
                "(vcc|VCC)-[a-zA-Z]{0,4}[0-9b]{0,3}[./:]?[a-z]{0,3}",
                "[a-z<>\"%]{1,6}@[a-z.-]{1,8}",
                "(http|https|file)://(127\\.0\\.0\\.[0-9]{1,3}|localhost|\\[::1\\]|10\\.0\\.0\\.1|example\\.com)(:[0-9]{1,5})?(/[a-z]{0,3})?",
                "(us|eu|ca|ap|uk)([/.][a-z.]{0,4})?",
            ],
            number in prop_oneof![any::<f64>(), 0.0..200_000.0f64, (0u32..200_000).prop_map(f64::from)],
        ) {
            if let Ok(region) = region("r", Some(&text)) {
                prop_assert!(REGIONS.contains(&region));
            }
            if let Ok(cluster) = cluster("c", Some(&text)) {
                prop_assert!(cluster.starts_with("vcc-"));
                prop_assert!(cluster.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert!(cluster.as_bytes().last().is_some_and(u8::is_ascii_digit));
            }
            if let Ok(tenant) = tenant("t", Some(&text)) {
                prop_assert!(!tenant.is_empty() && tenant.len() <= 64);
                prop_assert!(tenant.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
            }
            if let Ok(id) = identifier("i", Some(&text)) {
                prop_assert!(!id.contains('/') && !id.contains('?') && !id.contains('#') && !id.contains('%'));
            }
            if let Ok(email) = email("e", Some(&text), 55) {
                prop_assert!(email.contains('@') && email.chars().count() <= 55);
                prop_assert!(!email.chars().any(char::is_whitespace));
            }
            if let Ok(language) = language("l", &text) {
                prop_assert!(LANGUAGES.contains(&language));
            }
            if let Ok(cleaned) = config_text(&text) {
                prop_assert!(!cleaned.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')));
            }
            if let Ok(Some(url)) = base_url("b", Some(&text)) {
                prop_assert_eq!(url.scheme(), "http");
                let loopback = match url.host() {
                    Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    None => false,
                };
                prop_assert!(loopback);
            }
            if let Ok(budget) = timeout("t", Some(number)) {
                prop_assert!(budget >= Duration::from_millis(100) && budget <= Duration::from_secs(120));
            }
            let _ = credential("c", Some(&text));
            let _ = ChatApi::parse("a", Some(&text));
        }
    }

    fn config_text(value: &str) -> Result<String, Error> {
        text("t", value, 1000)
    }
}
