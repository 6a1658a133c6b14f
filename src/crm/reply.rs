//! Reading a WAPI reply. 8x8's examples disagree on the root element (`<WAPI>` in 8x8's own
//! extension tests, the upper-cased CRM user name in the original Cognigy extension), so the root
//! is taken whatever it is called and its `REPLY` child is read. The XML declaration's encoding
//! (8x8 declares ISO-8859-1) is honoured. Entities are never expanded: only XML's five predefined
//! ones and character references are resolved, anything else makes the reply invalid.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct WapiReply {
    /// `STATUS`: `0` is success, `-1` an error explained by `ERROR_CODE`, others fixed errors.
    pub status: String,
    pub error_code: String,
    pub error_str: String,
    /// Each `ITEM`'s child elements in document order, names exactly as 8x8 wrote them.
    pub items: Vec<Vec<(String, String)>>,
}

/// Turns the reply's bytes into text, following the declared encoding (UTF-8 when none).
fn decode(bytes: &[u8]) -> Result<String, String> {
    let mut probe = Reader::from_reader(bytes);
    let encoding = loop {
        match probe.read_event() {
            Ok(Event::Decl(decl)) => break decl.encoder(),
            Ok(Event::Text(_)) | Ok(Event::Comment(_)) => continue,
            _ => break None,
        }
    };
    match encoding {
        Some(encoding) => {
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                Err(format!("it is not valid {}", encoding.name()))
            } else {
                Ok(text.into_owned())
            }
        }
        None => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).map_err(|_| "it is not valid UTF-8".to_owned())
        }
    }
}

fn name_of(start: &BytesStart<'_>) -> String {
    start.name().as_ref().to_owned()
}

fn read_reply_attributes(start: &BytesStart<'_>, reply: &mut WapiReply) -> Result<(), String> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("a REPLY attribute is malformed ({e})"))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("a REPLY attribute has an unknown entity ({e})"))?
            .into_owned();
        match attr.key.as_ref().to_ascii_uppercase().as_str() {
            "STATUS" => reply.status = value,
            "ERROR_CODE" => reply.error_code = value,
            "ERROR_STR" => reply.error_str = value,
            _ => {}
        }
    }
    Ok(())
}

/// Where the reader is in the expected shape `<root><REPLY><ITEM><FIELD>text`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Outside,
    Root,
    Reply,
    Item,
    Field,
    /// Inside something we do not read (or deeper inside a field), with its depth.
    Skipping(u32),
}

