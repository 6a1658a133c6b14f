//! The 8x8 CRM through WAPI, the XML API on the tenant's cluster host
//! (`https://{cluster}.8x8.com/WAPI/wapi.php`). WAPI reports its own errors inside an HTTP 200
//! reply (`STATUS`, `ERROR_CODE`, `ERROR_STR`); they are mapped to our error codes here.

mod customer;
mod query;
mod reply;

use napi_derive::napi;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

pub use customer::{Address, SimpleCustomer};

use crate::config::{self, CrmConnection};
use crate::error::{Error, ErrorCode};
use crate::http::{self, Advice, Deadline, Outgoing, Redactor, Replay};

/// The email column of 8x8's CRM holds at most 55 characters.
pub const MAX_EMAIL: usize = 55;

/// Options of `getCustomer`.
#[napi(object)]
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GetCustomerOptions {
    /// The 8x8 CRM connection.
    pub connection: CrmConnection,
    /// The customer's email address (at most 55 characters).
    pub email: Option<String>,
    /// Budget for the whole call, retries included, in milliseconds (100 to 120000, default
    /// 15000).
    pub timeout_ms: Option<f64>,
    /// Tests only: a local 8x8 simulator instead of `https://{cluster}.8x8.com` (`http://` to a
    /// loopback address only).
    pub base_url: Option<String>,
}

/// The outcome of a lookup: `found` is false when 8x8 answered with no customer.
#[napi(object)]
pub struct CustomerLookup {
    /// True when 8x8 returned at least one customer.
    pub found: bool,
    /// The original extension's shape: one object per customer, each value a one-element string
    /// array, e.g. `items[0].FIRSTNAME[0]`.
    #[napi(ts_type = "Array<Record<string, string[]>>")]
    pub items: Vec<Value>,
    /// The same customers with plain named fields.
    pub customers: Vec<SimpleCustomer>,
}

const ADVICE: Advice = Advice {
    operation: "8x8 CRM: get customer",
    auth: "the cluster host refused access; check the connection's cluster",
    not_found: "the cluster host has no CRM API at that address; check the connection's cluster",
};

pub async fn get_customer(options: GetCustomerOptions) -> Result<CustomerLookup, Error> {
    let conn = &options.connection;
    let username = config::credential("connection.username", conn.username.as_deref())?;
    let password = config::credential("connection.password", conn.password.as_deref())?;
    let tenant = config::tenant("connection.tenant", conn.tenant.as_deref())?;
    let cluster = config::cluster("connection.cluster", conn.cluster.as_deref())?;
    let email = config::email("email", options.email.as_deref(), MAX_EMAIL)?;
    let timeout = config::timeout("timeoutMs", options.timeout_ms)?;
    let base = config::endpoint(
        "baseUrl",
        options.base_url.as_deref(),
        &format!("https://{cluster}.8x8.com"),
    )?;
    let mut redactor = Redactor::new();
    for hidden in [&username, &password, &email] {
        redactor.hide(hidden);
    }
    let xml = query::command(
        &query::Login {
            tenant: &tenant,
            username: &username,
            password: &password,
        },
        "Customer",
        "GET",
        &[("EMAIL", &email)],
    );
    let mut url = base;
    url.set_path("/WAPI/wapi.php");
    let mut request = Outgoing::new(Method::POST, url, Replay::Safe).form(&[("xml_query", &xml)]);
    request.headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("text/xml, application/xml"),
    );
    let http = http::shared()?;
    let deadline = Deadline::after(timeout);
    let reply = deadline
        .run("8x8 CRM: get customer", http.send(&request, &deadline))
        .await?;
    if !reply.is_success() {
        return Err(http::status_error(&reply, &ADVICE, &redactor));
    }
    let parsed = reply::parse(&reply.body).map_err(|why| {
        Error::new(
            ErrorCode::Protocol,
            format!("8x8 CRM: the reply could not be read: {why}"),
        )
        .with_status(reply.status)
    })?;
    check_status(&parsed, &cluster, &redactor)?;
    Ok(CustomerLookup {
        found: !parsed.items.is_empty(),
        items: parsed.items.iter().map(|i| customer::original(i)).collect(),
        customers: parsed.items.iter().map(|i| customer::simple(i)).collect(),
    })
}

/// Maps WAPI's `STATUS` / `ERROR_CODE` to an error, quoting 8x8's text without personal data.
fn check_status(reply: &reply::WapiReply, cluster: &str, redactor: &Redactor) -> Result<(), Error> {
    let status = reply.status.trim();
    if status == "0" {
        return Ok(());
    }
    let said = redactor.apply(reply.error_str.trim());
    let said: String = said.chars().take(200).collect();
    let (code, advice) = match status {
        "303" => (
            ErrorCode::AuthFailed,
            format!(
                "8x8 refused the CRM login (303 Invalid login parameters): check the CRM API \
                 user name, password and tenant, and that the cluster `{cluster}` is the one in \
                 your Configuration Manager login address (never the `b` side)"
            ),
        ),
        "310" => (
            ErrorCode::AuthFailed,
            "the CRM API user may not read customers (310 Operation Denied); give it CRM \
             permissions in Configuration Manager"
                .to_owned(),
        ),
        "-1" if matches!(reply.error_code.trim(), "2" | "3" | "4" | "5") => (
            ErrorCode::InvalidInput,
            format!(
                "8x8 refused the email value (WAPI error {}: {said})",
                reply.error_code.trim()
            ),
        ),
        "-1" => (
            ErrorCode::UpstreamError,
            format!(
                "8x8 refused the query (WAPI error {}: {said})",
                reply.error_code.trim()
            ),
        ),
        "302" => (
            ErrorCode::UpstreamError,
            format!("8x8 could not read the query (WAPI status 302: {said})"),
        ),
        other => (
            ErrorCode::UpstreamError,
            format!(
                "8x8 answered with WAPI status {}: {said}",
                other.chars().take(8).collect::<String>()
            ),
        ),
    };
    Err(Error::new(code, format!("8x8 CRM: get customer: {advice}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: &str, code: &str, text: &str) -> Result<(), Error> {
        let reply = reply::WapiReply {
            status: status.into(),
            error_code: code.into(),
            error_str: text.into(),
            items: Vec::new(),
        };
        let mut redactor = Redactor::new();
        redactor.hide("jane@example.com");
        check_status(&reply, "vcc-eu3", &redactor)
    }

    #[test]
    fn wapi_statuses_map_to_codes() {
        assert!(status("0", "0", "").is_ok());
        let err = status("303", "0", "Invalid login parameters.").unwrap_err();
        assert_eq!(err.code, ErrorCode::AuthFailed);
        assert!(err.message.contains("cluster `vcc-eu3`"));
        let err = status(
            "-1",
            "5",
            "The value jane@example.com of the tag email is not valid.",
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(!err.message.contains("jane@example.com"));
        assert!(err.message.contains("[redacted]"));
        assert_eq!(
            status("-1", "1", "x").unwrap_err().code,
            ErrorCode::UpstreamError
        );
        assert_eq!(
            status("302", "0", "XML Data is insufficient")
                .unwrap_err()
                .code,
            ErrorCode::UpstreamError
        );
        assert_eq!(
            status("310", "0", "").unwrap_err().code,
            ErrorCode::AuthFailed
        );
        assert_eq!(
            status("503", "0", "Service Unavailable").unwrap_err().code,
            ErrorCode::UpstreamError
        );
    }
}
