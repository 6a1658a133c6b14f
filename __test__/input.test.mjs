// Bad input: every case is refused with INVALID_INPUT and a message naming the field, before
// anything is sent to 8x8, through the library and through the Cognigy nodes alike.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";

import { executeNode } from "./cognigy.mjs";
import { crmConnection, loadLibrary, oauthConnection, rejection } from "./helpers.mjs";
import { startSimulator } from "./simulator/index.mjs";

const library = loadLibrary();

let sim;
before(async () => {
	sim = await startSimulator();
	process.env.EIGHTBYEIGHT_BASE_URL = sim.url;
});
after(() => sim.close());
beforeEach(() => sim.reset());

const gateway = (extra = {}, connection = {}) =>
	library.createConversation({
		connection: oauthConnection(sim, connection),
		baseUrl: sim.url,
		channelId: "25",
		customer: { name: "Jane Doe" },
		...extra,
	});
const v2 = (extra = {}, connection = {}) => gateway({ api: "chatApiV2", ...extra }, connection);
const crm = (extra = {}, connection = {}) =>
	library.getCustomer({ connection: crmConnection(sim, connection), email: "l.wilson@cognigy.com", baseUrl: sim.url, ...extra });

const oneMegabyte = Array.from({ length: 1024 }, () => ({ type: "user", text: "x".repeat(1024) }));
const thirtyOne = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v"]));

// [what, call, field named in the message]
const LIBRARY_CASES = [
	["empty channel id", () => gateway({ channelId: "" }), "channelId"],
	["channel id of 200 characters", () => gateway({ channelId: "2".repeat(200) }), "channelId"],
	["channel id as a number", () => gateway({ channelId: 25 }), "options.channelId"],
	["channel id with a control character", () => gateway({ channelId: "25\u0000" }), "channelId"],
	["channel id with XML metacharacters", () => gateway({ channelId: "<25>" }), "channelId"],
	["queue id with a path", () => gateway({ queueId: "101/../102" }), "queueId"],
	["region with a path separator", () => v2({}, { region: "us/../x" }), "connection.region"],
	["region percent-encoded", () => v2({}, { region: "eu%2F.." }), "connection.region"],
	["missing region on Chat API v2", () => v2({}, { region: undefined }), "connection.region"],
	["tenant with a path separator", () => gateway({}, { tenant: "acme/../other" }), "connection.tenant"],
	["tenant with a backslash", () => v2({}, { tenant: "acme\\x" }), "connection.tenant"],
	["tenant of 65 characters", () => gateway({}, { tenant: "a".repeat(65) }), "connection.tenant"],
	["CRM tenant with XML metacharacters", () => crm({}, { tenant: "acme</TENANT>" }), "connection.tenant"],
	["cluster with a path", () => crm({}, { cluster: "vcc-eu3/../x" }), "connection.cluster"],
	["cluster naming another host", () => crm({}, { cluster: "vcc-eu3.evil.com" }), "connection.cluster"],
	["a B-side cluster", () => crm({}, { cluster: "vcc-na8b" }), "connection.cluster"],
	["unknown language", () => gateway({ customer: { language: "tlh" } }), "customer.language"],
	["1,000 messages asked for", () => gateway({ transcript: [{ type: "user", text: "hi" }], maxMessages: 1000 }), "maxMessages"],
	["a 1 MB transcript", () => gateway({ transcript: oneMegabyte }), "transcript"],
	["a transcript that is not an array", () => gateway({ transcript: { type: "user", text: "hi" } }), "transcript"],
	["missing API key", () => gateway({}, { username: "" }), "connection.username"],
	["missing API secret on Chat API v2", () => v2({}, { password: undefined }), "connection.password"],
	["API key with a control character", () => gateway({}, { username: "eght_\u0007key" }), "connection.username"],
	["API secret of 600 characters", () => v2({}, { password: "s".repeat(600) }), "connection.password"],
	["no connection at all", () => library.createConversation({ channelId: "25", baseUrl: sim.url }), "options.connection"],
	["customer name with a control character", () => gateway({ customer: { name: "Jane\u0007" } }), "customer.name"],
	["customer name of 300 characters", () => gateway({ customer: { name: "J".repeat(300) } }), "customer.name"],
	["malformed customer email", () => gateway({ customer: { email: "jane(at)example" } }), "customer.email"],
	["a number as an extra property", () => gateway({ customer: { properties: { plan: 3 } } }), "customer.properties.plan"],
	["31 customer values", () => gateway({ customer: { name: "Jane", properties: thirtyOne } }), "customer.properties"],
	["an extra property reusing a predefined name", () => gateway({ customer: { properties: { email: "x@y.z" } } }), "customer.properties.email"],
	["unknown API", () => gateway({ api: "chatApiV3" }), "api"],
	["timeout of 0 ms", () => gateway({ timeoutMs: 0 }), "timeoutMs"],
	["a remote baseUrl", () => library.listChannels(oauthConnection(sim), { baseUrl: "http://203.0.113.7:80" }), "options.baseUrl"],
	["empty CRM email", () => crm({ email: "" }), "email"],
	["CRM email of 56 characters", () => crm({ email: `${"a".repeat(44)}@example.com` }), "email"],
	["CRM email with a space", () => crm({ email: "laura wilson@cognigy.com" }), "email"],
	["CRM email as an array", () => crm({ email: ["l.wilson@cognigy.com"] }), "options.email"],
	["missing CRM password", () => crm({}, { password: "" }), "connection.password"],
	["listChannels without a connection", () => library.listChannels(undefined, { baseUrl: sim.url }), "connection"],
];