/// Parses a reply. Errors are short descriptions for a `PROTOCOL` error message; they hold no
/// data from the reply.
pub fn parse(bytes: &[u8]) -> Result<WapiReply, String> {
    let text = decode(bytes)?;
    let mut reader = Reader::from_str(&text);
    let mut reply = WapiReply::default();
    let mut seen_reply = false;
    let mut seen_root = false;
    let mut place = Place::Outside;
    // A field's text, and where to return after skipping nested elements.
    let mut field: Option<(String, String)> = None;
    let mut resume = Place::Outside;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("it is not well-formed XML ({e})"))?;
        match event {
            Event::Start(start) => {
                place = match place {
                    Place::Outside if seen_root => {
                        return Err("it has more than one root element".to_owned())
                    }
                    Place::Outside => {
                        seen_root = true;
                        Place::Root
                    }
                    Place::Root if !seen_reply && name_of(&start).eq_ignore_ascii_case("REPLY") => {
                        seen_reply = true;
                        read_reply_attributes(&start, &mut reply)?;
                        Place::Reply
                    }
                    Place::Reply if name_of(&start).eq_ignore_ascii_case("ITEM") => {
                        reply.items.push(Vec::new());
                        Place::Item
                    }
                    Place::Item => {
                        field = Some((name_of(&start), String::new()));
                        Place::Field
                    }
                    Place::Skipping(depth) => Place::Skipping(depth + 1),
                    other => {
                        resume = other;
                        Place::Skipping(1)
                    }
                };
            }
            Event::Empty(start) => match place {
                Place::Outside if seen_root => {
                    return Err("it has more than one root element".to_owned())
                }
                Place::Outside => seen_root = true,
                Place::Root if !seen_reply && name_of(&start).eq_ignore_ascii_case("REPLY") => {
                    seen_reply = true;
                    read_reply_attributes(&start, &mut reply)?;
                }
                Place::Reply if name_of(&start).eq_ignore_ascii_case("ITEM") => {
                    reply.items.push(Vec::new())
                }
                Place::Item => {
                    if let Some(item) = reply.items.last_mut() {
                        item.push((name_of(&start), String::new()));
                    }
                }
                _ => {}
            },
            Event::End(_) => {
                place = match place {
                    Place::Field => {
                        if let (Some(done), Some(item)) = (field.take(), reply.items.last_mut()) {
                            item.push(done);
                        }
                        Place::Item
                    }
                    Place::Item => Place::Reply,
                    Place::Reply => Place::Root,
                    Place::Root => Place::Outside,
                    Place::Skipping(1) => resume,
                    Place::Skipping(depth) => Place::Skipping(depth - 1),
                    Place::Outside => Place::Outside,
                };
            }
            Event::Text(text) => {
                if let (Place::Field | Place::Skipping(_), Some((_, value))) =
                    (place, field.as_mut())
                {
                    value.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let (Place::Field | Place::Skipping(_), Some((_, value))) =
                    (place, field.as_mut())
                {
                    value.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| format!("it has a bad character reference ({e})"))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.xml10_content();
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| {
                                "it uses an entity that XML does not predefine; entities are \
                                 never expanded"
                                    .to_owned()
                            })?
                            .to_owned()
                    }
                };
                if let (Place::Field | Place::Skipping(_), Some((_, value))) =
                    (place, field.as_mut())
                {
                    value.push_str(&resolved);
                }
            }
            Event::Eof => break,
            // Declaration, comments, processing instructions and a DOCTYPE (whose entity
            // definitions are ignored) carry nothing we read.
            _ => {}
        }
    }
    if !seen_root {
        return Err("it is empty".to_owned());
    }
    if place != Place::Outside {
        return Err("it ends before its root element is closed".to_owned());
    }
    if !seen_reply {
        return Err("it has no REPLY element".to_owned());
    }
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn reads_8x8s_example_with_wapi_root() {
        let xml = br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<WAPI>
  <REPLY STATUS="0" ERROR_STR="" ERROR_CODE="0">
    <ITEM><FIRSTNAME>Laura</FIRSTNAME><LASTNAME>Wilson</LASTNAME><customertype>Default</customertype><PBX></PBX><FAX/></ITEM>
    <ITEM><FIRSTNAME>Max</FIRSTNAME></ITEM>
  </REPLY>
</WAPI>"#;
        let reply = parse(xml).unwrap();
        assert_eq!(reply.status, "0");
        assert_eq!(reply.error_code, "0");
        assert_eq!(
            reply.items,
            vec![
                item(&[
                    ("FIRSTNAME", "Laura"),
                    ("LASTNAME", "Wilson"),
                    ("customertype", "Default"),
                    ("PBX", ""),
                    ("FAX", ""),
                ]),
                item(&[("FIRSTNAME", "Max")]),
            ]
        );
    }

    #[test]
    fn reads_a_username_root_and_latin1() {
        let mut xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><CRMUSER><REPLY STATUS=\"0\" ERROR_STR=\"\" ERROR_CODE=\"0\"><ITEM><LASTNAME>M".to_vec();
        xml.push(0xFC); // ü in ISO-8859-1
        xml.extend_from_slice(b"ller &amp; S&#246;hne</LASTNAME></ITEM></REPLY></CRMUSER>");
        let reply = parse(&xml).unwrap();
        assert_eq!(reply.items, vec![item(&[("LASTNAME", "Müller & Söhne")])]);
    }

    #[test]
    fn not_found_has_no_items() {
        let reply = parse(
            br#"<WAPI><REPLY STATUS="0" ERROR_STR="" ERROR_CODE="0"><data /></REPLY></WAPI>"#,
        )
        .unwrap();
        assert_eq!(reply.status, "0");
        assert!(reply.items.is_empty());
        let reply =
            parse(br#"<WAPI><REPLY STATUS="0" ERROR_STR="" ERROR_CODE="0"/></WAPI>"#).unwrap();
        assert!(reply.items.is_empty());
    }

    #[test]
    fn error_replies_keep_status_and_code() {
        let reply = parse(br#"<WAPI><REPLY STATUS="-1" ERROR_STR="The value test of the tag firstname is not valid." ERROR_CODE="5"/></WAPI>"#).unwrap();
        assert_eq!(
            (reply.status.as_str(), reply.error_code.as_str()),
            ("-1", "5")
        );
        assert!(reply.error_str.contains("firstname"));
        let reply = parse(br#"<WAPI><REPLY STATUS="303" ERROR_STR="Invalid login parameters." ERROR_CODE="0"></REPLY></WAPI>"#).unwrap();
        assert_eq!(reply.status, "303");
        let reply = parse(br#"<WAPI><REPLY STATUS="302" ERROR_STR="XML Data is insufficient or corrupted. Check XML Request" ERROR_CODE="0"/></WAPI>"#).unwrap();
        assert_eq!(reply.status, "302");
    }

    #[test]
    fn entities_are_never_expanded() {
        let xml = br#"<?xml version="1.0"?><!DOCTYPE WAPI [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><WAPI><REPLY STATUS="0"><ITEM><FIRSTNAME>&xxe;</FIRSTNAME></ITEM></REPLY></WAPI>"#;
        assert!(parse(xml).unwrap_err().contains("entity"));
    }

    #[test]
    fn broken_replies_are_errors() {
        for bad in [
            &b""[..],
            b"<html><body>502 Bad Gateway</body></html>",
            b"<WAPI><REPLY STATUS=\"0\"><ITEM><FIRSTNAME>La",
            b"<WAPI><REPLY STATUS=\"0\"></ITEM></REPLY></WAPI>",
            b"{\"not\": \"xml\"}",
            b"<WAPI></WAPI><WAPI></WAPI>",
            b"\xff\xfe<",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z_][A-Za-z0-9_.]{0,10}"
    }

    /// Text XML 1.0 can carry without normalisation (no control characters, no CR).
    fn value() -> impl Strategy<Value = String> {
        "[^\\x00-\\x1F\\x7F\\u{FFFE}\\u{FFFF}]{0,24}"
    }

    proptest! {
        #[test]
        fn fuzz_reply_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn fuzz_reply_parser_never_panics_on_xml_like_text(
            text in "(<[/!?]?(REPLY|ITEM|WAPI|[A-Z]{1,5})( (STATUS|ERROR_CODE|X)=\"[^\"<&]{0,4}\")?/?>|&(amp|lt|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-z]{1,4});|<!\\[CDATA\\[[^\\]]{0,6}\\]\\]>|<!DOCTYPE WAPI>|[^<&]{0,8}){0,40}"
        ) {
            let _ = parse(text.as_bytes());
        }

        #[test]
        fn fuzz_reply_values_round_trip(
            root in name(),
            status in "(0|-1|303|302)",
            items in prop::collection::vec(prop::collection::vec((name(), value()), 0..6), 0..4),
        ) {
            let mut xml = format!("<?xml version=\"1.0\"?><{root}><REPLY STATUS=\"{status}\" ERROR_CODE=\"0\" ERROR_STR=\"\">");
            for item in &items {
                xml.push_str("<ITEM>");
                for (tag, text) in item {
                    xml.push_str(&format!("<{tag}>{}</{tag}>", quick_xml::escape::escape(text.as_str())));
                }
                xml.push_str("</ITEM>");
            }
            xml.push_str(&format!("</REPLY></{root}>"));
            let parsed = parse(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
            prop_assert_eq!(parsed.status, status);
            prop_assert_eq!(parsed.items, items);
        }
    }
}
