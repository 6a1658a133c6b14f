// Get Customer through the built addon against the simulator's WAPI: the XML query 8x8 receives,
// both reply roots, the original and simple result shapes, and WAPI's in-body errors.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";

import { crmConnection, loadLibrary, rejection } from "./helpers.mjs";
import { CUSTOMER_TAGS, startSimulator } from "./simulator/index.mjs";
import { customer } from "./simulator/data.mjs";

const library = loadLibrary();

let sim;
before(async () => {
	sim = await startSimulator({
		customers: [
			customer({ FIRSTNAME: "Laura", LASTNAME: "Wilson", COMPANY: "Cognigy", ACCOUNTNUM: "10000000", customertype: "Default", EMAIL: "l.wilson@cognigy.com", VOICE: "+123456789" }),
			customer({ FIRSTNAME: "Jürgen", LASTNAME: "Müller & Söhne", EMAIL: "j.mueller@example.de", ADDR1CITY: "Köln", "CF01.NAME": "gold" }),
		],
	});
});
after(() => sim.close());
beforeEach(() => sim.reset());

const lookup = (email, extra = {}) =>
	library.getCustomer({ connection: crmConnection(sim), email, baseUrl: sim.url, ...extra });

describe("getCustomer", () => {
	test("sends an escaped WAPI Customer GET as the form field xml_query", async () => {
		await lookup("l.wilson@cognigy.com");
		const [request] = sim.received("wapi");
		assert.equal(request.method, "POST");
		assert.equal(request.path, "/WAPI/wapi.php");
		assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded");
		assert.deepEqual(Object.keys(request.form), ["xml_query"]);
		assert.equal(
			request.form.xml_query,
			`<WAPI><TENANT>${sim.tenant}</TENANT><USERNAME>${sim.crm.username}</USERNAME><PASSWORD>${sim.crm.password}</PASSWORD>` +
				'<COMMAND OBJECT="Customer" ACTION="GET"><EMAIL>l.wilson@cognigy.com</EMAIL></COMMAND></WAPI>',
		);
	});

	test("the original format is exactly the original extension's structure", async () => {
		const result = await lookup("l.wilson@cognigy.com");
		assert.equal(result.found, true);
		assert.equal(result.items.length, 1);
		const [item] = result.items;
		assert.equal(item.FIRSTNAME[0], "Laura");
		assert.deepEqual(Object.keys(item), CUSTOMER_TAGS);
		assert.equal(Object.keys(item).length, 23);
		assert.deepEqual(item.customertype, ["Default"]);
		for (const value of Object.values(item)) {
			assert.ok(Array.isArray(value) && value.length === 1 && typeof value[0] === "string");
		}
		assert.deepEqual(
			{ FIRSTNAME: item.FIRSTNAME, LASTNAME: item.LASTNAME, COMPANY: item.COMPANY, ACCOUNTNUM: item.ACCOUNTNUM, EMAIL: item.EMAIL, VOICE: item.VOICE, PBX: item.PBX },
			{ FIRSTNAME: ["Laura"], LASTNAME: ["Wilson"], COMPANY: ["Cognigy"], ACCOUNTNUM: ["10000000"], EMAIL: ["l.wilson@cognigy.com"], VOICE: ["+123456789"], PBX: [""] },
		);
	});

	test("the simple format names the fields and keeps custom fields; Latin-1 is decoded", async () => {
		const result = await lookup("j.mueller@example.de");
		const [simple] = result.customers;
		assert.equal(simple.firstName, "Jürgen");
		assert.equal(simple.lastName, "Müller & Söhne");
		assert.equal(simple.email, "j.mueller@example.de");
		assert.equal(simple.address1.city, "Köln");
		assert.equal(simple.address2.city, "");
		assert.deepEqual(simple.customFields, { "CF01.NAME": "gold" });
		assert.equal(result.items[0].LASTNAME[0], "Müller & Söhne");
	});

	test("a reply whose root is the upper-cased CRM user name is read too", async () => {
		const other = await startSimulator({ wapiRoot: "username" });
		try {
			const result = await library.getCustomer({ connection: crmConnection(other), email: "l.wilson@cognigy.com", baseUrl: other.url });
			assert.equal(result.found, true);
			assert.equal(result.items[0].FIRSTNAME[0], "Laura");
		} finally {
			await other.close();
		}
	});

	test("no customer is found: false with no items", async () => {
		const result = await lookup("nobody@example.com");
		assert.deepEqual(result, { found: false, items: [], customers: [] });
	});

	test("an email with </EMAIL><TENANT>x arrives escaped and stays one value", async () => {
		const email = "x</EMAIL><TENANT>x@example.com";
		const result = await lookup(email);
		assert.equal(result.found, false);
		const [request] = sim.received("wapi");
		assert.match(request.form.xml_query, /<EMAIL>x&lt;\/EMAIL&gt;&lt;TENANT&gt;x@example\.com<\/EMAIL>/);
		assert.equal(request.xml.WAPI.COMMAND.EMAIL, email);
		assert.equal(request.xml.WAPI.TENANT, sim.tenant);
	});

	test("a wrong password is WAPI 303: AUTH_FAILED naming the cluster, without the password", async () => {
		const err = await rejection(lookup("l.wilson@cognigy.com", { connection: crmConnection(sim, { password: "wrong-pass-123" }) }));
		assert.equal(err.code, "AUTH_FAILED");
		assert.equal(err.status, undefined);
		assert.match(err.message, /303/);
		assert.match(err.message, /cluster `vcc-eu3`/);
		assert.doesNotMatch(err.message, /wrong-pass-123/);
	});

	test("broken XML is PROTOCOL", async () => {
		sim.fail("wapi", { kind: "brokenXml" });
		const err = await rejection(lookup("l.wilson@cognigy.com"));
		assert.equal(err.code, "PROTOCOL");
		assert.match(err.message, /could not be read/);
	});

	test("an HTML error page once, then the real reply: the read is retried", async () => {
		sim.fail("wapi", { kind: "html", status: 502 });
		const result = await lookup("l.wilson@cognigy.com");
		assert.equal(result.found, true);
		assert.deepEqual(sim.received("wapi").map((r) => r.status), [502, 200]);
	});

	test("a lasting 500 is UPSTREAM_ERROR with the status", async () => {
		sim.fail("wapi", { status: 500 });
		const err = await rejection(lookup("l.wilson@cognigy.com"));
		assert.equal(err.code, "UPSTREAM_ERROR");
		assert.equal(err.status, 500);
	});

	const invalid = [
		["a 56-character email", { email: `${"a".repeat(44)}@example.com` }, /`email` must be at most 55/],
		["a malformed email", { email: "laura" }, /`email`/],
		["no email", { email: undefined }, /`email` is required/],
		["a B-side cluster", { connection: { username: "u", password: "p", tenant: "acme01", cluster: "vcc-na8b" } }, /connection\.cluster/],
		["a cluster that is a host", { connection: { username: "u", password: "p", tenant: "acme01", cluster: "evil.com/x" } }, /connection\.cluster/],
		["a tenant with markup", { connection: { username: "u", password: "p", tenant: "<acme>" } }, /connection\.tenant/],
		["no password", { connection: { username: "u", tenant: "acme01" } }, /connection\.password/],
	];
	for (const [name, override, message] of invalid) {
		test(`${name}: INVALID_INPUT, nothing sent`, async () => {
			const options = { connection: crmConnection(sim), email: "l.wilson@cognigy.com", baseUrl: sim.url, ...override };
			const err = await rejection(library.getCustomer(options));
			assert.equal(err.code, "INVALID_INPUT");
			assert.match(err.message, message);
			assert.equal(sim.requests.length, 0);
		});
	}
});
