// `npm run soak`: after a warm-up, 10,000 mixed operations (both handovers, Get Customer, the channel list) through
// the built extension's node functions, 20 at a time, with a fault injected into 10 % of them.
// Checks that the process stays up, that RSS after warm-up grows by less than 10 %, and that the
// conversations 8x8 created equal the handovers reported as successful. Faults are those after
// which 8x8 did not act on a create (error statuses, resets, HTML pages), plus Chat API v2 replies
// lost after 8x8 created the conversation (retried with the same Idempotency-Key); a Chat Gateway
// reply lost after creation cannot be told apart from a failure and is covered by the fault matrix.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

import { nextNode, recordingApi } from "../__test__/recording-api.mjs";
import { simulatorProcess } from "./simulator.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const TOTAL = Number(process.env.SOAK_OPERATIONS ?? 10_000);
// A warm-up of its own before the measured operations. `npm run soak` also fixes V8's young
// generation (--max-semi-space-size=1): left alone, V8 grows it in steps of several MB whenever
// its heuristics say so, which looks like a leak in RSS but is not (with the flag, 60,000 channel
// lists keep RSS flat; without it RSS rises in steps and then stays flat).
const WARMUP = Number(process.env.SOAK_WARMUP ?? 3_000);
const CONCURRENCY = 20;

const { target, ask, stop } = await simulatorProcess(2);

process.env.EIGHTBYEIGHT_BASE_URL = target.url;
const extension = createRequire(path.join(root, "package.json"))(path.join(root, "build", "module.js")).default;
const node = (type) => extension.nodes.find((n) => n.type === type);
const oauth = { username: target.apiKey, password: target.apiSecret, tenant: target.tenant, region: "eu" };
const crm = { username: target.crm.username, password: target.crm.password, tenant: target.crm.tenant };

const FAULTS = [
	{ status: 401 },
	{ status: 429, retryAfter: 0 },
	{ status: 500 },
	{ status: 502 },
	{ status: 503 },
	{ kind: "reset" },
	{ kind: "html", status: 503 },
];
const READ_FAULTS = [...FAULTS, { kind: "truncated" }, { kind: "oversized" }, { kind: "brokenXml" }];

const OPERATIONS = [
	{ name: "handover, Chat Gateway", route: "gateway.conversations", type: "handoverToEightByEight", faults: FAULTS, config: { api: "chatGateway" } },
	{
		name: "handover, Chat API v2",
		route: "v2.conversations",
		type: "handoverToEightByEight",
		faults: [...FAULTS, { status: 502, process: true }, { kind: "reset", process: true }],
		config: { api: "chatApiV2" },
	},
	{ name: "Get Customer", route: "wapi", type: "getCustomer", faults: READ_FAULTS },
	{ name: "channel list", route: "gateway.channels", resolver: true, faults: READ_FAULTS },
];

const tally = { faults: 0, handoversOk: 0, byOutcome: {}, warnings: 0 };
// The Channel dropdown logs why it is empty with console.warn; count those lines instead.
console.warn = () => {
	tally.warnings += 1;
};

// A fault must strike the operation it was injected for, not a neighbour on the same route: a
// faulted operation waits until the route is idle and holds it alone while it runs.
const routes = new Map();
async function withRoute(route, faulted, run) {
	if (!routes.has(route)) routes.set(route, { active: 0, gate: null, idle: [] });
	const state = routes.get(route);
	while (state.gate) await state.gate;
	if (!faulted) {
		state.active += 1;
		try {
			return await run();
		} finally {
			state.active -= 1;
			if (state.active === 0) for (const wake of state.idle.splice(0)) wake();
		}
	}
	let open;
	state.gate = new Promise((resolve) => (open = resolve));
	while (state.active > 0) await new Promise((resolve) => state.idle.push(resolve));
	try {
		return await run();
	} finally {
		state.gate = null;
		open();
	}
}

