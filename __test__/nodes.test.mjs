// The Cognigy nodes of the built extension, run with a recording fake of `cognigy.api` against the
// 8x8 simulator: every exit, what was stored and said, how many Cognigy calls, and clean logs.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";

import { descriptor, extension, resolveOptions, executeNode } from "./cognigy.mjs";
import { crmConnection, oauthConnection } from "./helpers.mjs";
import { CUSTOMER_TAGS, startSimulator } from "./simulator/index.mjs";
import { customer } from "./simulator/data.mjs";

/** Cognigy allows 10 API calls per node execution. */
const MAX_CALLS = 10;

let sim;
before(async () => {
	sim = await startSimulator();
	process.env.EIGHTBYEIGHT_BASE_URL = sim.url;
});
after(() => sim.close());
beforeEach(() => sim.reset());
afterEach(() => {
	process.env.EIGHTBYEIGHT_BASE_URL = sim.url;
});

const transcript = [
	{ source: "user", text: "My router is broken" },
	{ source: "bot", text: "Let me connect you with a colleague." },
];

function cognigyInput() {
	return { userId: "user-42", sessionId: "session-42", URLToken: "url-token-42", data: { transcript } };
}

function handoverConfig(extra = {}) {
	return {
		connection: oauthConnection(sim),
		api: "chatGateway",
		handoverAcceptMessage: "An agent will be with you shortly.",
		channelId: "25",
		language: "en",
		name: "Jane Doe",
		email: "jane.doe@example.com",
		company: "Acme",
		phone: "",
		customerId: "",
		caseId: "",
		extraProperties: {},
		transcriptSource: "input.data.transcript",
		maxMessages: 200,
		storeLocation: "input",
		inputKey: "livechat",
		contextKey: "livechat",
		timeoutMs: 15000,
		...extra,
	};
}

/** Nothing secret or personal in any log line. */
function assertCleanLogs(result, secrets) {
	for (const line of result.logs) {
		for (const secret of secrets) assert.ok(!line.text.includes(secret), `log line holds a secret: ${line.text}`);
	}
}

describe("the extension", () => {
	test("declares both nodes with their children and the child descriptors", () => {
		const types = extension.nodes.map((n) => n.type);
		assert.deepEqual(types, [
			"handoverToEightByEight",
			"onHandover",
			"onHandoverError",
			"getCustomer",
			"onFoundCustomer",
			"onNotFoundCustomer",
			"onCustomerError",
		]);
		assert.deepEqual(descriptor("handoverToEightByEight").dependencies.children, ["onHandover", "onHandoverError"]);
		assert.deepEqual(descriptor("getCustomer").dependencies.children, ["onFoundCustomer", "onNotFoundCustomer", "onCustomerError"]);
		for (const child of ["onHandover", "onHandoverError", "onFoundCustomer", "onNotFoundCustomer", "onCustomerError"]) {
			const node = descriptor(child);
			assert.equal(node.appearance.variant, "mini");
			assert.ok(["handoverToEightByEight", "getCustomer"].includes(node.parentType));
		}
	});

	test("labels and descriptions are in English and German", () => {
		for (const node of extension.nodes) {
			assert.ok(node.defaultLabel.default && node.defaultLabel.deDE, `${node.type} label`);
			for (const field of node.fields ?? []) {
				assert.ok(field.label.default && field.label.deDE, `${node.type}.${field.key} label`);
				if (field.description) assert.ok(field.description.default && field.description.deDE, `${node.type}.${field.key}`);
			}
		}
	});

	test("keeps the original extension's field keys", () => {
		const keys = (type) => descriptor(type).fields.map((f) => f.key);
		for (const key of ["connection", "handoverAcceptMessage", "channelId", "language", "name", "email", "company", "storeLocation", "inputKey", "contextKey"]) {
			assert.ok(keys("handoverToEightByEight").includes(key), key);
		}
		for (const key of ["connection", "email", "storeLocation", "inputKey", "contextKey"]) {
			assert.ok(keys("getCustomer").includes(key), key);
		}
		const storage = descriptor("getCustomer").fields.find((f) => f.key === "inputKey");
		assert.equal(storage.defaultValue, "customer");
		assert.equal(descriptor("handoverToEightByEight").fields.find((f) => f.key === "inputKey").defaultValue, "livechat");
	});
});

