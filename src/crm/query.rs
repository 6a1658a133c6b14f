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
