// The fault matrix: every operation against every way the 8x8 simulator can misbehave, each cell
// with its stated outcome (error code, attempts 8x8 saw, conversations created), and no secret or
// personal data in any message. No cell may create two conversations.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, beforeEach, describe, test } from "node:test";

import { executeNode } from "./cognigy.mjs";
import { crmConnection, loadLibrary, oauthConnection, rejection } from "./helpers.mjs";
import { startSimulator } from "./simulator/index.mjs";

const library = loadLibrary();

/** Budget of every call in the matrix; "slow" answers come after it. */
const TIMEOUT_MS = 2500;
const SLOW_MS = 3000;
/** The policy's attempts for a retried failure (one try and three retries). */
const ALL = 4;

const EMAIL = "l.wilson@cognigy.com";

// Faults, each persistent for the whole cell. A reply that is a success with a broken body means
// 8x8 did the work (`process: true`); an error status or a reset means it did not.
const FAULTS = {
	"latency past the deadline": { kind: "slow", latencyMs: SLOW_MS, process: true },
	"401": { status: 401 },
	"403": { status: 403 },
	"404": { status: 404 },
	"429 with Retry-After": { status: 429, retryAfter: 0 },
	"500": { status: 500 },
	"502": { status: 502 },
	"503": { status: 503 },
	"reset connection": { kind: "reset" },
	"endless body": { kind: "endless", process: true },
	"truncated body": { kind: "truncated", process: true },
	"HTML error page": { kind: "html", status: 502 },
	"broken XML": { kind: "brokenXml", process: true },
	"oversized reply": { kind: "oversized", process: true },
};

// What each fault leads to. `reads` covers the channel lists, the CRM lookup and the token call
// (safe to repeat); `gatewayCreate` never repeats a create 8x8 may have seen; `v2Create` repeats
// with the same Idempotency-Key. `401` on a cached bearer token is refreshed once (2 attempts).
const OUTCOMES = {
	"latency past the deadline": ["TIMEOUT", 1],
	"401": ["AUTH_FAILED", 1],
	"403": ["AUTH_FAILED", 1],
	"404": ["NOT_FOUND", 1],
	"429 with Retry-After": ["RATE_LIMITED", ALL],
	"500": ["UPSTREAM_ERROR", 1],
	"502": ["UPSTREAM_ERROR", ALL],
	"503": ["UPSTREAM_ERROR", ALL],
	"reset connection": ["NETWORK", ALL],
	"endless body": ["TIMEOUT", 1],
	"truncated body": ["PROTOCOL", 1],
	"HTML error page": ["UPSTREAM_ERROR", ALL],
	"broken XML": ["PROTOCOL", 1],
	"oversized reply": ["PROTOCOL", 1],
};

function expected(operation, fault) {
	let [code, attempts] = OUTCOMES[fault];
	const { create, bearer } = operation;
	if (create === "gateway" && ["502", "503", "reset connection", "HTML error page"].includes(fault)) attempts = 1;
	if (bearer && fault === "401") attempts = 2;
	// A create that 8x8 processed exists, whatever the reply looked like; one that was refused does not.
	const processed = create && FAULTS[fault].process === true;
	return { code, attempts, conversations: processed ? 1 : 0 };
}

const OPERATIONS = [
	{
		name: "listChannels on Chat Gateway",
		route: "gateway.channels",
		call: (sim) => library.listChannels(oauthConnection(sim), { baseUrl: sim.url, timeoutMs: TIMEOUT_MS }),
	},
	{
		name: "listChannels on Chat API v2",
		route: "v2.channels",
		bearer: true,
		call: (sim) => library.listChannels(oauthConnection(sim), { api: "chatApiV2", baseUrl: sim.url, timeoutMs: TIMEOUT_MS }),
	},
	{
		name: "createConversation on Chat Gateway",
		route: "gateway.conversations",
		create: "gateway",
		call: (sim) => library.createConversation(handover(sim, "chatGateway")),
	},
	{
		name: "createConversation on Chat API v2",
		route: "v2.conversations",
		create: "v2",
		bearer: true,
		call: (sim) => library.createConversation(handover(sim, "chatApiV2")),
	},
	{
		name: "the OAuth token of a Chat API v2 handover",
		route: "token",
		freshToken: true,
		call: (sim) => library.createConversation(handover(sim, "chatApiV2")),
	},
	{
		name: "getCustomer",
		route: "wapi",
		call: (sim) => library.getCustomer({ connection: crmConnection(sim), email: EMAIL, baseUrl: sim.url, timeoutMs: TIMEOUT_MS }),
	},
];

function handover(sim, api) {
	return {
		connection: oauthConnection(sim),
		api,
		baseUrl: sim.url,
		timeoutMs: TIMEOUT_MS,
		channelId: "25",
		customer: { name: "Jane Doe", email: "jane.doe@example.com", phone: "+49301234567" },
		session: { userId: "user-1", sessionId: "session-1", urlToken: "url-token-1" },
		transcript: [{ type: "user", text: "I need a human" }],
	};
}

function secretsOf(sim) {
	return [
		sim.apiKey,
		sim.apiSecret,
		Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString("base64"),
		...sim.tokens.keys(),
		sim.crm.password,
		EMAIL,
		"jane.doe@example.com",
		"Jane Doe",
		"+49301234567",
		"url-token-1",
	];
}

