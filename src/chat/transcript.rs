//! Cognigy transcript -> 8x8 chat history. What Cognigy keeps in `input.data.transcript` has no
//! fixed shape (flows, webchat plugins and Cognigy's own transcript API differ), so each entry is
//! read leniently: its text from `text` (or `payload.text`, Cognigy's transcript API), its role
//! from the first of `type`, `authorType`, `source`, `role` that names a known role. Entries
//! without text or with no recognisable role are left out; only the latest messages are kept.

use serde_json::Value;

use crate::error::Error;

/// The most messages either 8x8 chat API accepts in a conversation's history.
pub const MAX_HISTORY: usize = 200;

/// The most text a transcript may hold. Cognigy keeps an input object under 64 KB, so a larger
/// transcript did not come from a Cognigy conversation; it is refused rather than sent to 8x8,
/// whose own limit is not documented.
pub const MAX_TRANSCRIPT_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMessage {
    /// 8x8 knows two authors in a history: the bot (anything that is not the customer, including
    /// earlier live agents) and the user.
    pub from_bot: bool,
    pub text: String,
}

/// What the mapping did, for the caller's log line (counts only: the texts are personal data).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    pub kept: usize,
    pub dropped: usize,
    pub older_left_out: usize,
}

const ROLE_KEYS: [&str; 4] = ["type", "authorType", "source", "role"];

fn role_of(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "user" | "customer" | "human" | "visitor" | "contact" | "input" | "enduser"
        | "end-user" | "client" => Some(false),
        "bot" | "agent" | "assistant" | "output" | "ai" | "system" | "virtualagent"
        | "virtual-agent" | "liveagent" | "live-agent" => Some(true),
        _ => None,
    }
}

fn text_of(entry: &Value) -> Option<String> {
    let text = entry
        .get("text")
        .and_then(Value::as_str)
        .or_else(|| entry.pointer("/payload/text").and_then(Value::as_str))?;
    // Control characters other than line breaks and tabs have no place in a chat line, and some
    // break 8x8's agent view; they are dropped rather than failing the handover.
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let clean = clean.trim();
    (!clean.is_empty()).then(|| clean.to_owned())
}

