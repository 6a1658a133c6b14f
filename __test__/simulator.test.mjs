// The simulator itself: it must refuse what 8x8 refuses, or the suites that rely on it could not
// fail. Plain fetch requests, no addon.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";

import { startSimulator } from "./simulator/index.mjs";

let sim;
let token;
before(async () => {
	sim = await startSimulator({ maxPageSize: 50 });
	const reply = await fetch(`${sim.url}/oauth/v2/token`, {
		method: "POST",
		headers: {
			authorization: `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString("base64")}`,
			"content-type": "application/x-www-form-urlencoded",
		},
		body: "grant_type=client_credentials",
	});
	const body = await reply.json();
	assert.equal(reply.status, 200);
	assert.equal(typeof body.expires_in, "string", "8x8 sends expires_in as a string");
	assert.equal(body.token_type, "BearerToken");
	token = body.access_token;
});
after(() => sim.close());
beforeEach(() => sim.reset());

const v2 = (path) => `${sim.url}/vcc/eu/chat/v2/tenant/${sim.tenant}${path}`;
const gw = (path) => `${sim.url}/chat-gateway/v1${path}`;
const post = (url, body, headers) =>
	fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const bearer = () => ({ authorization: `Bearer ${token}` });
const apiKey = () => ({ "x-api-key": sim.apiKey, "x-8x8-tenant": sim.tenant });

