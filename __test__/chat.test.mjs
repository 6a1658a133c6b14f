// Chat handover through the built addon against the 8x8 simulator: both APIs, what 8x8 receives,
// the token cache, and the retry rules that keep one handover to one conversation.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";

import { loadLibrary, oauthConnection, rejection } from "./helpers.mjs";
import { startSimulator } from "./simulator/index.mjs";

const library = loadLibrary();

const transcript = [
	{ type: "user", text: "I would like my balance please" },
	{ source: "bot", text: "Sure, what is your account number?" },
	{ role: "user", text: "" },
	{ authorType: "agent", text: "Hello, I am Sam" },
];

let sim;
before(async () => {
	sim = await startSimulator();
});
after(() => sim.close());
beforeEach(() => sim.reset());

function handover(extra = {}) {
	return {
		connection: oauthConnection(sim),
		baseUrl: sim.url,
		channelId: "25",
		customer: { name: "Jane Doe", email: "jane.doe@example.com", company: "Acme", language: "de" },
		session: { userId: "user-1", sessionId: "session-1", urlToken: "url-token-1" },
		transcript,
		...extra,
	};
}

describe("Chat Gateway", () => {
	test("listChannels reads every page with the API key and tenant headers", async () => {
		const channels = await library.listChannels(oauthConnection(sim), { baseUrl: sim.url });
		assert.equal(channels.length, 120);
		assert.deepEqual(channels[0], { id: "25", name: "Channel 1", queueId: "101" });
		assert.deepEqual(new Set(channels.map((c) => c.id)).size, 120);
		const pages = sim.received("gateway.channels");
		assert.deepEqual(
			pages.map((r) => r.query),
			[0, 1, 2].map((page) => ({ page: String(page), size: "100" })),
		);
		for (const request of pages) {
			assert.equal(request.headers["x-api-key"], sim.apiKey);
			assert.equal(request.headers["x-8x8-tenant"], sim.tenant);
			assert.equal(request.headers.authorization, undefined);
		}
		assert.equal(sim.received("token").length, 0, "Chat Gateway needs no OAuth token");
	});

	test("createConversation sends user, assignment and authorType history and resolves on 202", async () => {
		const conversation = await library.createConversation(handover({ queueId: "103" }));
		const [request] = sim.received("gateway.conversations");
		assert.equal(request.status, 202);
		assert.equal(request.headers["content-type"], "application/json");
		assert.equal(request.headers["x-api-key"], sim.apiKey);
		assert.deepEqual(request.json, {
			channelId: "25",
			user: {
				name: "Jane Doe",
				email: "jane.doe@example.com",
				company: "Acme",
				language: "de",
				additionalProperties: [
					{ key: "cognigyUserId", value: "user-1" },
					{ key: "cognigySessionId", value: "session-1" },
					{ key: "cognigyURLToken", value: "url-token-1" },
				],
			},
			assignment: { type: "queue", id: "103" },
			history: {
				messages: [
					{ authorType: "user", text: "I would like my balance please" },
					{ authorType: "bot", text: "Sure, what is your account number?" },
					{ authorType: "bot", text: "Hello, I am Sam" },
				],
			},
		});
		assert.equal(sim.conversations.length, 1);
		assert.equal(conversation.conversationId, sim.conversations[0].id);
		assert.equal(conversation.api, "chatGateway");
		assert.equal(conversation.channelId, "25");
		assert.equal(conversation.messagesSent, 3);
		assert.equal(conversation.messagesDropped, 1);
		assert.equal(conversation.timestamp, sim.conversations[0].at);
		assert.equal(conversation.createdAt, new Date(sim.conversations[0].at).toISOString());
	});

	test("a wrong API key is AUTH_FAILED with 8x8's status and no secret in the message", async () => {
		const err = await rejection(
			library.createConversation(handover({ connection: oauthConnection(sim, { username: "eght_wrong_key_99" }) })),
		);
		assert.equal(err.code, "AUTH_FAILED");
		assert.equal(err.status, 401);
		assert.match(err.message, /Access Denied/);
		assert.doesNotMatch(err.message, /eght_wrong_key_99/);
		assert.equal(sim.conversations.length, 0);
	});

	test("an unknown channel or queue is 8x8's 400, reported as INVALID_INPUT", async () => {
		let err = await rejection(library.createConversation(handover({ channelId: "9999" })));
		assert.equal(err.code, "INVALID_INPUT");
		assert.equal(err.status, 400);
		assert.match(err.message, /Channel ID 9999 is invalid/);
		err = await rejection(library.createConversation(handover({ queueId: "555" })));
		assert.equal(err.status, 400);
		assert.match(err.message, /invalid_queue|Queue ID 555/);
		assert.equal(sim.conversations.length, 0);
	});

	test("429 with Retry-After, then success, makes exactly one conversation", async () => {
		sim.fail("gateway.conversations", { status: 429, retryAfter: 0 });
		const conversation = await library.createConversation(handover());
		assert.equal(sim.received("gateway.conversations").length, 2);
		assert.equal(sim.conversations.length, 1);
		assert.equal(conversation.conversationId, sim.conversations[0].id);
	});

	test("a 502 after 8x8 took the request is not retried: one conversation, UPSTREAM_ERROR", async () => {
		sim.fail("gateway.conversations", { status: 502, process: true });
		const err = await rejection(library.createConversation(handover()));
		assert.equal(err.code, "UPSTREAM_ERROR");
		assert.equal(err.status, 502);
		assert.equal(sim.received("gateway.conversations").length, 1);
		assert.equal(sim.conversations.length, 1);
	});

	test("a connection reset after sending is NETWORK and not retried", async () => {
		sim.fail("gateway.conversations", { kind: "reset", process: true });
		const err = await rejection(library.createConversation(handover()));
		assert.equal(err.code, "NETWORK");
		assert.equal(sim.received("gateway.conversations").length, 1);
		assert.equal(sim.conversations.length, 1);
	});

	test("a 202 whose body is cut short is PROTOCOL, says the chat may exist, and is not retried", async () => {
		sim.fail("gateway.conversations", { kind: "truncated", process: true });
		const err = await rejection(library.createConversation(handover()));
		assert.equal(err.code, "PROTOCOL");
		assert.equal(err.status, 202);
		assert.match(err.message, /Agent Desktop/);
		assert.equal(sim.received("gateway.conversations").length, 1);
	});
});

