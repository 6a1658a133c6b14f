//! The WAPI request: an XML query carried in the form field `xml_query`. Every value is
//! XML-escaped, so a value can never close its element and open another (the original extension
//! pasted values in raw).

use quick_xml::escape::escape;

pub struct Login<'a> {
    pub tenant: &'a str,
    pub username: &'a str,
    pub password: &'a str,
}

/// `<WAPI>` with the login and one `COMMAND`; `filters` become child elements of the command in
/// the given order. Tag names are fixed strings of ours, never caller input.
pub fn command(login: &Login<'_>, object: &str, action: &str, filters: &[(&str, &str)]) -> String {
    let mut xml = String::with_capacity(256);
    xml.push_str("<WAPI><TENANT>");
    xml.push_str(&escape(login.tenant));
    xml.push_str("</TENANT><USERNAME>");
    xml.push_str(&escape(login.username));
    xml.push_str("</USERNAME><PASSWORD>");
    xml.push_str(&escape(login.password));
    xml.push_str("</PASSWORD><COMMAND OBJECT=\"");
    xml.push_str(&escape(object));
    xml.push_str("\" ACTION=\"");
    xml.push_str(&escape(action));
    xml.push_str("\">");
    for (tag, value) in filters {
        xml.push('<');
        xml.push_str(tag);
        xml.push('>');
        xml.push_str(&escape(*value));
        xml.push_str("</");
        xml.push_str(tag);
        xml.push('>');
    }
    xml.push_str("</COMMAND></WAPI>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let login = Login {
            tenant: "acme",
            username: "crm&user",
            password: "p<w>\"'",
        };
        let xml = command(
            &login,
            "Customer",
            "GET",
            &[("EMAIL", "x</EMAIL><TENANT>x@example.com")],
        );
        assert_eq!(
            xml,
            "<WAPI><TENANT>acme</TENANT><USERNAME>crm&amp;user</USERNAME>\
             <PASSWORD>p&lt;w&gt;&quot;&apos;</PASSWORD>\
             <COMMAND OBJECT=\"Customer\" ACTION=\"GET\">\
             <EMAIL>x&lt;/EMAIL&gt;&lt;TENANT&gt;x@example.com</EMAIL></COMMAND></WAPI>"
        );
        let parsed = super::super::reply::parse(xml.as_bytes()).unwrap_err();
        // The query is not a reply (it has no REPLY), but it is well-formed XML: the parse gets
        // to the end and only then misses the REPLY element.
        assert!(parsed.contains("REPLY"), "{parsed}");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    /// The text of each element of the query, entities resolved, in document order.
    fn texts(xml: &str) -> Vec<(String, String)> {
        let mut reader = Reader::from_str(xml);
        let mut out: Vec<(String, String)> = Vec::new();
        let mut open: Vec<String> = Vec::new();
        loop {
            match reader.read_event().expect("the query is well-formed XML") {
                Event::Start(e) => {
                    open.push(e.name().as_ref().to_owned());
                    out.push((e.name().as_ref().to_owned(), String::new()));
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Text(t) => {
                    if let Some(last) = out.last_mut() {
                        last.1.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().expect("valid reference") {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                            .expect("predefined entity")
                            .to_owned(),
                    };
                    if let Some(last) = out.last_mut() {
                        last.1.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(open.is_empty());
        out
    }

    fn value() -> impl Strategy<Value = String> {
        "[^\\x00-\\x1F\\x7F\\u{FFFE}\\u{FFFF}]{0,30}"
    }

    proptest! {
        #[test]
        fn fuzz_query_values_cannot_escape_their_element(
            tenant in value(), username in value(), password in value(), email in value()
        ) {
            let login = Login { tenant: &tenant, username: &username, password: &password };
            let xml = command(&login, "Customer", "GET", &[("EMAIL", &email)]);
            let got = texts(&xml);
            let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
            prop_assert_eq!(names, vec!["WAPI", "TENANT", "USERNAME", "PASSWORD", "COMMAND", "EMAIL"]);
            prop_assert_eq!(&got[1].1, &tenant);
            prop_assert_eq!(&got[2].1, &username);
            prop_assert_eq!(&got[3].1, &password);
            prop_assert_eq!(&got[5].1, &email);
        }
    }
}
