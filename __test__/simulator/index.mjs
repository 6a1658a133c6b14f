// A local 8x8 for the tests, the demo and the benchmark: a real HTTP server on 127.0.0.1 that
// answers the routes eightbyeight calls the way 8x8 documents them (status codes, JSON error
// shapes, WAPI XML in ISO-8859-1), enforces the documented request constraints, records every
// request it receives, and can be told to misbehave per route.
//
// Routes (names used by `fail`, `delay` and `received`):
//   token                  POST /oauth/v2/token
//   v2.channels            GET  /vcc/{region}/chat/v2/tenant/{tenant}/channels
//   v2.conversations       POST /vcc/{region}/chat/v2/tenant/{tenant}/conversations
//   gateway.channels       GET  /chat-gateway/v1/channels
//   gateway.conversations  POST /chat-gateway/v1/conversations
//   wapi                   POST /WAPI/wapi.php
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { XMLParser, XMLValidator } from "fast-xml-parser";

import {
	CUSTOMER_TAGS,
	HISTORY_MAX,
	LANGUAGES,
	PROPERTIES_MAX,
	REGIONS,
	exampleCustomer,
	makeChannels,
} from "./data.mjs";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The error bodies of each API family, as 8x8's OpenAPI files and docs show them. */
const problems = {
	oauth: (status, error) => ({
		status,
		body: { ErrorCode: status === 401 ? "invalid_client" : "invalid_request", Error: error },
	}),
	v2: {
		401: () => ({
			status: 401,
			body: {
				fault: {
					faultstring: "Invalid Access Token",
					detail: { errorcode: "keymanagement.service.invalid_access_token" },
				},
			},
		}),
		403: (tenant) => ({
			status: 403,
			body: {
				message: "The tenant does not belong to customer.",
				errors: [`Tenant ${tenant} does not belong to customer.`],
			},
		}),
		404: (what) => ({
			status: 404,
			body: { message: `Resource of type ${what} was not found.`, errors: [] },
		}),
		400: (errors) => ({ status: 400, body: { message: "Constraint Violation", errors } }),
		500: () => ({
			status: 500,
			body: {
				message: "Could not process this request due to an internal error.",
				errors: [],
				referenceId: randomUUID().slice(0, 15),
			},
		}),
	},
	gateway: {
		401: () => ({
			status: 401,
			body: {
				message: "Access Denied",
				errors: [{ message: "Access Denied", code: "access_denied" }],
				referenceId: randomUUID().slice(0, 15),
			},
		}),
		403: () => ({
			status: 403,
			body: {
				message: "The tenant does not belong to customer.",
				errors: ["Header X-8x8-Tenant doesn't match tenant information for customerId=sim"],
			},
		}),
		404: (what) => ({
			status: 404,
			body: {
				message: "Resource not found",
				errors: [{ code: "resource_not_found", message: `Entity of type ${what} was not found.` }],
			},
		}),
		400: (errors, code = "invalid_parameter") => ({
			status: 400,
			body: {
				message: "Invalid parameter exception.",
				errors: errors.map((message) => ({ code, message })),
				referenceId: randomUUID().slice(0, 15),
			},
		}),
		500: () => ({
			status: 500,
			body: { message: "Internal error.", errors: [{ code: "internal_error", message: "Internal error." }] },
		}),
	},
};

function familyOf(route) {
	if (route === "token") return "oauth";
	if (route.startsWith("v2.")) return "v2";
	if (route === "wapi") return "wapi";
	return "gateway";
}

/** The body 8x8 would send with `status` on `route` (used by status faults). */
function statusProblem(route, status) {
	const family = familyOf(route);
	if (family === "oauth") return problems.oauth(status, status === 401 ? "ClientId is Invalid" : "Request failed");
	if (family === "wapi") return { status, body: `<html><body><h1>${status}</h1></body></html>`, type: "text/html" };
	const shapes = problems[family];
	if (shapes[status]) return shapes[status](status === 400 ? ["rejected by the simulator"] : "Conversation");
	return {
		status,
		body: { message: http.STATUS_CODES[status] ?? "Error", errors: [], referenceId: "sim" },
	};
}

function xmlEscape(value) {
	return String(value)
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;")
		.replaceAll("'", "&apos;");
}

