//! Chat handover: list the chat channels and start a conversation in the 8x8 Agent Desktop, on
//! Chat Gateway (`gateway.rs`, the default) or Chat API v2 (`v2.rs`). This module holds what both
//! share: the options, their validation and the results.

mod gateway;
pub mod transcript;
mod v2;

use napi_derive::napi;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::auth::Credentials;
use crate::config::{self, ChatApi, OAuthConnection};
use crate::error::{Error, ErrorCode};
use crate::http::{Deadline, Redactor};
use transcript::HistoryMessage;

/// The 8x8 API gateway, home of both chat APIs and of the OAuth token.
const API_BASE: &str = "https://api.8x8.com";

/// Options of `listChannels`.
#[napi(object)]
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListChannelsOptions {
    /// `chatGateway` (default) or `chatApiV2`.
    #[napi(ts_type = "'chatGateway' | 'chatApiV2'")]
    pub api: Option<String>,
    /// Budget for the whole call, every page and retry included, in milliseconds (100 to
    /// 120000, default 15000).
    pub timeout_ms: Option<f64>,
    /// Tests only: send to a local 8x8 simulator instead of `https://api.8x8.com`. Accepts
    /// nothing but `http://` to a loopback address.
    pub base_url: Option<String>,
}

/// A chat channel of the tenant, as the Channel dropdown shows it.
#[napi(object)]
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The channel id to pass as `channelId`.
    pub id: String,
    /// The channel's name in 8x8 (the dropdown label).
    pub name: String,
    /// The queue the channel routes to, when 8x8 says so.
    pub queue_id: Option<String>,
}

/// The customer details the agent sees with the chat. Every field is optional; empty strings
/// are left out. At most 30 values in all reach 8x8, counting the Cognigy session ids.
#[napi(object)]
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDetails {
    /// The name the agent sees in the chat.
    pub name: Option<String>,
    /// The customer's email address.
    pub email: Option<String>,
    /// The customer's phone number.
    pub phone: Option<String>,
    /// The customer's company.
    pub company: Option<String>,
    /// An 8x8 CRM customer id: the agent gets a screen pop of that customer.
    pub customer_id: Option<String>,
    /// An 8x8 CRM case id.
    pub case_id: Option<String>,
    /// One of 8x8's 21 language codes (`en`, `de`, `zh-CN`, …); routes to an agent who speaks it.
    pub language: Option<String>,
    /// Extra key/value pairs shown to the agent, values as strings.
    #[napi(ts_type = "Record<string, string>")]
    pub properties: Option<Value>,
}

/// Where the chat came from in Cognigy; sent as `cognigyUserId`, `cognigySessionId` and
/// `cognigyURLToken`, as the original extension did, so 8x8-side reports can link back.
#[napi(object)]
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CognigySession {
    /// Cognigy's `input.userId`.
    pub user_id: Option<String>,
    /// Cognigy's `input.sessionId`.
    pub session_id: Option<String>,
    /// Cognigy's `input.URLToken` (the endpoint's token); `URLToken` is accepted too.
    #[serde(rename = "urlToken", alias = "URLToken")]
    pub url_token: Option<String>,
}

/// Options of `createConversation`.
#[napi(object)]
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CreateConversationOptions {
    /// The 8x8 OAuth connection.
    pub connection: OAuthConnection,
    /// `chatGateway` (default) or `chatApiV2`.
    #[napi(ts_type = "'chatGateway' | 'chatApiV2'")]
    pub api: Option<String>,
    /// The 8x8 chat channel to open the conversation on.
    pub channel_id: Option<String>,
    /// Chat Gateway only: route to this queue instead of the channel's own.
    pub queue_id: Option<String>,
    /// What the agent sees about the customer.
    pub customer: Option<CustomerDetails>,
    /// The Cognigy conversation the chat comes from.
    pub session: Option<CognigySession>,
    /// The chat so far, usually Cognigy's `input.data.transcript`: an array of entries with a
    /// text (`text` or `payload.text`) and a role (`type`, `authorType`, `source` or `role`).
    #[napi(ts_type = "unknown")]
    pub transcript: Option<Value>,
    /// How many of the latest transcript messages to send (1 to 200, default 200).
    pub max_messages: Option<f64>,
    /// Budget for the whole call, token and retries included, in milliseconds (100 to 120000,
    /// default 15000).
    pub timeout_ms: Option<f64>,
    /// Tests only: a local 8x8 simulator (`http://` to a loopback address only).
    pub base_url: Option<String>,
}

