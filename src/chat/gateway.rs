//! Chat Gateway v1 (`https://api.8x8.com/chat-gateway/v1`): the API key goes in `x-api-key`, the
//! tenant in `X-8x8-Tenant`; no region and no token. History items carry their role as
//! `authorType`, customer data sits in `user` with extras as `additionalProperties` pairs.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::{Channel, Conversation, Handover, Target};
use crate::config::ChatApi;
use crate::error::Error;
use crate::http::{self, Advice, Http, Outgoing, Replay};

const API: &str = "Chat Gateway";

const ADVICE_LIST: Advice = Advice {
    operation: "Chat Gateway: list channels",
    auth: "8x8 refused the API key or tenant: check the connection's API key (username), that \
           its app includes the Contact Center Chat Gateway product, and the tenant",
    not_found: "8x8 did not find the channel list; check the tenant",
};

const ADVICE_CREATE: Advice = Advice {
    operation: "Chat Gateway: create conversation",
    auth: "8x8 refused the API key or tenant: check the connection's API key (username), that \
           its app includes the Contact Center Chat Gateway product, and the tenant",
    not_found: "8x8 did not find the channel or queue; pick the channel again from the list",
};

fn request(
    target: &Target,
    method: Method,
    path: &[&str],
    replay: Replay,
) -> Result<Outgoing, Error> {
    let mut segments = vec!["chat-gateway", "v1"];
    segments.extend_from_slice(path);
    Outgoing::new(method, target.url(&segments)?, replay)
        .header("x-api-key", &target.key, "connection.username", true)?
        .header("x-8x8-tenant", &target.tenant, "connection.tenant", false)
}

pub(super) async fn list_channels(http: &Http, target: &Target) -> Result<Vec<Channel>, Error> {
    let pages = super::Paging {
        api: API,
        items_at: "/_embedded/channels",
        page_count_at: "/page/totalPages",
    };
    pages
        .read_all(|page| async move {
            let mut req = request(target, Method::GET, &["channels"], Replay::Safe)?;
            super::page_query(&mut req, page);
            let reply = http.send(&req, &target.deadline).await?;
            if reply.is_success() {
                Ok(reply)
            } else {
                Err(http::status_error(&reply, &ADVICE_LIST, &target.redactor))
            }
        })
        .await
}

pub(super) fn body(handover: &Handover) -> Value {
    let c = &handover.customer;
    // Gateway's `userId` is the field that gives the agent a CRM screen pop.
    let mut user: Map<String, Value> = c
        .predefined("userId")
        .map(|(key, value)| (key.to_owned(), json!(value)))
        .collect();
    if !c.extra.is_empty() {
        let pairs: Vec<Value> = c
            .extra
            .iter()
            .map(|(key, value)| json!({"key": key, "value": value}))
            .collect();
        user.insert("additionalProperties".to_owned(), Value::Array(pairs));
    }
    let mut body = Map::new();
    body.insert("channelId".to_owned(), json!(handover.channel_id));
    body.insert("user".to_owned(), Value::Object(user));
    if let Some(queue) = &handover.queue_id {
        body.insert(
            "assignment".to_owned(),
            json!({"type": "queue", "id": queue}),
        );
    }
    if !handover.history.is_empty() {
        let messages: Vec<Value> = handover
            .history
            .iter()
            .map(|m| json!({"authorType": if m.from_bot { "bot" } else { "user" }, "text": m.text}))
            .collect();
        body.insert("history".to_owned(), json!({ "messages": messages }));
    }
    Value::Object(body)
}

pub(super) async fn create_conversation(
    http: &Http,
    target: &Target,
    handover: &Handover,
) -> Result<Conversation, Error> {
    // Chat Gateway has no idempotency key, so the create is sent again only when 8x8 cannot have
    // seen it.
    let req = request(target, Method::POST, &["conversations"], Replay::UnsentOnly)?
        .json(&body(handover));
    let reply = http.send(&req, &target.deadline).await?;
    if !reply.is_success() {
        return Err(http::status_error(&reply, &ADVICE_CREATE, &target.redactor));
    }
    let (id, json) = super::conversation_id(&reply.body, reply.status, API)?;
    let millis = json
        .get("createdAt")
        .and_then(Value::as_str)
        .and_then(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
        })
        .and_then(|at| i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok());
    Ok(handover.accepted(ChatApi::Gateway, id, millis))
}

#[cfg(test)]
mod tests {
    use super::super::transcript::HistoryMessage;
    use super::super::Customer;
    use super::*;

    #[test]
    fn body_uses_user_authortype_and_additional_properties() {
        let handover = Handover {
            channel_id: "25".into(),
            queue_id: Some("101".into()),
            customer: Customer {
                name: Some("Jane".into()),
                customer_id: Some("c-9".into()),
                language: Some("en"),
                extra: vec![("cognigyUserId".into(), "u1".into())],
                ..Default::default()
            },
            history: vec![
                HistoryMessage {
                    from_bot: false,
                    text: "Hi".into(),
                },
                HistoryMessage {
                    from_bot: true,
                    text: "Hello".into(),
                },
            ],
            dropped: 0,
        };
        assert_eq!(
            body(&handover),
            json!({
                "channelId": "25",
                "user": {"name": "Jane", "userId": "c-9", "language": "en",
                         "additionalProperties": [{"key": "cognigyUserId", "value": "u1"}]},
                "assignment": {"type": "queue", "id": "101"},
                "history": {"messages": [{"authorType": "user", "text": "Hi"},
                                         {"authorType": "bot", "text": "Hello"}]}
            })
        );
    }
}
