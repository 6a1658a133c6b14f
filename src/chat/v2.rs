//! Chat API v2 (`https://api.8x8.com/vcc/{region}/chat/v2/tenant/{tenant}`): an OAuth bearer
//! token, region and tenant in the path. History items carry their role as `type`; customer data
//! is a flat `customer` object of strings.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{Channel, Conversation, Handover, Target};
use crate::auth;
use crate::config::ChatApi;
use crate::error::Error;
use crate::http::{self, Advice, Http, Outgoing, Replay, Reply};

const API: &str = "Chat API v2";

const ADVICE_LIST: Advice = Advice {
    operation: "Chat API v2: list channels",
    auth: "8x8 refused the token or tenant: check the connection's API key and secret, that the \
           key's app includes the Contact Center Chat API product, and the tenant",
    not_found: "8x8 did not find the tenant in that region; check the connection's region and \
                tenant",
};

const ADVICE_CREATE: Advice = Advice {
    operation: "Chat API v2: create conversation",
    auth: "8x8 refused the token or tenant: check the connection's API key and secret, that the \
           key's app includes the Contact Center Chat API product, and the tenant",
    not_found: "8x8 did not find the tenant or channel; check the region and tenant, and pick \
                the channel again from the list",
};

/// Sends a request built around a bearer token and returns its successful reply. A cached token
/// that 8x8 rejects with 401 has expired or been revoked on 8x8's side: it is dropped and the
/// request is sent once more with a fresh token. A 401 means 8x8 did not act on the request, so
/// resending cannot duplicate it.
async fn send_with_token(
    http: &Http,
    target: &Target,
    advice: &Advice,
    build: impl Fn(&str) -> Result<Outgoing, Error>,
) -> Result<Reply, Error> {
    let creds = target.credentials();
    let cache = auth::tokens();
    let redactor = &target.redactor;
    let mut token = cache.get(http, &creds, &target.deadline, redactor).await?;
    let mut reply = http.send(&build(&token.value)?, &target.deadline).await?;
    if reply.status == 401 && token.cached {
        cache.invalidate(&creds, &token.value).await;
        token = cache.get(http, &creds, &target.deadline, redactor).await?;
        reply = http.send(&build(&token.value)?, &target.deadline).await?;
    }
    if reply.is_success() {
        return Ok(reply);
    }
    // 8x8 may quote the request, the bearer token included, in its error text.
    let mut redactor = redactor.clone();
    redactor.hide(&token.value);
    Err(http::status_error(&reply, advice, &redactor))
}

fn request(
    target: &Target,
    method: Method,
    path: &str,
    token: &str,
    replay: Replay,
) -> Result<Outgoing, Error> {
    let region = target.region.unwrap_or("us");
    let url = target.url(&["vcc", region, "chat", "v2", "tenant", &target.tenant, path])?;
    Outgoing::new(method, url, replay).header(
        "authorization",
        &format!("Bearer {token}"),
        "connection.password",
        true,
    )
}

pub(super) async fn list_channels(http: &Http, target: &Target) -> Result<Vec<Channel>, Error> {
    let pages = super::Paging {
        api: API,
        items_at: "/data",
        page_count_at: "/page/pageCount",
    };
    pages
        .read_all(|page| {
            send_with_token(http, target, &ADVICE_LIST, move |token| {
                let mut req = request(target, Method::GET, "channels", token, Replay::Safe)?;
                super::page_query(&mut req, page);
                Ok(req)
            })
        })
        .await
}

pub(super) fn body(handover: &Handover) -> Value {
    let c = &handover.customer;
    // `phone` is not predefined in v2; it goes in as one of the free string properties.
    let mut customer: Map<String, Value> = c
        .predefined("customerId")
        .map(|(key, value)| (key.to_owned(), json!(value)))
        .collect();
    for (key, value) in &c.extra {
        customer.insert(key.clone(), json!(value));
    }
    let messages: Vec<Value> = handover
        .history
        .iter()
        .map(|m| json!({"type": if m.from_bot { "bot" } else { "user" }, "text": m.text}))
        .collect();
    json!({
        "channelId": handover.channel_id,
        "customer": customer,
        "history": {"messages": messages},
    })
}

pub(super) async fn create_conversation(
    http: &Http,
    target: &Target,
    handover: &Handover,
) -> Result<Conversation, Error> {
    // Chat API v2 takes an `Idempotency-Key`: every attempt of this handover carries the same
    // key, so 8x8 treats a retry after a lost reply as the same conversation. That is what makes
    // retrying a create safe here.
    let key = uuid::Uuid::new_v4().to_string();
    let body = body(handover);
    let reply = send_with_token(http, target, &ADVICE_CREATE, |token| {
        request(target, Method::POST, "conversations", token, Replay::Safe)?
            .header("idempotency-key", &key, "idempotencyKey", false)
            .map(|req| req.json(&body))
    })
    .await?;
    let (id, json) = super::conversation_id(&reply.body, reply.status, API)?;
    let millis = json.get("timestamp").and_then(Value::as_i64);
    Ok(handover.accepted(ChatApi::V2, id, millis))
}

#[cfg(test)]
mod tests {
    use super::super::transcript::HistoryMessage;
    use super::super::Customer;
    use super::*;

    #[test]
    fn body_uses_customer_and_type() {
        let handover = Handover {
            channel_id: "25".into(),
            queue_id: None,
            customer: Customer {
                name: Some("Jane".into()),
                phone: Some("+4930".into()),
                language: Some("de"),
                extra: vec![
                    ("cognigyUserId".into(), "u1".into()),
                    ("cognigySessionId".into(), "s1".into()),
                ],
                ..Default::default()
            },
            history: vec![HistoryMessage {
                from_bot: true,
                text: "Hello".into(),
            }],
            dropped: 0,
        };
        assert_eq!(
            body(&handover),
            json!({
                "channelId": "25",
                "customer": {"name": "Jane", "phone": "+4930", "language": "de",
                             "cognigyUserId": "u1", "cognigySessionId": "s1"},
                "history": {"messages": [{"type": "bot", "text": "Hello"}]}
            })
        );
    }
}