/// A conversation 8x8 accepted (HTTP 202).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct Conversation {
    /// 8x8's id of the new conversation.
    pub conversation_id: String,
    /// When 8x8 created it, in milliseconds since 1970 (8x8's `timestamp` or `createdAt`).
    pub timestamp: f64,
    /// The same instant as an ISO 8601 string.
    pub created_at: String,
    /// The API used: `chatGateway` or `chatApiV2`.
    pub api: String,
    /// The channel it was opened on.
    pub channel_id: String,
    /// How many transcript messages were sent as history.
    pub messages_sent: u32,
    /// Transcript entries left out because they had no text or no known role.
    pub messages_dropped: u32,
}

/// Everything a call to a chat API needs, validated.
pub(crate) struct Target {
    pub api: ChatApi,
    pub base: Url,
    pub key: String,
    pub secret: Option<String>,
    pub tenant: String,
    pub region: Option<&'static str>,
    pub deadline: Deadline,
    pub redactor: Redactor,
}

impl Target {
    fn new(
        connection: &OAuthConnection,
        api: Option<&str>,
        base_url: Option<&str>,
        timeout_ms: Option<f64>,
        prefix: &str,
    ) -> Result<Self, Error> {
        let api = ChatApi::parse(&format!("{prefix}api"), api)?;
        let key = config::credential("connection.username", connection.username.as_deref())?;
        let tenant = config::tenant("connection.tenant", connection.tenant.as_deref())?;
        // Chat API v2 needs the secret (for the token) and the region (in the path); Chat Gateway
        // needs neither, so a connection made for it may leave them empty.
        let (secret, region) = match api {
            ChatApi::V2 => (
                Some(config::credential(
                    "connection.password",
                    connection.password.as_deref(),
                )?),
                Some(config::region(
                    "connection.region",
                    connection.region.as_deref(),
                )?),
            ),
            ChatApi::Gateway => (None, None),
        };
        let timeout = config::timeout(&format!("{prefix}timeoutMs"), timeout_ms)?;
        let base = config::endpoint(&format!("{prefix}baseUrl"), base_url, API_BASE)?;
        let mut redactor = Redactor::new();
        redactor.hide(&key);
        if let Some(secret) = &secret {
            redactor.hide(secret);
        }
        Ok(Target {
            api,
            base,
            key,
            secret,
            tenant,
            region,
            deadline: crate::http::Deadline::after(timeout),
            redactor,
        })
    }

    pub fn credentials(&self) -> Credentials {
        Credentials {
            base: self.base.clone(),
            key: self.key.clone(),
            secret: self.secret.clone().unwrap_or_default(),
            tenant: self.tenant.clone(),
        }
    }

    /// `base` + path segments, each percent-encoded: values cannot add segments or a query.
    pub fn url(&self, segments: &[&str]) -> Result<Url, Error> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| Error::new(ErrorCode::InvalidInput, "the 8x8 address is not valid"))?
            .clear()
            .extend(segments);
        Ok(url)
    }
}

/// All channels of the tenant, every page.
pub async fn list_channels(
    connection: OAuthConnection,
    options: ListChannelsOptions,
) -> Result<Vec<Channel>, Error> {
    let target = Target::new(
        &connection,
        options.api.as_deref(),
        options.base_url.as_deref(),
        options.timeout_ms,
        "options.",
    )?;
    let http = crate::http::shared()?;
    target
        .deadline
        .run("list channels", async {
            match target.api {
                ChatApi::Gateway => gateway::list_channels(http, &target).await,
                ChatApi::V2 => v2::list_channels(http, &target).await,
            }
        })
        .await
}

/// The predefined customer fields of both APIs, and the Cognigy ids; extra properties may not
/// reuse these names.
const RESERVED: [&str; 12] = [
    "name",
    "email",
    "phone",
    "company",
    "customerId",
    "userId",
    "caseId",
    "language",
    "senderName",
    "cognigyUserId",
    "cognigySessionId",
    "cognigyURLToken",
];

/// 8x8's limit on customer properties (`maxProperties: 30`).
pub const MAX_PROPERTIES: usize = 30;

/// The validated customer data, in the order it is sent.
#[derive(Default)]
pub(crate) struct Customer {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub customer_id: Option<String>,
    pub case_id: Option<String>,
    pub language: Option<&'static str>,
    /// Cognigy ids first, then the caller's extra properties.
    pub extra: Vec<(String, String)>,
}