/** A WAPI reply document. 8x8 declares ISO-8859-1, so the bytes are Latin-1. */
function wapiReply(root, { status = "0", code = "0", text = "", items = [] } = {}) {
	const head = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<${root}>\n`;
	const attrs = `STATUS="${xmlEscape(status)}" ERROR_STR="${xmlEscape(text)}" ERROR_CODE="${xmlEscape(code)}"`;
	let reply;
	if (status !== "0") {
		reply = `  <REPLY ${attrs}/>\n`;
	} else if (items.length === 0) {
		reply = `  <REPLY ${attrs}>\n    <data />\n  </REPLY>\n`;
	} else {
		const rendered = items
			.map((item) => {
				const fields = Object.entries(item)
					.map(([tag, value]) => `<${tag}>${xmlEscape(value)}</${tag}>`)
					.join("");
				return `    <ITEM>${fields}</ITEM>\n`;
			})
			.join("");
		reply = `  <REPLY ${attrs}>\n${rendered}  </REPLY>\n`;
	}
	return Buffer.from(`${head}${reply}</${root}>\n`, "latin1");
}

export class Simulator {
	constructor(options = {}) {
		this.apiKey = options.apiKey ?? "eght_sim_key_0001";
		this.apiSecret = options.apiSecret ?? "sim-secret-7d1f";
		this.tenant = options.tenant ?? "acme01";
		this.crm = {
			username: "crmuser",
			password: "crm-pass-5e2c",
			tenant: this.tenant,
			...options.crm,
		};
		/** `WAPI` (8x8's own examples) or `username` (root named after the upper-cased user). */
		this.wapiRoot = options.wapiRoot ?? "WAPI";
		/** The largest page 8x8 hands out, whatever `size` the client asks for. */
		this.maxPageSize = options.maxPageSize ?? 50;
		this.tokenLifetime = options.tokenLifetime ?? "1799";
		this.channels = options.channels ?? makeChannels(120);
		this.customers = options.customers ?? [exampleCustomer()];
		this.requests = [];
		this.conversations = [];
		this.tokens = new Map();
		this.idempotency = new Map();
		this.faults = new Map();
		this.delays = new Map();
		this.sockets = new Set();
		this.timers = new Set();
	}

	async start() {
		this.server = http.createServer((req, res) => this.handle(req, res));
		this.server.on("connection", (socket) => {
			this.sockets.add(socket);
			socket.on("close", () => this.sockets.delete(socket));
		});
		await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
		this.port = this.server.address().port;
		this.url = `http://127.0.0.1:${this.port}`;
		return this;
	}

	async close() {
		for (const timer of this.timers) clearInterval(timer);
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(resolve));
	}

	/**
	 * Makes the next `times` requests to `route` misbehave. A fault is one of:
	 * { status, retryAfter?, process?, echo? }   an HTTP error with 8x8's body for that route
 *                                     (`echo` quotes the request's body and headers in it)
	 * { kind: "reset", process? }         the connection is destroyed without a reply
	 * { kind: "hang" }                    no reply at all
 * { kind: "slow", latencyMs }         the normal answer, late
	 * { kind: "endless", process? }       a 200/202 whose body never ends
	 * { kind: "truncated", process? }     a complete HTTP reply whose JSON/XML is cut short
	 * { kind: "cut", process? }           the connection closes in the middle of the body
	 * { kind: "notJson", process? }       a success status with a plain-text body
	 * { kind: "html", status?, process? } an HTML error page (default 502)
	 * { kind: "brokenXml" }               (wapi) a reply that is not well-formed
	 * { kind: "oversized", process? }     a 2 MiB body
	 * `process: true` lets the route do its work (e.g. create the conversation) before the fault
	 * spoils the reply, like a gateway that loses the answer of a request that went through.
	 * Any fault may add `latencyMs`.
	 */
	fail(route, fault, times = 1) {
		const queue = this.faults.get(route) ?? [];
		queue.push({ ...fault, left: times });
		this.faults.set(route, queue);
		return this;
	}

	/** Adds latency to every request of `route` (`*` for all routes). */
	delay(route, ms) {
		this.delays.set(route, ms);
		return this;
	}

	/** Invalidates every token issued so far, as an expiry on 8x8's side would. */
	expireTokens() {
		for (const token of this.tokens.values()) token.expired = true;
	}

	/** Forgets requests, conversations and faults (tokens stay valid). */
	reset() {
		this.requests = [];
		this.conversations = [];
		this.faults.clear();
		this.delays.clear();
		this.idempotency.clear();
	}

	received(route) {
		return this.requests.filter((r) => r.route === route);
	}

	takeFault(route) {
		const queue = this.faults.get(route);
		if (!queue?.length) return null;
		const fault = queue[0];
		fault.left -= 1;
		if (fault.left <= 0) queue.shift();
		return fault;
	}

	route(method, path) {
		let m;
		if (method === "POST" && path === "/oauth/v2/token") return { route: "token" };
		if ((m = path.match(/^\/vcc\/([^/]+)\/chat\/v2\/tenant\/([^/]+)\/(channels|conversations)$/))) {
			const [, region, tenant, what] = m;
			const expected = what === "channels" ? "GET" : "POST";
			if (method !== expected) return { route: "unknown" };
			return { route: `v2.${what}`, region: decodeURIComponent(region), tenant: decodeURIComponent(tenant) };
		}
		if ((m = path.match(/^\/chat-gateway\/v1\/(channels|conversations)$/))) {
			const expected = m[1] === "channels" ? "GET" : "POST";
			if (method !== expected) return { route: "unknown" };
			return { route: `gateway.${m[1]}` };
		}
		if (method === "POST" && path === "/WAPI/wapi.php") return { route: "wapi" };
		return { route: "unknown" };
	}

	async handle(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const raw = Buffer.concat(chunks).toString("utf8");
		const url = new URL(req.url, this.url);
		const where = this.route(req.method, url.pathname);
		const record = {
			route: where.route,
			method: req.method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			raw,
			at: Date.now(),
		};
		const type = (req.headers["content-type"] ?? "").split(";")[0].trim();
		if (type === "application/json") {
			try {
				record.json = JSON.parse(raw);
			} catch {
				record.json = undefined;
			}
		}
		if (type === "application/x-www-form-urlencoded") record.form = Object.fromEntries(new URLSearchParams(raw));
		this.requests.push(record);

		const latency = this.delays.get(where.route) ?? this.delays.get("*") ?? 0;
		const fault = this.takeFault(where.route) ?? this.takeFault("*");
		record.fault = fault ? (fault.kind ?? `status ${fault.status}`) : null;
		const wait = latency + (fault?.latencyMs ?? 0);
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

		if (fault && !fault.process) return this.misbehave(fault, where.route, null, req, res, record);
		const reply = this.answer(where, req, record);
		if (fault) return this.misbehave(fault, where.route, reply, req, res, record);
		return this.send(res, reply, record);
	}

	send(res, { status, body, type, headers = {} }, record) {
		record.status = status;
		if (body === undefined) {
			res.writeHead(status, headers);
			return res.end();
		}
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
		res.writeHead(status, {
			"content-type": type ?? (status >= 400 ? "application/problem+json" : "application/json"),
			"content-length": bytes.length,
			...headers,
		});
		res.end(bytes);
	}

	misbehave(fault, route, reply, req, res, record) {
		const success = reply && reply.status < 300 ? reply : { status: route.endsWith("conversations") ? 202 : 200, body: {} };
		switch (fault.kind) {
			case undefined: {
				const problem = statusProblem(route, fault.status);
				// Like 8x8's "Invalid authorType=ghfgh" messages, echo what was sent back in the error.
				if (fault.echo && typeof problem.body === "object") {
					problem.body.errors = [`rejected: ${record.raw} ${JSON.stringify(record.headers)}`];
				}
				if (fault.retryAfter !== undefined) problem.headers = { "retry-after": String(fault.retryAfter) };
				return this.send(res, problem, record);
			}
			case "slow":
				return this.send(res, reply ?? success, record);
			case "reset":
				record.status = "reset";
				return req.socket.destroy();
			case "hang":
				record.status = "hang";
				return;
			case "endless": {
				record.status = "endless";
				res.writeHead(success.status, { "content-type": "application/json" });
				res.write('{"data":[');
				const timer = setInterval(() => res.write('{"id":"x","name":"again"},'), 20);
				this.timers.add(timer);
				res.on("close", () => {
					clearInterval(timer);
					this.timers.delete(timer);
				});
				return;
			}
			case "truncated": {
				const whole = Buffer.isBuffer(success.body) ? success.body : Buffer.from(JSON.stringify(success.body));
				const half = whole.subarray(0, Math.max(1, Math.floor(whole.length / 2)));
				return this.send(res, { status: success.status, body: half, type: success.type }, record);
			}
			case "cut": {
				record.status = "cut";
				const whole = Buffer.isBuffer(success.body) ? success.body : Buffer.from(JSON.stringify(success.body));
				res.writeHead(success.status, { "content-type": "application/json", "content-length": whole.length + 100 });
				res.write(whole.subarray(0, Math.floor(whole.length / 2)));
				return setTimeout(() => req.socket.destroy(), 10);
			}
			case "notJson":
				return this.send(res, { status: success.status, body: "OK", type: "text/plain" }, record);
			case "html": {
				const status = fault.status ?? 502;
				const body = `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} ${http.STATUS_CODES[status]}</h1></body></html>`;
				return this.send(res, { status, body, type: "text/html" }, record);
			}
			case "brokenXml":
				return this.send(
					res,
					{ status: 200, body: '<?xml version="1.0"?><WAPI><REPLY STATUS="0"><ITEM><FIRSTNAME>La', type: "text/xml" },
					record,
				);
			case "oversized": {
				const body = route === "wapi" ? `<WAPI>${" ".repeat(2 * 1024 * 1024)}</WAPI>` : `{"pad":"${"x".repeat(2 * 1024 * 1024)}"}`;
				return this.send(res, { status: success.status, body, type: route === "wapi" ? "text/xml" : "application/json" }, record);
			}
			default:
				throw new Error(`unknown fault ${fault.kind}`);
		}
	}

	answer(where, req, record) {
		switch (where.route) {
			case "token":
				return this.token(req, record);
			case "v2.channels":
			case "v2.conversations":
				return this.v2(where, req, record);
			case "gateway.channels":
			case "gateway.conversations":
				return this.gateway(where, req, record);
			case "wapi":
				return this.wapi(record);
			default:
				return { status: 404, body: { message: "Resource not found", errors: [] } };
		}
	}

	token(req, record) {
		const auth = req.headers.authorization ?? "";
		const basic = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : null;
		if (basic !== `${this.apiKey}:${this.apiSecret}`) return problems.oauth(401, "ClientId is Invalid");
		if (record.form?.grant_type !== "client_credentials") {
			return problems.oauth(400, `Unsupported grant type : ${record.form?.grant_type ?? ""}`);
		}
		const token = `sim-token-${randomUUID()}`;
		this.tokens.set(token, { expired: false });
		return {
			status: 200,
			body: {
				refresh_token_expires_in: "0",
				api_product_list: "[vcc, chat-gateway]",
				api_product_list_json: ["vcc", "chat-gateway"],
				organization_name: "8x8gateway",
				token_type: "BearerToken",
				issued_at: String(Date.now()),
				client_id: "deprecated",
				access_token: token,
				application_name: randomUUID(),
				scope: "",
				expires_in: this.tokenLifetime,
				refresh_count: "0",
				status: "approved",
			},
		};
	}

	page(query, keys) {
		const page = query.page === undefined ? 0 : Number(query.page);
		const size = query.size === undefined ? 20 : Number(query.size);
		if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1) return null;
		const effective = Math.min(size, this.maxPageSize);
		const items = this.channels.slice(page * effective, (page + 1) * effective);
		const pages = Math.ceil(this.channels.length / effective);
		return {
			items,
			page: {
				[keys[0]]: effective,
				[keys[1]]: page,
				[keys[2]]: this.channels.length,
				[keys[3]]: pages,
			},
		};
	}

	v2(where, req, record) {
		if (!REGIONS.includes(where.region)) return problems.v2[404]("Region");
		const auth = req.headers.authorization ?? "";
		const token = auth.startsWith("Bearer ") ? this.tokens.get(auth.slice(7)) : undefined;
		if (!token || token.expired) return problems.v2[401]();
		if (where.tenant !== this.tenant) return problems.v2[403](where.tenant);
		if (where.route === "v2.channels") {
			const paged = this.page(record.query, ["pageSize", "pageIndex", "elementCount", "pageCount"]);
			if (!paged) return problems.v2[400](["page: must be a whole number", "size: must be a whole number"]);
			return { status: 200, body: { data: paged.items.map(({ type, ...v2 }) => v2), page: paged.page } };
		}
		const key = req.headers["idempotency-key"];
		if (key !== undefined && !UUID.test(key)) return problems.v2[400](["Idempotency-Key: must be a UUID"]);
		if (key !== undefined && this.idempotency.has(key)) return this.idempotency.get(key);
		const errors = this.checkV2Body(record);
		if (errors.length) return problems.v2[400](errors);
		if (!this.channels.some((c) => c.id === record.json.channelId)) {
			return problems.v2[404](`Channel with id ${record.json.channelId}`);
		}
		const conversation = { id: `sim-${randomUUID()}`, api: "chatApiV2", body: record.json, at: Date.now() };
		this.conversations.push(conversation);
		const reply = { status: 202, body: { conversationId: conversation.id, timestamp: conversation.at } };
		if (key !== undefined) this.idempotency.set(key, reply);
		return reply;
	}

	/** `CreateTransactionRequest` of Chat API v2. */
	checkV2Body(record) {
		const errors = [];
		if ((record.headers["content-type"] ?? "").split(";")[0] !== "application/json") {
			return ["Content-Type: must be application/json"];
		}
		const body = record.json;
		if (!isObject(body)) return ["body: must be a JSON object"];
		if (typeof body.channelId !== "string" || body.channelId === "") errors.push("channelId: May not be empty.");
		if (body.customer !== undefined) {
			if (!isObject(body.customer)) errors.push("customer: must be an object");
			else {
				const entries = Object.entries(body.customer);
				if (entries.length > PROPERTIES_MAX) errors.push(`customer: must have at most ${PROPERTIES_MAX} properties`);
				for (const [key, value] of entries) {
					if (typeof value !== "string") errors.push(`customer.${key}: must be a string`);
				}
				checkCommonCustomer(body.customer, "customer", errors);
			}
		}
		if (body.history !== undefined) checkHistory(body.history, "type", "authorType", errors);
		return errors;
	}

	gateway(where, req, record) {
		if (req.headers["x-api-key"] !== this.apiKey) return problems.gateway[401]();
		const tenant = req.headers["x-8x8-tenant"];
		if (tenant !== undefined && tenant !== this.tenant) return problems.gateway[403]();
		if (where.route === "gateway.channels") {
			const paged = this.page(record.query, ["size", "number", "totalElements", "totalPages"]);
			if (!paged) return problems.gateway[400](["page and size must be whole numbers"]);
			const self = `${this.url}/chat-gateway/v1/channels?page=${paged.page.number}&size=${paged.page.size}`;
			return {
				status: 200,
				type: "application/hal+json",
				body: { _embedded: { channels: paged.items }, _links: { self: { href: self } }, page: paged.page },
			};
		}
		const errors = this.checkGatewayBody(record);
		if (errors.length) return problems.gateway[400](errors);
		const body = record.json;
		const channel = this.channels.find((c) => c.id === body.channelId);
		if (!channel) return problems.gateway[400]([`Channel ID ${body.channelId} is invalid.`]);
		if (body.assignment?.type === "queue" && !this.channels.some((c) => c.routingOptions.id === body.assignment.id)) {
			return problems.gateway[400]([`Queue ID ${body.assignment.id} is invalid.`], "invalid_queue");
		}
		const conversation = { id: `sim-${randomUUID()}`, api: "chatGateway", body, at: Date.now() };
		this.conversations.push(conversation);
		return {
			status: 202,
			type: "application/hal+json",
			body: { conversationId: conversation.id, createdAt: new Date(conversation.at).toISOString() },
		};
	}

	/** `CreateTransactionRequest` of Chat Gateway. */
	checkGatewayBody(record) {
		const errors = [];
		if ((record.headers["content-type"] ?? "").split(";")[0] !== "application/json") {
			return ["Content-Type must be application/json"];
		}
		const body = record.json;
		if (!isObject(body)) return ["The request body must be a JSON object"];
		if (typeof body.channelId !== "string" || body.channelId === "") errors.push("channelId is required");
		if (!isObject(body.user)) errors.push("user is required");
		else {
			for (const key of ["name", "userId", "customerId", "email", "phone", "company", "caseId", "language"]) {
				if (body.user[key] !== undefined && typeof body.user[key] !== "string") errors.push(`user.${key} must be a string`);
			}
			checkCommonCustomer(body.user, "user", errors);
			const extra = body.user.additionalProperties;
			if (extra !== undefined) {
				if (!Array.isArray(extra)) errors.push("user.additionalProperties must be an array");
				else {
					if (extra.length > PROPERTIES_MAX) errors.push(`user.additionalProperties must have at most ${PROPERTIES_MAX} items`);
					extra.forEach((pair, i) => {
						if (!isObject(pair) || typeof pair.key !== "string" || typeof pair.value !== "string") {
							errors.push(`user.additionalProperties[${i}] must be {key, value} strings`);
						}
					});
				}
			}
		}
		if (body.assignment !== undefined) {
			if (!isObject(body.assignment)) errors.push("assignment must be an object");
			else {
				if (!["queue", "script"].includes(body.assignment.type)) errors.push("assignment.type must be queue or script");
				if (typeof body.assignment.id !== "string" || body.assignment.id === "") errors.push("assignment.id is required");
			}
		}
		if (body.history !== undefined) checkHistory(body.history, "authorType", "type", errors);
		return errors;
	}

	wapi(record) {
		const rootFor = () => (this.wapiRoot === "username" ? this.crm.username.toUpperCase() : "WAPI");
		const reply = (fields) => ({ status: 200, type: "text/xml; charset=ISO-8859-1", body: wapiReply(rootFor(), fields) });
		const corrupted = () =>
			reply({ status: "302", text: "XML Data is insufficient or corrupted. Check XML Request" });
		const xml = record.form?.xml_query;
		if (typeof xml !== "string" || XMLValidator.validate(xml) !== true) return corrupted();
		const parsed = new XMLParser({
			ignoreAttributes: false,
			parseTagValue: false,
			trimValues: false,
			processEntities: true,
			isArray: () => false,
		}).parse(xml);
		record.xml = parsed;
		const wapi = parsed.WAPI;
		if (!isObject(wapi) || !isObject(wapi.COMMAND)) return corrupted();
		if (wapi.TENANT !== this.crm.tenant || wapi.USERNAME !== this.crm.username || wapi.PASSWORD !== this.crm.password) {
			return reply({ status: "303", text: "Invalid login parameters." });
		}
		const command = wapi.COMMAND;
		if (command["@_OBJECT"] !== "Customer" || command["@_ACTION"] !== "GET") {
			return reply({ status: "304", text: `Invalid operation ${command["@_ACTION"] ?? ""}` });
		}
		const filters = Object.entries(command).filter(([key]) => !key.startsWith("@_"));
		if (filters.length === 0) return reply({ status: "-1", code: "7", text: "No tags found." });
		for (const [tag, value] of filters) {
			if (tag === "EMAIL" && String(value).length > 55) {
				return reply({ status: "-1", code: "3", text: `The length of the tag ${tag.toLowerCase()} is out of range (min 0, max 55).` });
			}
		}
		const matches = this.customers.filter((customer) =>
			filters.every(([tag, value]) => {
				const mine = Object.entries(customer).find(([key]) => key.toUpperCase() === tag.toUpperCase());
				return mine !== undefined && String(mine[1]).toLowerCase() === String(value).toLowerCase();
			}),
		);
		return reply({ items: matches });
	}
}