async function one(i) {
	const operation = OPERATIONS[(i + OPERATIONS.length * WARMUP) % OPERATIONS.length];
	const faulted = Math.random() < 0.1;
	await withRoute(operation.route, faulted, async () => {
		if (faulted) {
			const fault = operation.faults[Math.floor(Math.random() * operation.faults.length)];
			await ask({ cmd: "fail", route: operation.route, fault });
			tally.faults += 1;
		}
		await perform(operation);
	});
}

async function perform(operation) {
	const input = { data: {} };
	const { api, calls } = recordingApi(input);
	let outcome;
	if (operation.resolver) {
		const options = await node("handoverToEightByEight")
			.fields.find((f) => f.key === "channelId")
			.optionsResolver.resolverFunction({ config: { connection: oauth, api: "chatGateway" }, api: {} });
		outcome = options.length === 120 ? "channel list: all 120" : "channel list: empty (reason logged)";
	} else {
		const descriptor = node(operation.type);
		const config =
			operation.type === "getCustomer"
				? { connection: crm, email: "l.wilson@cognigy.com", timeoutMs: 5000 }
				: { connection: oauth, channelId: "25", name: "Soak", timeoutMs: 5000, ...operation.config };
		const childConfigs = descriptor.dependencies.children.map((child) => ({ id: child, type: child, config: {} }));
		await descriptor.function({ cognigy: { api, input, context: {}, profile: {} }, config, childConfigs, nodeId: "n" });
		const next = nextNode(calls);
		const stored = calls.find((c) => c.call === "addToInput")?.value;
		outcome = next?.endsWith("Error") ? `${operation.name}: ${stored.error.code}` : `${operation.name}: ${next}`;
		if (next === "onHandover") tally.handoversOk += 1;
	}
	tally.byOutcome[outcome] = (tally.byOutcome[outcome] ?? 0) + 1;
}

async function settledRss() {
	global.gc?.();
	await new Promise((resolve) => setTimeout(resolve, 50));
	global.gc?.();
	return process.memoryUsage().rss;
}

/** Runs operations `from`…`to` - 1, CONCURRENCY at a time. */
async function phase(from, to, onEach = () => {}) {
	let next = from;
	const worker = async () => {
		while (next < to) {
			const i = next++;
			await one(i);
			onEach(i);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

await phase(-WARMUP, 0);
Object.assign(tally, { faults: 0, handoversOk: 0, byOutcome: {}, warnings: 0 });
const { stats: before } = await ask({ cmd: "stats" });
const warmRss = await settledRss();
const trace = [];
const started = performance.now();
await phase(0, TOTAL, (i) => {
	if (i % (TOTAL / 10) === 0) trace.push((process.memoryUsage().rss / 2 ** 20).toFixed(1));
});
const endRss = await settledRss();
const { stats } = await ask({ cmd: "stats" });
stop();
const created = stats.conversations - before.conversations;

const growth = ((endRss - warmRss) / warmRss) * 100;
console.log(`after a warm-up of ${WARMUP.toLocaleString("en")} operations:`);
console.log(`${TOTAL.toLocaleString("en")} operations in ${((performance.now() - started) / 1000).toFixed(1)} s, ${tally.faults} with an injected fault`);
for (const [outcome, n] of Object.entries(tally.byOutcome).sort()) console.log(`  ${outcome}: ${n}`);
console.log(`RSS (MB) every ${(TOTAL / 10).toLocaleString("en")} operations: ${trace.join(", ")}`);
console.log(`RSS after warm-up ${(warmRss / 2 ** 20).toFixed(1)} MB, at the end ${(endRss / 2 ** 20).toFixed(1)} MB: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %`);
console.log(`dropdown warnings logged ${tally.warnings}`);
console.log(`successful handovers ${tally.handoversOk}, conversations 8x8 created ${created}`);
const ok = growth < 10 && tally.handoversOk === created;
console.log(ok ? "soak: passed" : "soak: FAILED");
process.exitCode = ok ? 0 : 1;