impl Customer {
    /// The predefined fields that are set, as (8x8 key, value). The two APIs name the CRM
    /// customer id differently (`userId` on Chat Gateway, `customerId` on Chat API v2).
    pub fn predefined(
        &self,
        customer_id_key: &'static str,
    ) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("name", self.name.as_deref()),
            (customer_id_key, self.customer_id.as_deref()),
            ("email", self.email.as_deref()),
            ("phone", self.phone.as_deref()),
            ("company", self.company.as_deref()),
            ("caseId", self.case_id.as_deref()),
            ("language", self.language),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key, v)))
    }

    fn count(&self) -> usize {
        [
            &self.name,
            &self.email,
            &self.phone,
            &self.company,
            &self.customer_id,
            &self.case_id,
        ]
        .iter()
        .filter(|v| v.is_some())
        .count()
            + usize::from(self.language.is_some())
            + self.extra.len()
    }
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn customer(
    details: Option<&CustomerDetails>,
    session: Option<&CognigySession>,
) -> Result<Customer, Error> {
    let empty = CustomerDetails::default();
    let d = details.unwrap_or(&empty);
    let text = |field: &str, value: Option<&String>, max: usize| {
        non_empty(value)
            .map(|v| config::text(field, v, max))
            .transpose()
    };
    let mut customer = Customer {
        name: text("customer.name", d.name.as_ref(), 255)?,
        email: non_empty(d.email.as_ref())
            .map(|v| config::email("customer.email", Some(v), 254))
            .transpose()?,
        phone: text("customer.phone", d.phone.as_ref(), 64)?,
        company: text("customer.company", d.company.as_ref(), 255)?,
        customer_id: text("customer.customerId", d.customer_id.as_ref(), 128)?,
        case_id: text("customer.caseId", d.case_id.as_ref(), 128)?,
        language: non_empty(d.language.as_ref())
            .map(|v| config::language("customer.language", v))
            .transpose()?,
        extra: Vec::new(),
    };
    if let Some(session) = session {
        for (key, value, field) in [
            ("cognigyUserId", &session.user_id, "session.userId"),
            ("cognigySessionId", &session.session_id, "session.sessionId"),
            ("cognigyURLToken", &session.url_token, "session.urlToken"),
        ] {
            if let Some(v) = non_empty(value.as_ref()) {
                customer
                    .extra
                    .push((key.to_owned(), config::text(field, v, 255)?));
            }
        }
    }
    match &d.properties {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => extra_properties(map, &mut customer.extra)?,
        Some(_) => {
            return Err(Error::invalid(
                "customer.properties",
                "must be an object of text values, such as {\"plan\": \"gold\"}",
            ))
        }
    }
    let count = customer.count();
    if count > MAX_PROPERTIES {
        return Err(Error::invalid(
            "customer.properties",
            format!(
                "8x8 accepts at most {MAX_PROPERTIES} customer values in all, and this handover \
                 has {count} (counting name, email, phone, company, ids, language and the \
                 Cognigy session ids); remove some extra properties"
            ),
        ));
    }
    Ok(customer)
}

fn extra_properties(
    map: &Map<String, Value>,
    out: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    for (key, value) in map {
        let field = format!("customer.properties.{key}");
        let key = key.trim();
        if key.is_empty() || key.chars().count() > 64 || key.chars().any(char::is_control) {
            return Err(Error::invalid(
                "customer.properties",
                "keys must be 1 to 64 printable characters",
            ));
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(key)) {
            return Err(Error::invalid(
                &field,
                "is a predefined customer field; set it through its own option instead",
            ));
        }
        let value = match value {
            Value::String(s) => s.trim(),
            Value::Null => continue,
            _ => {
                return Err(Error::invalid(
                    &field,
                    "must be text (8x8 takes only string values)",
                ))
            }
        };
        if value.is_empty() {
            continue;
        }
        out.push((key.to_owned(), config::text(&field, value, 1000)?));
    }
    Ok(())
}

/// A validated handover, ready to be written in either wire format.
pub(crate) struct Handover {
    pub channel_id: String,
    pub queue_id: Option<String>,
    pub customer: Customer,
    pub history: Vec<HistoryMessage>,
    pub dropped: usize,
}