/// Maps `transcript` (any JSON value; absent or `null` is an empty transcript) to at most `keep`
/// of its latest messages, oldest first.
pub fn map(
    field: &str,
    transcript: Option<&Value>,
    keep: usize,
) -> Result<(Vec<HistoryMessage>, Mapped), Error> {
    let entries = match transcript {
        None | Some(Value::Null) => return Ok((Vec::new(), Mapped::default())),
        Some(Value::Array(entries)) => entries,
        Some(_) => {
            return Err(Error::invalid(
                field,
                "must be an array of messages such as [{\"type\": \"user\", \"text\": \"Hi\"}]",
            ))
        }
    };
    let text_bytes: usize = entries
        .iter()
        .filter_map(|entry| {
            entry
                .get("text")
                .or_else(|| entry.pointer("/payload/text"))
                .and_then(Value::as_str)
        })
        .map(str::len)
        .sum();
    if text_bytes > MAX_TRANSCRIPT_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "holds {} KB of text, more than the {} KB a handover takes; pass only the \
                 recent part of the chat",
                text_bytes / 1024,
                MAX_TRANSCRIPT_BYTES / 1024
            ),
        ));
    }
    let mut messages: Vec<HistoryMessage> = Vec::new();
    let mut dropped = 0;
    for entry in entries {
        let role = ROLE_KEYS
            .iter()
            .filter_map(|key| entry.get(*key).and_then(Value::as_str))
            .find_map(role_of);
        match (role, text_of(entry)) {
            (Some(from_bot), Some(text)) => messages.push(HistoryMessage { from_bot, text }),
            _ => dropped += 1,
        }
    }
    let keep = keep.min(MAX_HISTORY);
    let older_left_out = messages.len().saturating_sub(keep);
    messages.drain(..older_left_out);
    let mapped = Mapped {
        kept: messages.len(),
        dropped,
        older_left_out,
    };
    Ok((messages, mapped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(messages: &[HistoryMessage]) -> Vec<(bool, &str)> {
        messages
            .iter()
            .map(|m| (m.from_bot, m.text.as_str()))
            .collect()
    }

    #[test]
    fn roles_are_read_from_any_of_the_known_keys() {
        let transcript = json!([
            {"type": "user", "text": "Hi"},
            {"authorType": "bot", "text": "Hello"},
            {"source": "agent", "text": "Agent here"},
            {"role": "assistant", "text": "Assistant"},
            {"role": "user", "type": "input", "payload": {"text": "From Cognigy's API"}},
            {"type": "output", "payload": {"text": "Bot output"}},
            {"source": "Customer", "text": "  padded  "},
        ]);
        let (messages, mapped) = map("t", Some(&transcript), 200).unwrap();
        assert_eq!(
            texts(&messages),
            vec![
                (false, "Hi"),
                (true, "Hello"),
                (true, "Agent here"),
                (true, "Assistant"),
                (false, "From Cognigy's API"),
                (true, "Bot output"),
                (false, "padded"),
            ]
        );
        assert_eq!(mapped.dropped, 0);
    }

    #[test]
    fn entries_without_text_or_role_are_dropped() {
        let transcript = json!([
            {"type": "user"},
            {"type": "user", "text": "   "},
            {"type": "user", "text": 42},
            {"text": "no role"},
            {"type": "martian", "text": "unknown role"},
            "just a string",
            null,
            {"type": "user", "text": "kept\u{0000}"},
        ]);
        let (messages, mapped) = map("t", Some(&transcript), 200).unwrap();
        assert_eq!(texts(&messages), vec![(false, "kept")]);
        assert_eq!(mapped.dropped, 7);
    }

    #[test]
    fn only_the_latest_messages_are_kept() {
        let transcript = Value::Array(
            (0..450)
                .map(|i| json!({"type": if i % 2 == 0 { "user" } else { "bot" }, "text": format!("m{i}")}))
                .collect(),
        );
        let (messages, mapped) = map("t", Some(&transcript), 3).unwrap();
        assert_eq!(
            texts(&messages),
            vec![(true, "m447"), (false, "m448"), (true, "m449")]
        );
        assert_eq!(mapped.older_left_out, 447);
        let (messages, _) = map("t", Some(&transcript), 10_000).unwrap();
        assert_eq!(messages.len(), MAX_HISTORY);
        assert_eq!(messages[0].text, "m250");
    }

    #[test]
    fn a_transcript_over_512_kb_is_refused() {
        let big = "x".repeat(1024);
        let transcript = Value::Array(
            (0..600)
                .map(|_| json!({"type": "user", "text": big}))
                .collect(),
        );
        let err = map("transcript", Some(&transcript), 200).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::InvalidInput);
        assert!(err.message.contains("600 KB"), "{}", err.message);
        let fits = Value::Array(
            (0..500)
                .map(|_| json!({"type": "user", "text": big}))
                .collect(),
        );
        assert_eq!(map("transcript", Some(&fits), 200).unwrap().0.len(), 200);
    }

    #[test]
    fn absent_is_empty_and_non_arrays_are_rejected() {
        assert!(map("t", None, 200).unwrap().0.is_empty());
        assert!(map("t", Some(&Value::Null), 200).unwrap().0.is_empty());
        let err = map("transcript", Some(&json!({"type": "user"})), 200).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::InvalidInput);
        assert!(err.message.starts_with("`transcript`"));
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON, biased towards the keys and roles the mapper looks at.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            prop_oneof![
                Just("user"),
                Just("bot"),
                Just("agent"),
                Just("output"),
                Just("Customer"),
                Just("")
            ]
            .prop_map(|s| Value::String(s.to_owned())),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("text"),
                            Just("type"),
                            Just("authorType"),
                            Just("source"),
                            Just("role"),
                            Just("payload"),
                            Just("x")
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|pairs| Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn fuzz_transcript_mapper_keeps_its_promises(value in json(), keep in 0usize..300) {
            if let Ok((messages, mapped)) = map("transcript", Some(&value), keep) {
                prop_assert!(messages.len() <= keep.min(MAX_HISTORY));
                prop_assert_eq!(messages.len(), mapped.kept);
                for message in &messages {
                    prop_assert!(!message.text.is_empty());
                    prop_assert_eq!(message.text.trim(), message.text.as_str());
                    prop_assert!(message.text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
                }
            } else {
                prop_assert!(!value.is_array() && !value.is_null());
            }
        }
    }
}