describe("Handover To Agent", () => {
	test("on success: 8x8 gets the chat, the result is stored, the message said, On Handover taken", async () => {
		const result = await executeNode("handoverToEightByEight", handoverConfig(), { input: cognigyInput() });
		assert.equal(result.exit, "onHandover");
		assert.equal(sim.conversations.length, 1);
		const [request] = sim.received("gateway.conversations");
		assert.deepEqual(request.json.history.messages, [
			{ authorType: "user", text: "My router is broken" },
			{ authorType: "bot", text: "Let me connect you with a colleague." },
		]);
		assert.deepEqual(request.json.user.additionalProperties, [
			{ key: "cognigyUserId", value: "user-42" },
			{ key: "cognigySessionId", value: "session-42" },
			{ key: "cognigyURLToken", value: "url-token-42" },
		]);
		assert.equal(request.json.user.name, "Jane Doe");
		const stored = result.input.livechat;
		assert.deepEqual(Object.keys(stored), ["conversationId", "timestamp", "api", "channelId"]);
		assert.equal(stored.conversationId, sim.conversations[0].id);
		assert.equal(stored.api, "chatGateway");
		assert.equal(stored.channelId, "25");
		assert.deepEqual(result.said, ["An agent will be with you shortly."]);
		const order = result.calls.map((c) => c.call);
		assert.ok(order.indexOf("say") > order.indexOf("addToInput"), "said after 8x8 accepted and the result is stored");
		assert.ok(result.calls.length <= MAX_CALLS);
		assertCleanLogs(result, [sim.apiKey, sim.apiSecret, "jane.doe@example.com", "Jane Doe"]);
	});

	test("Chat API v2 with context storage, extra properties and the latest 1 message", async () => {
		const config = handoverConfig({
			api: "chatApiV2",
			storeLocation: "context",
			contextKey: "handover",
			extraProperties: { plan: "gold" },
			maxMessages: 1,
			customerId: "c-1",
		});
		const result = await executeNode("handoverToEightByEight", config, { input: cognigyInput() });
		assert.equal(result.exit, "onHandover");
		assert.equal(result.context.handover.api, "chatApiV2");
		assert.equal(result.input.livechat, undefined);
		const [request] = sim.received("v2.conversations");
		assert.deepEqual(request.json.history.messages, [{ type: "bot", text: "Let me connect you with a colleague." }]);
		assert.equal(request.json.customer.plan, "gold");
		assert.equal(request.json.customer.customerId, "c-1");
	});

	test("a transcript read from the context", async () => {
		const context = { chat: { lines: [{ role: "user", text: "from context" }] } };
		await executeNode("handoverToEightByEight", handoverConfig({ transcriptSource: "context.chat.lines" }), { input: cognigyInput(), context });
		assert.deepEqual(sim.received("gateway.conversations")[0].json.history.messages, [{ authorType: "user", text: "from context" }]);
	});

	const failures = [
		["AUTH_FAILED", () => ({ connection: oauthConnection(sim, { username: "eght_wrong_key" }) }), null, 401],
		["INVALID_INPUT", () => ({ channelId: "" }), null, undefined],
		["INVALID_INPUT", () => ({ extraProperties: { plan: 7 } }), null, undefined],
		["INVALID_INPUT", () => ({ transcriptSource: "secrets.of.the.flow" }), null, undefined],
		["NOT_FOUND", () => ({ api: "chatApiV2", channelId: "9999" }), null, 404],
		["RATE_LIMITED", () => ({}), { status: 429, retryAfter: 60 }, 429],
		["UPSTREAM_ERROR", () => ({}), { status: 500 }, 500],
		["PROTOCOL", () => ({}), { kind: "notJson" }, 202],
		["TIMEOUT", () => ({ timeoutMs: 1000 }), { kind: "hang" }, undefined],
		["NETWORK", () => ({ timeoutMs: 3000 }), "unreachable", undefined],
	];
	for (const [code, extra, fault, status] of failures) {
		test(`${code}${fault?.kind ? ` (${fault.kind})` : ""}: On Error, the error stored, nothing said, one clean log line`, async () => {
			const config = handoverConfig(extra());
			if (fault === "unreachable") process.env.EIGHTBYEIGHT_BASE_URL = "http://127.0.0.1:9";
			else if (fault) sim.fail(config.api === "chatApiV2" ? "v2.conversations" : "gateway.conversations", fault);
			const result = await executeNode("handoverToEightByEight", config, { input: cognigyInput() });
			assert.equal(result.exit, "onHandoverError");
			assert.deepEqual(result.said, []);
			const { error } = result.input.livechat;
			assert.equal(error.code, code);
			assert.equal(error.status, status);
			assert.equal(typeof error.message, "string");
			assert.equal(result.logs.length, 1);
			assert.equal(result.logs[0].level, "error");
			assert.match(result.logs[0].text, new RegExp(`^Handover To Agent failed: ${code}: `));
			assert.ok(result.calls.length <= MAX_CALLS);
			assertCleanLogs(result, [sim.apiKey, sim.apiSecret, "jane.doe@example.com", "Jane Doe", "url-token-42"]);
			if (code === "INVALID_INPUT") assert.equal(sim.requests.length, 0, "nothing sent");
			assert.ok(sim.conversations.length <= 1);
		});
	}

	test("the Channel dropdown lists every channel of every page", async () => {
		const options = await resolveOptions("handoverToEightByEight", "channelId", { connection: oauthConnection(sim), api: "chatGateway" });
		assert.equal(options.length, 120);
		assert.deepEqual(options[0], { label: "Channel 1 (queue 101)", value: "25" });
		assert.deepEqual(new Set(options.map((o) => o.value)).size, 120);
		for (const option of options) assert.deepEqual(Object.keys(option), ["label", "value"]);
		assert.equal(sim.received("gateway.channels").length, 3);
		const v2 = await resolveOptions("handoverToEightByEight", "channelId", { connection: oauthConnection(sim), api: "chatApiV2" });
		assert.equal(v2.length, 120);
	});

	test("with a wrong connection the dropdown is empty and the reason is logged without secrets", async (t) => {
		const warnings = [];
		t.mock.method(console, "warn", (line) => warnings.push(line));
		const options = await resolveOptions("handoverToEightByEight", "channelId", {
			connection: oauthConnection(sim, { password: "wrong-secret-1" }),
			api: "chatApiV2",
		});
		assert.deepEqual(options, []);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /AUTH_FAILED/);
		assert.ok(!warnings[0].includes("wrong-secret-1") && !warnings[0].includes(sim.apiKey));
	});
});

