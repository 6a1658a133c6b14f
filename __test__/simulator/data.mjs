// The simulator's fixed facts: 8x8's documented enums and limits, and sample data.

/** Chat API v2 `{region}` values. */
export const REGIONS = ["us", "eu", "ca", "ap"];

/** The `Language` enum of both chat APIs. */
export const LANGUAGES = ["en", "ru", "de", "ja", "es", "fr", "pt", "it", "pl", "hr", "nl", "ar", "da", "ko", "no", "sv", "vi", "cy", "th", "zh-CN", "zh-TW"];

/** `history.messages` holds at most this many items (both APIs). */
export const HISTORY_MAX = 200;

/** `customer` (v2) / `user.additionalProperties` (Gateway) hold at most this many. */
export const PROPERTIES_MAX = 30;

/** The 23 tags of a WAPI customer item, in 8x8's order (note the lower-case `customertype`). */
export const CUSTOMER_TAGS = [
	"FIRSTNAME", "LASTNAME", "COMPANY", "PBX", "COMMENTS", "ACCOUNTNUM", "customertype",
	"EMAIL", "VOICE", "ALTERNATIVE", "FAX",
	"ADDR1STR1", "ADDR1STR2", "ADDR1CITY", "ADDR1STATE", "ADDR1ZIP", "ADDR1COUNTRY",
	"ADDR2STR1", "ADDR2STR2", "ADDR2CITY", "ADDR2STATE", "ADDR2ZIP", "ADDR2COUNTRY",
];

/** A CRM customer with every tag; `values` overrides some. */
export function customer(values = {}) {
	const item = Object.fromEntries(CUSTOMER_TAGS.map((tag) => [tag, ""]));
	return Object.assign(item, values);
}

/** The customer of the original extension's README example. */
export function exampleCustomer() {
	return customer({
		FIRSTNAME: "Laura",
		LASTNAME: "Wilson",
		COMPANY: "Cognigy",
		ACCOUNTNUM: "10000000",
		customertype: "Default",
		EMAIL: "l.wilson@cognigy.com",
		VOICE: "+123456789",
	});
}

/** `count` chat channels, each routed to a queue; ids are strings as 8x8 sends them. */
export function makeChannels(count) {
	return Array.from({ length: count }, (_, i) => ({
		id: String(25 + i),
		name: `Channel ${i + 1}`,
		type: "ChatAPI",
		webHookId: String(12 + (i % 3)),
		routingOptions: { type: "queue", id: String(101 + (i % 7)) },
	}));
}