/// Starts a conversation. One call creates at most one conversation, also when requests are
/// retried (see `Replay` in http.rs and the idempotency key in v2.rs).
pub async fn create_conversation(
    options: CreateConversationOptions,
) -> Result<Conversation, Error> {
    let mut target = Target::new(
        &options.connection,
        options.api.as_deref(),
        options.base_url.as_deref(),
        options.timeout_ms,
        "",
    )?;
    let channel_id = config::identifier("channelId", options.channel_id.as_deref())?;
    let queue_id = non_empty(options.queue_id.as_ref())
        .map(|v| config::identifier("queueId", Some(v)))
        .transpose()?;
    if queue_id.is_some() && target.api == ChatApi::V2 {
        return Err(Error::invalid(
            "queueId",
            "is supported by Chat Gateway only; Chat API v2 routes to the channel's queue",
        ));
    }
    let keep = match options.max_messages {
        None => transcript::MAX_HISTORY,
        Some(n) if n.fract() == 0.0 && (1.0..=transcript::MAX_HISTORY as f64).contains(&n) => {
            n as usize
        }
        Some(_) => {
            return Err(Error::invalid(
                "maxMessages",
                format!(
                    "must be a whole number from 1 to {}",
                    transcript::MAX_HISTORY
                ),
            ))
        }
    };
    let customer = customer(options.customer.as_ref(), options.session.as_ref())?;
    let (history, mapped) = transcript::map("transcript", options.transcript.as_ref(), keep)?;
    // Every customer value may be personal data (extra properties and the Cognigy session ids
    // included); none may appear in an error message, even when 8x8 quotes it back.
    let c = &customer;
    let personal = [
        &c.name,
        &c.email,
        &c.phone,
        &c.company,
        &c.customer_id,
        &c.case_id,
    ]
    .into_iter()
    .flatten()
    .chain(c.extra.iter().map(|(_, value)| value));
    for value in personal {
        target.redactor.hide(value);
    }
    let handover = Handover {
        channel_id,
        queue_id,
        customer,
        history,
        dropped: mapped.dropped,
    };
    let http = crate::http::shared()?;
    target
        .deadline
        .run("create conversation", async {
            match target.api {
                ChatApi::Gateway => gateway::create_conversation(http, &target, &handover).await,
                ChatApi::V2 => v2::create_conversation(http, &target, &handover).await,
            }
        })
        .await
}

impl Handover {
    fn accepted(&self, api: ChatApi, conversation_id: String, millis: Option<i64>) -> Conversation {
        let at = millis
            .and_then(|ms| {
                time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
            })
            .unwrap_or_else(time::OffsetDateTime::now_utc);
        let timestamp = (at.unix_timestamp_nanos() / 1_000_000) as f64;
        // Always three fraction digits, as JavaScript's `Date#toISOString` writes them.
        let created_at = at
            .to_offset(time::UtcOffset::UTC)
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
            .unwrap_or_default();
        Conversation {
            conversation_id,
            timestamp,
            created_at,
            api: api.as_str().to_owned(),
            channel_id: self.channel_id.clone(),
            messages_sent: u32::try_from(self.history.len()).unwrap_or(u32::MAX),
            messages_dropped: u32::try_from(self.dropped).unwrap_or(u32::MAX),
        }
    }
}