describe("Chat API v2", () => {
	const v2 = (extra = {}) => handover({ api: "chatApiV2", ...extra });

	test("listChannels gets a token with Basic auth, then reads every page with the bearer token", async () => {
		const fresh = await startSimulator({ maxPageSize: 40 });
		try {
			const channels = await library.listChannels(oauthConnection(fresh), { api: "chatApiV2", baseUrl: fresh.url });
			assert.equal(channels.length, 120);
			assert.deepEqual(channels.at(-1), { id: "144", name: "Channel 120", queueId: "101" });
			const [token] = fresh.received("token");
			assert.equal(token.headers.authorization, `Basic ${Buffer.from(`${fresh.apiKey}:${fresh.apiSecret}`).toString("base64")}`);
			assert.equal(token.headers["content-type"], "application/x-www-form-urlencoded");
			assert.deepEqual(token.form, { grant_type: "client_credentials" });
			const pages = fresh.received("v2.channels");
			assert.deepEqual(pages.map((r) => r.path), Array(3).fill(`/vcc/eu/chat/v2/tenant/${fresh.tenant}/channels`));
			assert.deepEqual(pages.map((r) => r.query.page), ["0", "1", "2"]);
			for (const page of pages) assert.match(page.headers.authorization, /^Bearer sim-token-/);
			assert.equal(fresh.received("token").length, 1, "one token for all pages");
		} finally {
			await fresh.close();
		}
	});

	test("createConversation sends customer with the Cognigy ids, type history and an Idempotency-Key", async () => {
		const conversation = await library.createConversation(v2({ customer: { name: "Jane Doe", phone: "+49301234", customerId: "c-77", caseId: "case-1", properties: { plan: "gold" } } }));
		const [request] = sim.received("v2.conversations");
		assert.equal(request.status, 202);
		assert.equal(request.path, `/vcc/eu/chat/v2/tenant/${sim.tenant}/conversations`);
		assert.match(request.headers["idempotency-key"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.deepEqual(request.json, {
			channelId: "25",
			customer: {
				name: "Jane Doe",
				customerId: "c-77",
				caseId: "case-1",
				phone: "+49301234",
				cognigyUserId: "user-1",
				cognigySessionId: "session-1",
				cognigyURLToken: "url-token-1",
				plan: "gold",
			},
			history: {
				messages: [
					{ type: "user", text: "I would like my balance please" },
					{ type: "bot", text: "Sure, what is your account number?" },
					{ type: "bot", text: "Hello, I am Sam" },
				],
			},
		});
		assert.equal(conversation.api, "chatApiV2");
		assert.equal(conversation.conversationId, sim.conversations[0].id);
		assert.equal(conversation.timestamp, sim.conversations[0].at);
	});

	test("100 concurrent handovers share one token request", async () => {
		const fresh = await startSimulator();
		try {
			const options = { ...v2(), connection: oauthConnection(fresh), baseUrl: fresh.url };
			const results = await Promise.all(Array.from({ length: 100 }, () => library.createConversation(options)));
			assert.equal(fresh.received("token").length, 1);
			assert.equal(fresh.conversations.length, 100);
			assert.equal(new Set(results.map((r) => r.conversationId)).size, 100);
			const keys = new Set(fresh.received("v2.conversations").map((r) => r.headers["idempotency-key"]));
			assert.equal(keys.size, 100, "each handover has its own idempotency key");
		} finally {
			await fresh.close();
		}
	});

	test("an expired token is refreshed once and the handover goes through", async () => {
		await library.createConversation(v2());
		const tokensBefore = sim.received("token").length;
		sim.expireTokens();
		const conversation = await library.createConversation(v2());
		assert.equal(sim.received("token").length, tokensBefore + 1);
		const attempts = sim.received("v2.conversations").slice(1);
		assert.deepEqual(attempts.map((r) => r.status), [401, 202]);
		assert.equal(attempts[0].headers["idempotency-key"], attempts[1].headers["idempotency-key"]);
		assert.notEqual(attempts[0].headers.authorization, attempts[1].headers.authorization);
		assert.equal(sim.conversations.length, 2);
		assert.equal(conversation.conversationId, sim.conversations[1].id);
	});

	test("429 then success makes exactly one conversation", async () => {
		sim.fail("v2.conversations", { status: 429, retryAfter: 0 });
		await library.createConversation(v2());
		assert.deepEqual(sim.received("v2.conversations").map((r) => r.status), [429, 202]);
		assert.equal(sim.conversations.length, 1);
	});

	test("a lost 502 reply is retried with the same Idempotency-Key and still makes one conversation", async () => {
		sim.fail("v2.conversations", { status: 502, process: true });
		const conversation = await library.createConversation(v2());
		const attempts = sim.received("v2.conversations");
		assert.equal(attempts.length, 2);
		assert.equal(attempts[0].headers["idempotency-key"], attempts[1].headers["idempotency-key"]);
		assert.equal(sim.conversations.length, 1);
		assert.equal(conversation.conversationId, sim.conversations[0].id);
	});

	test("a wrong secret is AUTH_FAILED at the token call and nothing is created", async () => {
		const err = await rejection(library.createConversation(v2({ connection: oauthConnection(sim, { password: "not-the-secret" }) })));
		assert.equal(err.code, "AUTH_FAILED");
		assert.equal(err.status, 401);
		assert.doesNotMatch(err.message, /not-the-secret/);
		assert.equal(sim.received("v2.conversations").length, 0);
	});

	test("an unknown channel is 8x8's 404, NOT_FOUND", async () => {
		const err = await rejection(library.createConversation(v2({ channelId: "4242" })));
		assert.equal(err.code, "NOT_FOUND");
		assert.equal(err.status, 404);
	});

	test("queueId is refused on Chat API v2 before anything is sent", async () => {
		const err = await rejection(library.createConversation(v2({ queueId: "101" })));
		assert.equal(err.code, "INVALID_INPUT");
		assert.match(err.message, /queueId/);
		assert.equal(sim.requests.length, 0);
	});
});

describe("the transcript", () => {
	test("only the latest messages are sent, at most 200, oldest first", async () => {
		const long = Array.from({ length: 450 }, (_, i) => ({ type: i % 2 ? "bot" : "user", text: `m${i}` }));
		let conversation = await library.createConversation(handover({ transcript: long }));
		let messages = sim.received("gateway.conversations")[0].json.history.messages;
		assert.equal(messages.length, 200);
		assert.deepEqual(messages[0], { authorType: "user", text: "m250" });
		assert.deepEqual(messages.at(-1), { authorType: "bot", text: "m449" });
		assert.equal(conversation.messagesSent, 200);

		conversation = await library.createConversation(handover({ transcript: long, maxMessages: 5, api: "chatApiV2" }));
		messages = sim.received("v2.conversations")[0].json.history.messages;
		assert.deepEqual(messages.map((m) => m.text), ["m445", "m446", "m447", "m448", "m449"]);
	});

	test("no transcript sends no history on Chat Gateway and an empty one on Chat API v2", async () => {
		await library.createConversation(handover({ transcript: undefined }));
		assert.equal(sim.received("gateway.conversations")[0].json.history, undefined);
		await library.createConversation(handover({ transcript: null, api: "chatApiV2" }));
		assert.deepEqual(sim.received("v2.conversations")[0].json.history, { messages: [] });
	});
});

describe("validation before any request", () => {
	const cases = [
		["region us/../x", () => library.listChannels(oauthConnection(sim, { region: "us/../x" }), { api: "chatApiV2", baseUrl: sim.url }), /connection\.region/],
		["tenant with a slash", () => library.createConversation(handover({ connection: oauthConnection(sim, { tenant: "acme/../other" }) })), /connection\.tenant/],
		["missing API key", () => library.listChannels(oauthConnection(sim, { username: "" }), { baseUrl: sim.url }), /connection\.username/],
		["missing secret on v2", () => library.createConversation(handover({ api: "chatApiV2", connection: oauthConnection(sim, { password: undefined }) })), /connection\.password/],
		["channel id with a path", () => library.createConversation(handover({ channelId: "25/../26" })), /channelId/],
		["missing channel id", () => library.createConversation(handover({ channelId: undefined })), /channelId/],
		["unknown language", () => library.createConversation(handover({ customer: { language: "tlh" } })), /customer\.language/],
		["bad customer email", () => library.createConversation(handover({ customer: { email: "jane" } })), /customer\.email/],
		["31 customer values", () => library.createConversation(handover({ customer: { name: "J", properties: Object.fromEntries(Array.from({ length: 27 }, (_, i) => [`k${i}`, "v"])) } })), /at most 30/],
		["a number as a property value", () => library.createConversation(handover({ customer: { properties: { plan: 3 } } })), /customer\.properties\.plan/],
		["a transcript that is not an array", () => library.createConversation(handover({ transcript: "hello" })), /transcript/],
		["maxMessages 201", () => library.createConversation(handover({ maxMessages: 201 })), /maxMessages/],
		["unknown api", () => library.createConversation(handover({ api: "chatApiV3" })), /api/],
		["a remote baseUrl", () => library.listChannels(oauthConnection(sim), { baseUrl: "http://example.com" }), /baseUrl/],
		["no options", () => library.createConversation(), /options/],
		["a tenant of the wrong type", () => library.createConversation(handover({ connection: { ...oauthConnection(sim), tenant: 7 } })), /connection\.tenant/],
		["timeoutMs 0", () => library.listChannels(oauthConnection(sim), { baseUrl: sim.url, timeoutMs: 0 }), /timeoutMs/],
	];
	for (const [name, call, field] of cases) {
		test(`${name}: INVALID_INPUT naming the field, nothing sent`, async () => {
			const err = await rejection(call());
			assert.equal(err.code, "INVALID_INPUT");
			assert.equal(err.status, undefined);
			assert.match(err.message, field);
			assert.doesNotMatch(err.message, new RegExp(sim.apiSecret));
			assert.equal(sim.requests.length, 0);
		});
	}
});

describe("the deadline", () => {
	test("a server that never answers gives TIMEOUT within the deadline", async () => {
		sim.fail("gateway.conversations", { kind: "hang" });
		const started = performance.now();
		const err = await rejection(library.createConversation(handover({ timeoutMs: 600 })));
		const elapsed = performance.now() - started;
		assert.equal(err.code, "TIMEOUT");
		assert.match(err.message, /600 ms/);
		assert.ok(elapsed >= 550 && elapsed < 1500, `took ${elapsed} ms`);
	});

	test("a body that never ends gives TIMEOUT", async () => {
		sim.fail("gateway.channels", { kind: "endless" });
		const err = await rejection(library.listChannels(oauthConnection(sim), { baseUrl: sim.url, timeoutMs: 500 }));
		assert.equal(err.code, "TIMEOUT");
	});

	test("a Retry-After longer than the time left ends with RATE_LIMITED at once", async () => {
		sim.fail("gateway.channels", { status: 429, retryAfter: 30 });
		const started = performance.now();
		const err = await rejection(library.listChannels(oauthConnection(sim), { baseUrl: sim.url, timeoutMs: 2000 }));
		assert.equal(err.code, "RATE_LIMITED");
		assert.equal(err.status, 429);
		assert.ok(performance.now() - started < 1000);
		assert.equal(sim.received("gateway.channels").length, 1);
	});

	test("reads are retried on 503 with backoff until they succeed", async () => {
		sim.fail("gateway.channels", { status: 503 }, 2);
		const channels = await library.listChannels(oauthConnection(sim), { baseUrl: sim.url });
		assert.equal(channels.length, 120);
		assert.deepEqual(sim.received("gateway.channels").map((r) => r.status), [503, 503, 200, 200, 200]);
		const [first, second, third] = sim.received("gateway.channels");
		assert.ok(second.at - first.at >= 100, "backoff before the first retry");
		assert.ok(third.at - second.at >= 200, "longer backoff before the second retry");
	});

	test("replies over 1 MiB are refused as PROTOCOL", async () => {
		sim.fail("gateway.channels", { kind: "oversized" });
		const err = await rejection(library.listChannels(oauthConnection(sim), { baseUrl: sim.url }));
		assert.equal(err.code, "PROTOCOL");
		assert.match(err.message, /larger than 1048576 bytes/);
	});

	test("a non-JSON success body is PROTOCOL", async () => {
		sim.fail("gateway.channels", { kind: "notJson" });
		const err = await rejection(library.listChannels(oauthConnection(sim), { baseUrl: sim.url }));
		assert.equal(err.code, "PROTOCOL");
		assert.equal(err.status, 200);
	});

	test("nothing listening is NETWORK", async () => {
		const err = await rejection(library.listChannels(oauthConnection(sim), { baseUrl: "http://127.0.0.1:9", timeoutMs: 3000 }));
		assert.equal(err.code, "NETWORK");
		assert.match(err.message, /could not connect to 127\.0\.0\.1:9/);
	});
});

describe("secrets and personal data", () => {
	test("8x8 error texts that quote the request are redacted: no key, secret, token, email, name or phone", async () => {
		const customer = { name: "Jane Doe", email: "jane.doe@example.com", phone: "+49301234567" };
		const messages = [];
		for (const api of ["chatGateway", "chatApiV2"]) {
			const route = api === "chatGateway" ? "gateway.conversations" : "v2.conversations";
			for (const status of [400, 403, 404, 500]) {
				sim.fail(route, { status, echo: true });
				const err = await rejection(library.createConversation(handover({ api, customer })));
				assert.equal(err.status, status);
				assert.match(err.message, /rejected: /, "8x8's explanation is quoted");
				messages.push(err.message);
			}
		}
		sim.fail("token", { status: 401, echo: true });
		sim.expireTokens();
		messages.push((await rejection(library.createConversation(handover({ api: "chatApiV2", customer })))).message);
		const basic = Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString("base64");
		const secrets = [sim.apiKey, sim.apiSecret, basic, ...sim.tokens.keys(), customer.email, customer.name, customer.phone, "user-1", "session-1", "url-token-1"];
		for (const message of messages) {
			for (const secret of secrets) assert.ok(!message.includes(secret), `${message} holds a secret`);
			assert.match(message, /\[redacted\]/);
		}
	});
});