describe("fault matrix", { concurrency: OPERATIONS.length }, () => {
	for (const operation of OPERATIONS) {
		describe(operation.name, { concurrency: 1 }, () => {
			let sim;
			before(async () => {
				sim = await startSimulator();
			});
			after(() => sim.close());
			beforeEach(async () => {
				sim.reset();
				if (operation.freshToken) {
					// A new address means a new token-cache entry: the token call is made.
					await sim.close();
					sim = await startSimulator();
				} else if (operation.bearer) {
					// Start from a cached token, as a running bot would.
					await library.listChannels(oauthConnection(sim), { api: "chatApiV2", baseUrl: sim.url });
				}
				sim.reset();
			});

			for (const fault of Object.keys(FAULTS)) {
				const outcome = expected(operation, fault);
				test(`${fault}: ${outcome.code}, ${outcome.attempts} attempt(s), ${outcome.conversations} conversation(s)`, async () => {
					sim.fail(operation.route, FAULTS[fault], Infinity);
					const err = await rejection(operation.call(sim));
					assert.equal(err.code, outcome.code, err.message);
					if (FAULTS[fault].kind === "slow") await sleep(SLOW_MS - TIMEOUT_MS + 300);
					assert.equal(sim.received(operation.route).length, outcome.attempts);
					assert.equal(sim.conversations.length, outcome.conversations);
					for (const secret of secretsOf(sim)) {
						assert.ok(!err.message.includes(secret), `the message holds a secret: ${err.message}`);
					}
				});
			}
		});
	}
});

describe("lost replies on creates", () => {
	let sim;
	before(async () => {
		sim = await startSimulator();
	});
	after(() => sim.close());
	beforeEach(() => sim.reset());

	for (const fault of [{ status: 502, process: true }, { kind: "reset", process: true }, { status: 503, process: true }]) {
		const name = fault.kind ?? fault.status;
		test(`Chat API v2, ${name} after 8x8 created it: retried with the same key, one conversation, success`, async () => {
			sim.fail("v2.conversations", fault);
			const conversation = await library.createConversation(handover(sim, "chatApiV2"));
			const attempts = sim.received("v2.conversations");
			assert.equal(attempts.length, 2);
			assert.equal(attempts[0].headers["idempotency-key"], attempts[1].headers["idempotency-key"]);
			assert.equal(sim.conversations.length, 1);
			assert.equal(conversation.conversationId, sim.conversations[0].id);
		});

		test(`Chat Gateway, ${name} after 8x8 created it: not retried, one conversation, an error`, async () => {
			sim.fail("gateway.conversations", fault);
			const err = await rejection(library.createConversation(handover(sim, "chatGateway")));
			assert.ok(["UPSTREAM_ERROR", "NETWORK"].includes(err.code));
			assert.equal(sim.received("gateway.conversations").length, 1);
			assert.equal(sim.conversations.length, 1);
		});
	}
});

// The same faults through the Cognigy nodes: whatever happens, the log line and the stored error
// hold no password, secret, token or customer data, and nothing is said.
const NODES = [
	{ name: "Handover To Agent on Chat Gateway", type: "handoverToEightByEight", route: "gateway.conversations", key: "livechat", api: "chatGateway" },
	{ name: "Handover To Agent on Chat API v2", type: "handoverToEightByEight", route: "v2.conversations", key: "livechat", api: "chatApiV2" },
	{ name: "Get Customer", type: "getCustomer", route: "wapi", key: "customer" },
];

describe("fault matrix through the nodes: no secret in any log line", { concurrency: NODES.length }, () => {
	for (const node of NODES) {
		describe(node.name, { concurrency: 1 }, () => {
			let sim;
			before(async () => {
				sim = await startSimulator();
			});
			after(() => sim.close());
			beforeEach(() => sim.reset());

			for (const fault of Object.keys(FAULTS)) {
				test(fault, async () => {
					sim.fail(node.route, { ...FAULTS[fault], latencyMs: FAULTS[fault].latencyMs && 1500 }, Infinity);
					const config =
						node.type === "getCustomer"
							? { connection: crmConnection(sim), email: EMAIL, timeoutMs: 1000 }
							: {
									connection: oauthConnection(sim),
									api: node.api,
									channelId: "25",
									name: "Jane Doe",
									email: "jane.doe@example.com",
									phone: "+49301234567",
									handoverAcceptMessage: "Connected.",
									timeoutMs: 1000,
								};
					const input = { userId: "user-1", sessionId: "session-1", URLToken: "url-token-1", data: { transcript: [{ type: "user", text: "help" }] } };
					// The groups run side by side, each with its own simulator; a node reads the variable
					// synchronously when it starts, so setting it right before the run is enough.
					process.env.EIGHTBYEIGHT_BASE_URL = sim.url;
					const result = await executeNode(node.type, config, { input });
					assert.match(result.exit, /Error$/);
					assert.deepEqual(result.said, []);
					const stored = JSON.stringify(result.input[node.key]);
					for (const secret of secretsOf(sim)) {
						for (const line of result.logs) assert.ok(!line.text.includes(secret), `log line holds a secret: ${line.text}`);
						assert.ok(!stored.includes(secret), `stored error holds a secret: ${stored}`);
					}
				});
			}
		});
	}
});