describe("Get Customer", () => {
	const config = (extra = {}) => ({
		connection: crmConnection(sim),
		email: "l.wilson@cognigy.com",
		resultFormat: "original",
		storeLocation: "input",
		inputKey: "customer",
		contextKey: "customer",
		timeoutMs: 15000,
		...extra,
	});

	test("Original format stores exactly the original extension's structure and takes On Found Customer", async () => {
		const result = await executeNode("getCustomer", config());
		assert.equal(result.exit, "onFoundCustomer");
		const { customer } = result.input;
		assert.equal(customer[0].FIRSTNAME[0], "Laura");
		assert.deepEqual(Object.keys(customer[0]), CUSTOMER_TAGS);
		assert.equal(Object.keys(customer[0]).length, 23);
		assert.deepEqual(customer[0].customertype, ["Default"]);
		assert.deepEqual(customer[0].ACCOUNTNUM, ["10000000"]);
		assert.deepEqual(result.said, []);
		assert.ok(result.calls.length <= MAX_CALLS);
		assertCleanLogs(result, [sim.crm.password, "l.wilson@cognigy.com"]);
	});

	test("Simple format in the context", async () => {
		const result = await executeNode("getCustomer", config({ resultFormat: "simple", storeLocation: "context", contextKey: "crm" }));
		assert.equal(result.exit, "onFoundCustomer");
		assert.equal(result.context.crm[0].firstName, "Laura");
		assert.equal(result.context.crm[0].customerType, "Default");
		assert.equal(result.input.customer, undefined);
	});

	test("not found: On Not Found Customer with an empty list stored", async () => {
		const result = await executeNode("getCustomer", config({ email: "nobody@example.com" }));
		assert.equal(result.exit, "onNotFoundCustomer");
		assert.deepEqual(result.input.customer, []);
		assert.deepEqual(result.logs, []);
	});

	const failures = [
		["AUTH_FAILED", () => ({ connection: crmConnection(sim, { password: "wrong-pass-9" }) }), null],
		["INVALID_INPUT", () => ({ email: `${"l".repeat(50)}@cognigy.com` }), null],
		["INVALID_INPUT", () => ({ connection: crmConnection(sim, { cluster: "vcc-na8b" }) }), null],
		["PROTOCOL", () => ({}), { kind: "brokenXml" }],
		["UPSTREAM_ERROR", () => ({}), { status: 500 }],
		["NOT_FOUND", () => ({}), { status: 404 }],
		["RATE_LIMITED", () => ({}), { status: 429, retryAfter: 60 }],
		["TIMEOUT", () => ({ timeoutMs: 1000 }), { kind: "hang" }],
		["NETWORK", () => ({ timeoutMs: 3000 }), "unreachable"],
	];
	for (const [code, extra, fault] of failures) {
		test(`${code}${fault?.kind ? ` (${fault.kind})` : ""}: On Error with the error stored, nothing said, a clean log line`, async () => {
			if (fault === "unreachable") process.env.EIGHTBYEIGHT_BASE_URL = "http://127.0.0.1:9";
			else if (fault) sim.fail("wapi", fault);
			const result = await executeNode("getCustomer", config(extra()));
			assert.equal(result.exit, "onCustomerError");
			assert.deepEqual(result.said, []);
			assert.ok(result.calls.length <= MAX_CALLS);
			assert.equal(result.input.customer.error.code, code);
			assert.equal(result.logs.length, 1);
			assert.match(result.logs[0].text, new RegExp(`^Get Customer failed: ${code}: `));
			assertCleanLogs(result, [sim.crm.password, "wrong-pass-9", "l.wilson@cognigy.com", "@cognigy.com"]);
			if (code === "INVALID_INPUT") assert.equal(sim.requests.length, 0);
		});
	}

	test("a flow made with the original extension has no error child: errors go to Not Found", async () => {
		const result = await executeNode("getCustomer", config({ connection: crmConnection(sim, { password: "nope" }) }), {
			children: ["onFoundCustomer", "onNotFoundCustomer"],
		});
		assert.equal(result.exit, "onNotFoundCustomer");
		assert.equal(result.input.customer.error.code, "AUTH_FAILED");
	});

	test("a result over 60 KB is cut to what fits and the cut is logged", async () => {
		const many = await startSimulator({
			customers: Array.from({ length: 300 }, (_, i) =>
				customer({ FIRSTNAME: `Name${i}`, EMAIL: "same@example.com", COMMENTS: "x".repeat(200) }),
			),
		});
		process.env.EIGHTBYEIGHT_BASE_URL = many.url;
		try {
			const result = await executeNode("getCustomer", config({ connection: crmConnection(many), email: "same@example.com" }));
			assert.equal(result.exit, "onFoundCustomer");
			const stored = result.input.customer;
			assert.ok(stored.length > 10 && stored.length < 300, `${stored.length} kept`);
			assert.ok(Buffer.byteLength(JSON.stringify(stored)) <= 60 * 1024);
			assert.ok(Buffer.byteLength(JSON.stringify([...stored, stored[0]])) > 60 * 1024, "as many as fit");
			assert.equal(result.logs.length, 1);
			assert.match(result.logs[0].text, new RegExp(`cut from 300 to ${stored.length} items`));
			assert.ok(!result.logs[0].text.includes("same@example.com"));
		} finally {
			await many.close();
		}
	});
});

describe("flows made with the original extension", () => {
	test("a Handover To Agent node without the API field keeps using Chat API v2", async () => {
		const original = {
			connection: oauthConnection(sim),
			handoverAcceptMessage: "Connecting you now.",
			channelId: "25",
			language: "en",
			name: "Cognigy User",
			email: "user@cognigy.com",
			company: "External",
			storeLocation: "input",
			inputKey: "livechat",
			contextKey: "livechat",
		};
		const result = await executeNode("handoverToEightByEight", original, { input: cognigyInput() });
		assert.equal(result.exit, "onHandover");
		assert.equal(result.input.livechat.api, "chatApiV2");
		assert.equal(sim.received("v2.conversations").length, 1);
		assert.equal(sim.received("gateway.conversations").length, 0);
		assert.deepEqual(result.said, ["Connecting you now."]);
		const options = await resolveOptions("handoverToEightByEight", "channelId", { connection: oauthConnection(sim) });
		assert.equal(options.length, 120);
		assert.ok(sim.received("v2.channels").length > 0);
	});
});