function isObject(value) {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkCommonCustomer(customer, prefix, errors) {
	if (typeof customer.language === "string" && !LANGUAGES.includes(customer.language)) {
		errors.push(`${prefix}.language: must be one of ${LANGUAGES.join(", ")}`);
	}
	if (typeof customer.email === "string" && !EMAIL.test(customer.email)) {
		errors.push(`${prefix}.email: must be a well-formed email address`);
	}
}

/** `history.messages`: required inside history, at most 200, each with text and this API's role key. */
function checkHistory(history, roleKey, wrongKey, errors) {
	if (!isObject(history) || !Array.isArray(history.messages)) {
		errors.push("history.messages: May not be null.");
		return;
	}
	if (history.messages.length > HISTORY_MAX) errors.push(`history.messages: size must be at most ${HISTORY_MAX}`);
	history.messages.forEach((message, i) => {
		const at = `history.messages[${i}]`;
		if (!isObject(message)) return errors.push(`${at}: must be an object`);
		if (typeof message.text !== "string") errors.push(`${at}.text: May not be null.`);
		if (wrongKey in message) errors.push(`${at}.${wrongKey}: unknown property (this API names the role \`${roleKey}\`)`);
		const role = message[roleKey];
		if (roleKey === "authorType" && role === undefined) errors.push(`${at}.authorType: May not be null.`);
		if (role !== undefined && !["bot", "user"].includes(role)) {
			errors.push(`Invalid ${roleKey}=${role}, has to be one of user, bot`);
		}
	});
}

export async function startSimulator(options) {
	return new Simulator(options).start();
}

export { CUSTOMER_TAGS, exampleCustomer, makeChannels };