describe("OAuth token", () => {
	test("refuses a wrong secret with 401 and the OAuth problem shape", async () => {
		const reply = await fetch(`${sim.url}/oauth/v2/token`, {
			method: "POST",
			headers: { authorization: `Basic ${Buffer.from(`${sim.apiKey}:nope`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
			body: "grant_type=client_credentials",
		});
		assert.equal(reply.status, 401);
		assert.deepEqual(Object.keys(await reply.json()), ["ErrorCode", "Error"]);
	});

	test("refuses another grant type with 400", async () => {
		const reply = await fetch(`${sim.url}/oauth/v2/token`, {
			method: "POST",
			headers: { authorization: `Basic ${Buffer.from(`${sim.apiKey}:${sim.apiSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
			body: "grant_type=password",
		});
		assert.equal(reply.status, 400);
		assert.equal((await reply.json()).ErrorCode, "invalid_request");
	});
});

describe("Chat API v2 rules", () => {
	test("channels are paged with pageIndex and pageCount", async () => {
		const reply = await fetch(v2("/channels?page=2&size=100"), { headers: bearer() });
		const body = await reply.json();
		assert.equal(body.data.length, 20);
		assert.deepEqual(body.page, { pageSize: 50, pageIndex: 2, elementCount: 120, pageCount: 3 });
		assert.deepEqual(Object.keys(body.data[0]).sort(), ["id", "name", "routingOptions", "webHookId"]);
	});

	test("a bad token is 401 with Apigee's fault; an unknown region 404; another tenant 403", async () => {
		let reply = await fetch(v2("/channels"), { headers: { authorization: "Bearer forged" } });
		assert.equal(reply.status, 401);
		assert.equal((await reply.json()).fault.faultstring, "Invalid Access Token");
		reply = await fetch(`${sim.url}/vcc/uk/chat/v2/tenant/${sim.tenant}/channels`, { headers: bearer() });
		assert.equal(reply.status, 404);
		reply = await fetch(`${sim.url}/vcc/eu/chat/v2/tenant/other/channels`, { headers: bearer() });
		assert.equal(reply.status, 403);
	});

	const violations = [
		["no channelId", { customer: {} }, /channelId/],
		["201 history messages", { channelId: "25", history: { messages: Array.from({ length: 201 }, () => ({ type: "user", text: "x" })) } }, /at most 200/],
		["a history item without text", { channelId: "25", history: { messages: [{ type: "user" }] } }, /text/],
		["the Gateway role key", { channelId: "25", history: { messages: [{ authorType: "user", text: "x" }] } }, /authorType/],
		["an unknown role", { channelId: "25", history: { messages: [{ type: "agent", text: "x" }] } }, /Invalid type=agent/],
		["a non-string customer value", { channelId: "25", customer: { age: 3 } }, /customer\.age/],
		["31 customer properties", { channelId: "25", customer: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"])) }, /at most 30/],
		["an unknown language", { channelId: "25", customer: { language: "xx" } }, /language/],
		["history without messages", { channelId: "25", history: {} }, /history\.messages/],
	];
	for (const [name, body, error] of violations) {
		test(`refuses ${name} with 400 Constraint Violation`, async () => {
			const reply = await post(v2("/conversations"), body, bearer());
			assert.equal(reply.status, 400);
			const problem = await reply.json();
			assert.equal(problem.message, "Constraint Violation");
			assert.match(problem.errors.join("\n"), error);
			assert.equal(sim.conversations.length, 0);
		});
	}

	test("the same Idempotency-Key returns the same conversation once", async () => {
		const key = "a0f04570-d330-11ea-87d0-0242ac130003";
		const first = await (await post(v2("/conversations"), { channelId: "25" }, { ...bearer(), "idempotency-key": key })).json();
		const again = await post(v2("/conversations"), { channelId: "25" }, { ...bearer(), "idempotency-key": key });
		assert.equal(again.status, 202);
		assert.deepEqual(await again.json(), first);
		assert.equal(sim.conversations.length, 1);
	});
});

describe("Chat Gateway rules", () => {
	test("channels are paged in HAL form with totalPages", async () => {
		const body = await (await fetch(gw("/channels?page=0&size=10"), { headers: apiKey() })).json();
		assert.equal(body._embedded.channels.length, 10);
		assert.deepEqual(body.page, { size: 10, number: 0, totalElements: 120, totalPages: 12 });
		assert.equal(body._embedded.channels[0].type, "ChatAPI");
	});

	test("a wrong key is 401 Access Denied; a foreign tenant 403", async () => {
		let reply = await fetch(gw("/channels"), { headers: { "x-api-key": "nope" } });
		assert.equal(reply.status, 401);
		assert.equal((await reply.json()).errors[0].code, "access_denied");
		reply = await fetch(gw("/channels"), { headers: { ...apiKey(), "x-8x8-tenant": "other" } });
		assert.equal(reply.status, 403);
	});

	const violations = [
		["no user", { channelId: "25" }, /user is required/],
		["a history item without authorType", { channelId: "25", user: {}, history: { messages: [{ text: "x" }] } }, /authorType/],
		["the Chat API v2 role key", { channelId: "25", user: {}, history: { messages: [{ authorType: "user", type: "user", text: "x" }] } }, /\.type/],
		["31 additional properties", { channelId: "25", user: { additionalProperties: Array.from({ length: 31 }, (_, i) => ({ key: `k${i}`, value: "v" })) } }, /at most 30/],
		["a non-string additional value", { channelId: "25", user: { additionalProperties: [{ key: "k", value: 1 }] } }, /additionalProperties\[0\]/],
		["an assignment of another type", { channelId: "25", user: {}, assignment: { type: "agent", id: "1" } }, /assignment\.type/],
		["an unknown queue", { channelId: "25", user: {}, assignment: { type: "queue", id: "999" } }, /Queue ID 999/],
		["201 history messages", { channelId: "25", user: {}, history: { messages: Array.from({ length: 201 }, () => ({ authorType: "user", text: "x" })) } }, /at most 200/],
	];
	for (const [name, body, error] of violations) {
		test(`refuses ${name} with 400`, async () => {
			const reply = await post(gw("/conversations"), body, apiKey());
			assert.equal(reply.status, 400);
			const problem = await reply.json();
			assert.match(problem.errors.map((e) => e.message).join("\n"), error);
			assert.equal(sim.conversations.length, 0);
		});
	}
});

describe("WAPI rules", () => {
	const wapi = (xml) =>
		fetch(`${sim.url}/WAPI/wapi.php`, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ xml_query: xml }),
		});
	const login = () => `<TENANT>${sim.crm.tenant}</TENANT><USERNAME>${sim.crm.username}</USERNAME><PASSWORD>${sim.crm.password}</PASSWORD>`;

	test("unescaped values make the query corrupt: 302 in an HTTP 200, Latin-1 declared", async () => {
		const reply = await wapi(`<WAPI>${login()}<COMMAND OBJECT="Customer" ACTION="GET"><EMAIL>a</EMAIL><b@x.com</EMAIL></COMMAND></WAPI>`);
		assert.equal(reply.status, 200);
		const text = Buffer.from(await reply.arrayBuffer()).toString("latin1");
		assert.match(text, /^<\?xml version="1.0" encoding="ISO-8859-1"\?>/);
		assert.match(text, /STATUS="302"/);
	});

	test("a wrong password is 303 and a command without tags -1 / 7", async () => {
		let text = await (await wapi(`<WAPI><TENANT>${sim.crm.tenant}</TENANT><USERNAME>${sim.crm.username}</USERNAME><PASSWORD>x</PASSWORD><COMMAND OBJECT="Customer" ACTION="GET"><EMAIL>a@b.co</EMAIL></COMMAND></WAPI>`)).text();
		assert.match(text, /<REPLY STATUS="303" ERROR_STR="Invalid login parameters." ERROR_CODE="0"\/>/);
		text = await (await wapi(`<WAPI>${login()}<COMMAND OBJECT="Customer" ACTION="GET"></COMMAND></WAPI>`)).text();
		assert.match(text, /STATUS="-1"[^>]*ERROR_CODE="7"/);
	});

	test("not found is STATUS 0 with an empty data element", async () => {
		const text = await (await wapi(`<WAPI>${login()}<COMMAND OBJECT="Customer" ACTION="GET"><EMAIL>no@body.com</EMAIL></COMMAND></WAPI>`)).text();
		assert.match(text, /<REPLY STATUS="0" ERROR_STR="" ERROR_CODE="0">\s*<data \/>\s*<\/REPLY>/);
	});
});