/// Reads the id out of a 202 reply. 8x8 has created the conversation by then, so a reply we
/// cannot read is reported as such and never retried.
fn conversation_id(body: &[u8], status: u16, api: &str) -> Result<(String, Value), Error> {
    let broken = || {
        Error::new(
            ErrorCode::Protocol,
            format!(
                "{api}: 8x8 accepted the conversation (HTTP {status}) but its reply could not be \
                 read, so its id is unknown; the chat may be waiting in the queue, check the \
                 Agent Desktop before handing over again"
            ),
        )
        .with_status(status)
    };
    let json: Value = serde_json::from_slice(body).map_err(|_| broken())?;
    let id = json
        .get("conversationId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(broken)?
        .to_owned();
    Ok((id, json))
}

/// One page of a channel list, parsed from either API's item shape.
fn channels_from(items: Option<&Value>, api: &str) -> Result<Vec<Channel>, Error> {
    let items = match items {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(Error::new(
                ErrorCode::Protocol,
                format!("{api}: the channel list in 8x8's reply is not an array"),
            ))
        }
    };
    Ok(items
        .iter()
        .filter_map(|item| {
            let id = match item.get("id")? {
                Value::String(s) if !s.is_empty() => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_owned();
            let queue_id = match item.pointer("/routingOptions/id") {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            Some(Channel { id, name, queue_id })
        })
        .collect())
}

/// Paging guard: 8x8 says how many pages there are, but a reply that keeps saying "more" must
/// not keep us asking forever.
const MAX_PAGES: u32 = 100;
const PAGE_SIZE: &str = "100";

fn page_query(req: &mut crate::http::Outgoing, page: u32) {
    req.url
        .query_pairs_mut()
        .append_pair("page", &page.to_string())
        .append_pair("size", PAGE_SIZE);
}

/// Where one API keeps a page's items and the page count (JSON pointers).
struct Paging {
    api: &'static str,
    items_at: &'static str,
    page_count_at: &'static str,
}

impl Paging {
    /// Reads pages 0, 1, … through `fetch` (which returns a successful reply) until the page
    /// count is reached, a page is empty, or the guard stops it.
    async fn read_all<F, Fut>(&self, mut fetch: F) -> Result<Vec<Channel>, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<crate::http::Reply, Error>>,
    {
        let mut channels = Vec::new();
        let mut page = 0u32;
        loop {
            let reply = fetch(page).await?;
            let body: Value = serde_json::from_slice(&reply.body)
                .map_err(|_| unreadable(self.api, reply.status))?;
            let items = channels_from(body.pointer(self.items_at), self.api)?;
            let empty = items.is_empty();
            channels.extend(items);
            let total = body.pointer(self.page_count_at).and_then(Value::as_u64);
            page += 1;
            if empty || total.is_none_or(|total| u64::from(page) >= total) || page >= MAX_PAGES {
                return Ok(channels);
            }
        }
    }
}

fn unreadable(api: &str, status: u16) -> Error {
    Error::new(
        ErrorCode::Protocol,
        format!("{api}: the reply is not the JSON 8x8 documents"),
    )
    .with_status(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn channel_items_of_both_apis_are_read() {
        let items = json!([
            {"id": "25", "name": "Web", "webHookId": "1", "routingOptions": {"type": "queue", "id": "101"}},
            {"id": 26, "name": "No queue"},
            {"name": "no id"},
        ]);
        let channels = channels_from(Some(&items), "x").unwrap();
        assert_eq!(
            channels,
            vec![
                Channel {
                    id: "25".into(),
                    name: "Web".into(),
                    queue_id: Some("101".into())
                },
                Channel {
                    id: "26".into(),
                    name: "No queue".into(),
                    queue_id: None
                },
            ]
        );
        assert!(channels_from(None, "x").unwrap().is_empty());
        assert_eq!(
            channels_from(Some(&json!({})), "x").unwrap_err().code,
            ErrorCode::Protocol
        );
    }

    /// `Customer` holds personal data and deliberately has no `Debug`, so no `unwrap_err`.
    fn rejected(result: Result<Customer, Error>) -> Error {
        match result {
            Ok(_) => panic!("should be rejected"),
            Err(err) => err,
        }
    }

    #[test]
    fn customer_values_are_checked_and_counted() {
        let details = CustomerDetails {
            name: Some("Jane".into()),
            email: Some("jane@example.com".into()),
            language: Some("de".into()),
            properties: Some(json!({"plan": "gold", "empty": "", "none": null})),
            ..Default::default()
        };
        let session = CognigySession {
            user_id: Some("u1".into()),
            ..Default::default()
        };
        let c = customer(Some(&details), Some(&session)).unwrap();
        assert_eq!(c.language, Some("de"));
        assert_eq!(
            c.extra,
            vec![
                ("cognigyUserId".to_owned(), "u1".to_owned()),
                ("plan".to_owned(), "gold".to_owned())
            ]
        );
        assert_eq!(c.count(), 5);

        let too_many: Map<String, Value> = (0..30).map(|i| (format!("k{i}"), json!("v"))).collect();
        let details = CustomerDetails {
            name: Some("Jane".into()),
            properties: Some(Value::Object(too_many)),
            ..Default::default()
        };
        let err = rejected(customer(Some(&details), None));
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("31"));

        for properties in [
            json!({"n": 5}),
            json!({"name": "x"}),
            json!(["a"]),
            json!({"": "x"}),
        ] {
            let details = CustomerDetails {
                properties: Some(properties),
                ..Default::default()
            };
            assert_eq!(
                rejected(customer(Some(&details), None)).code,
                ErrorCode::InvalidInput
            );
        }
        let details = CustomerDetails {
            language: Some("klingon".into()),
            ..Default::default()
        };
        assert_eq!(
            rejected(customer(Some(&details), None)).code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn accepted_conversations_carry_both_time_forms() {
        let handover = Handover {
            channel_id: "25".into(),
            queue_id: None,
            customer: Customer::default(),
            history: Vec::new(),
            dropped: 2,
        };
        let c = handover.accepted(ChatApi::V2, "ID-0".into(), Some(1_629_804_577_002));
        assert_eq!(c.timestamp, 1_629_804_577_002.0);
        assert_eq!(c.created_at, "2021-08-24T11:29:37.002Z");
        let c = handover.accepted(ChatApi::V2, "ID-0".into(), Some(1_629_804_577_100));
        assert_eq!(c.created_at, "2021-08-24T11:29:37.100Z");
        assert_eq!(c.api, "chatApiV2");
        assert_eq!(c.messages_dropped, 2);
    }
}
