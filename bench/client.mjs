// One measured run in a process of its own: `impl` (ours, baseline, floor) doing `op` `count`
// times with `concurrency` operations in flight. Prints one JSON line with latencies, throughput,
// CPU time per operation and peak RSS of this process (tokio's threads included for ours).
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

import { nextNode, recordingApi } from "../__test__/recording-api.mjs";
import * as baseline from "./baseline.mjs";
import * as floor from "./floor.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { impl, op, concurrency, count, warmup, target } = JSON.parse(process.argv[2]);

/** A recording fake of `cognigy.api` (the same for ours and the baseline) and a Cognigy input. */
function cognigy() {
	const input = {
		userId: "bench-user",
		sessionId: "bench-session",
		URLToken: "bench-token",
		data: {
			transcript: [
				{ source: "user", text: "My internet is down." },
				{ source: "bot", text: "Let me connect you with a colleague." },
			],
		},
	};
	const { api, calls } = recordingApi(input);
	return { calls, cognigy: { api, input, context: {}, profile: {} } };
}

const oauth = { username: target.apiKey, password: target.apiSecret, tenant: target.tenant, region: "eu" };
const crm = { username: target.crm.username, password: target.crm.password, tenant: target.crm.tenant };
const handoverConfig = (api) => ({
	connection: oauth,
	api,
	baseUrl: target.url,
	handoverAcceptMessage: "An agent will be with you shortly.",
	channelId: "25",
	language: "en",
	name: "Laura Wilson",
	email: "l.wilson@cognigy.com",
	company: "Cognigy",
	transcriptSource: "input.data.transcript",
	maxMessages: 200,
	storeLocation: "input",
	inputKey: "livechat",
});
const customerConfig = { connection: crm, baseUrl: target.url, email: "l.wilson@cognigy.com", resultFormat: "original", storeLocation: "input", inputKey: "customer" };

async function operation() {
	if (impl === "floor") {
		const calls = await floor.prepare(target);
		return async () => {
			const reply = await calls[op]();
			return reply.status < 400;
		};
	}
	if (impl === "baseline") {
		const config = op === "getCustomer" ? customerConfig : handoverConfig();
		return async () => {
			const run = cognigy();
			await baseline[op]({ cognigy: run.cognigy, config, childConfigs: [] });
			return !run.calls.some((c) => c.call === "log" && c.level === "error");
		};
	}
	process.env.EIGHTBYEIGHT_BASE_URL = target.url;
	const extension = createRequire(path.join(root, "package.json"))(path.join(root, "build", "module.js")).default;
	const type = op === "getCustomer" ? "getCustomer" : "handoverToEightByEight";
	const node = extension.nodes.find((n) => n.type === type);
	const config = op === "getCustomer" ? customerConfig : handoverConfig(op === "handoverChatApiV2" ? "chatApiV2" : "chatGateway");
	const childConfigs = node.dependencies.children.map((child) => ({ id: child, type: child, config: {} }));
	return async () => {
		const run = cognigy();
		await node.function({ cognigy: run.cognigy, config, childConfigs, nodeId: type });
		const next = nextNode(run.calls);
		return next !== undefined && !/Error$/.test(next);
	};
}

const run = await operation();
for (let i = 0; i < warmup; i++) await run();

const latencies = [];
let errors = 0;
let started = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
	Array.from({ length: concurrency }, async () => {
		while (started < count) {
			started += 1;
			const t = performance.now();
			const ok = await run();
			latencies.push(performance.now() - t);
			if (!ok) errors += 1;
		}
	}),
);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
process.stdout.write(
	JSON.stringify({
		impl,
		op,
		concurrency,
		count,
		errors,
		p50: pick(0.5),
		p99: pick(0.99),
		throughput: count / (wall / 1000),
		cpuMsPerOp: (cpu.user + cpu.system) / 1000 / count,
		peakRssMb: process.resourceUsage().maxRSS / 1024,
	}),
);