describe("the library", () => {
	for (const [what, call, field] of LIBRARY_CASES) {
		test(`${what}: INVALID_INPUT naming \`${field}\`, nothing sent`, async () => {
			const err = await rejection(call());
			assert.equal(err.code, "INVALID_INPUT", err.message);
			assert.ok(err.message.startsWith(`\`${field}\``), `message names ${field}: ${err.message}`);
			assert.equal(err.status, undefined);
			assert.equal(sim.requests.length, 0);
			for (const secret of [sim.apiSecret, sim.crm.password, "Jane Doe"]) assert.ok(!err.message.includes(secret));
		});
	}

	test("a long chat is not refused: of 1,000 messages the latest 200 are sent", async () => {
		const long = Array.from({ length: 1000 }, (_, i) => ({ type: i % 2 ? "bot" : "user", text: `m${i}` }));
		const conversation = await gateway({ transcript: long });
		assert.equal(conversation.messagesSent, 200);
		assert.equal(sim.received("gateway.conversations")[0].json.history.messages[0].text, "m800");
	});
});

describe("the nodes", () => {
	const handover = (extra) => ({
		connection: oauthConnection(sim),
		api: "chatGateway",
		channelId: "25",
		language: "en",
		name: "Jane Doe",
		transcriptSource: "input.data.transcript",
		maxMessages: 200,
		storeLocation: "input",
		inputKey: "livechat",
		...extra,
	});
	const lookup = (extra) => ({ connection: crmConnection(sim), email: "l.wilson@cognigy.com", storeLocation: "input", inputKey: "customer", ...extra });

	const NODE_CASES = [
		["Handover To Agent without a channel", "handoverToEightByEight", () => handover({ channelId: "" }), "livechat", "channelId"],
		["Handover To Agent with an unknown language", "handoverToEightByEight", () => handover({ language: "klingon" }), "livechat", "customer.language"],
		["Handover To Agent with a transcript source outside input, context, profile", "handoverToEightByEight", () => handover({ transcriptSource: "process.env" }), "livechat", "transcriptSource"],
		["Handover To Agent with extra properties that are not an object", "handoverToEightByEight", () => handover({ extraProperties: "plan=gold" }), "livechat", "customer.properties"],
		["Handover To Agent with a connection missing its tenant", "handoverToEightByEight", () => handover({ connection: oauthConnection(sim, { tenant: "" }) }), "livechat", "connection.tenant"],
		["Get Customer with a 56-character email", "getCustomer", () => lookup({ email: `${"a".repeat(44)}@example.com` }), "customer", "email"],
		["Get Customer with a connection missing its user name", "getCustomer", () => lookup({ connection: crmConnection(sim, { username: "" }) }), "customer", "connection.username"],
		["Get Customer with a cluster path", "getCustomer", () => lookup({ connection: crmConnection(sim, { cluster: "../vcc-eu3" }) }), "customer", "connection.cluster"],
	];
	for (const [what, type, config, key, field] of NODE_CASES) {
		test(`${what}: the error exit with INVALID_INPUT naming \`${field}\`, nothing sent`, async () => {
			const result = await executeNode(type, config(), { input: { data: { transcript: [] } } });
			const { error } = result.input[key];
			assert.equal(error.code, "INVALID_INPUT", error.message);
			assert.ok(error.message.startsWith(`\`${field}\``), error.message);
			assert.match(result.exit, /Error$/);
			assert.deepEqual(result.said, []);
			assert.equal(sim.requests.length, 0);
		});
	}
});
