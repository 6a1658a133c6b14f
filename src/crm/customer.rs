//! The two result shapes of a customer lookup. `original` is what the original extension stored
//! (xml2js's rendering: every value a one-element string array, tag names as 8x8 wrote them, so
//! `customer[0].FIRSTNAME[0]` keeps working in old flows); `simple` is plain named fields.

use napi_derive::napi;
use serde_json::{Map, Value};

/// One address block of a CRM customer.
#[napi(object)]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Address {
    /// `ADDRnSTR1`
    pub street1: String,
    /// `ADDRnSTR2`
    pub street2: String,
    /// `ADDRnCITY`
    pub city: String,
    /// `ADDRnSTATE`
    pub state: String,
    /// `ADDRnZIP`
    pub zip: String,
    /// `ADDRnCOUNTRY`
    pub country: String,
}

/// A CRM customer with plain named fields (the `Simple` result format). Tags 8x8 sends that are
/// not listed here (the tenant's custom fields) are kept in `customFields` under their tag name.
#[napi(object)]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SimpleCustomer {
    /// `FIRSTNAME`
    pub first_name: String,
    /// `LASTNAME`
    pub last_name: String,
    /// `COMPANY`
    pub company: String,
    /// `PBX`
    pub pbx: String,
    /// `COMMENTS`
    pub comments: String,
    /// `ACCOUNTNUM`
    pub account_number: String,
    /// `customertype`
    pub customer_type: String,
    /// `EMAIL`
    pub email: String,
    /// `VOICE`: the main phone number.
    pub voice: String,
    /// `ALTERNATIVE`: another phone number.
    pub alternative: String,
    /// `FAX`
    pub fax: String,
    /// `ADDR1…`
    pub address1: Address,
    /// `ADDR2…`
    pub address2: Address,
    /// Every other tag (the tenant's custom fields), by tag name.
    #[napi(ts_type = "Record<string, string>")]
    pub custom_fields: Value,
}

/// xml2js's shape: `{TAG: ["value"]}`, a repeated tag adding to its array.
pub fn original(fields: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (tag, value) in fields {
        match map.get_mut(tag) {
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            _ => {
                map.insert(
                    tag.clone(),
                    Value::Array(vec![Value::String(value.clone())]),
                );
            }
        }
    }
    Value::Object(map)
}

pub fn simple(fields: &[(String, String)]) -> SimpleCustomer {
    let mut c = SimpleCustomer::default();
    let mut custom = Map::new();
    for (tag, value) in fields {
        let value = value.clone();
        let slot = match tag.to_ascii_uppercase().as_str() {
            "FIRSTNAME" => &mut c.first_name,
            "LASTNAME" => &mut c.last_name,
            "COMPANY" => &mut c.company,
            "PBX" => &mut c.pbx,
            "COMMENTS" => &mut c.comments,
            "ACCOUNTNUM" => &mut c.account_number,
            "CUSTOMERTYPE" => &mut c.customer_type,
            "EMAIL" => &mut c.email,
            "VOICE" => &mut c.voice,
            "ALTERNATIVE" => &mut c.alternative,
            "FAX" => &mut c.fax,
            "ADDR1STR1" => &mut c.address1.street1,
            "ADDR1STR2" => &mut c.address1.street2,
            "ADDR1CITY" => &mut c.address1.city,
            "ADDR1STATE" => &mut c.address1.state,
            "ADDR1ZIP" => &mut c.address1.zip,
            "ADDR1COUNTRY" => &mut c.address1.country,
            "ADDR2STR1" => &mut c.address2.street1,
            "ADDR2STR2" => &mut c.address2.street2,
            "ADDR2CITY" => &mut c.address2.city,
            "ADDR2STATE" => &mut c.address2.state,
            "ADDR2ZIP" => &mut c.address2.zip,
            "ADDR2COUNTRY" => &mut c.address2.country,
            _ => {
                custom.insert(tag.clone(), Value::String(value));
                continue;
            }
        };
        // The first occurrence wins, as `customer[0].TAG[0]` does in the original shape.
        if slot.is_empty() {
            *slot = value;
        }
    }
    c.custom_fields = Value::Object(custom);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn original_shape_is_xml2js() {
        let item = fields(&[
            ("FIRSTNAME", "Laura"),
            ("customertype", "Default"),
            ("PBX", ""),
            ("CF01", "a"),
            ("CF01", "b"),
        ]);
        let shaped = original(&item);
        assert_eq!(
            shaped,
            json!({"FIRSTNAME": ["Laura"], "customertype": ["Default"], "PBX": [""], "CF01": ["a", "b"]})
        );
        let keys: Vec<&String> = shaped.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["FIRSTNAME", "customertype", "PBX", "CF01"]);
    }

    #[test]
    fn simple_shape_names_fields() {
        let item = fields(&[
            ("FIRSTNAME", "Laura"),
            ("ACCOUNTNUM", "10000000"),
            ("customertype", "Default"),
            ("ADDR1CITY", "Düsseldorf"),
            ("ADDR2COUNTRY", "DE"),
            ("CF02.NAME", "gold"),
        ]);
        let c = simple(&item);
        assert_eq!(c.first_name, "Laura");
        assert_eq!(c.account_number, "10000000");
        assert_eq!(c.customer_type, "Default");
        assert_eq!(c.address1.city, "Düsseldorf");
        assert_eq!(c.address2.country, "DE");
        assert_eq!(c.custom_fields, json!({"CF02.NAME": "gold"}));
    }
}
