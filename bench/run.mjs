// `npm run bench`: ours (the built extension's node functions) against the TypeScript way
// (bench/baseline.mjs) and the floor (bench/floor.mjs), side by side, against the 8x8 simulator
// with BENCH_LATENCY_MS (default 20) added to every request. Prints the table, the ratios and the
// targets; writes bench/results.json. Measures the release build (builds it when missing).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

import { simulatorProcess } from "./simulator.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
const CONCURRENCY = [1, 50, 500];
const COUNT = { 1: Number(process.env.BENCH_COUNT_1 ?? 200), 50: 2000, 500: 5000 };
const OPS = [
	["handoverChatGateway", "Handover, Chat Gateway"],
	["handoverChatApiV2", "Handover, Chat API v2"],
	["getCustomer", "Get Customer"],
];
const IMPLS = ["ours", "baseline", "floor"];

function profile() {
	try {
		return execFileSync(process.execPath, ["-e", `require("./build/native").addon().addonInfo().then((i) => process.stdout.write(i.profile))`], {
			cwd: root,
			encoding: "utf8",
		});
	} catch {
		return "missing";
	}
}

if (profile() !== "release" || !fs.existsSync(path.join(root, "eightbyeight.tar.gz"))) {
	console.log("Building the release binaries and the upload file first (npm run build) …");
	execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}

/** Runs a script in a child process and returns the JSON it prints. */
function child(script, arg, execArgv = []) {
	const out = execFileSync(process.execPath, [...execArgv, path.join(here, script), JSON.stringify(arg)], {
		cwd: root,
		encoding: "utf8",
		maxBuffer: 1 << 20,
	});
	return JSON.parse(out);
}

const { target, ask, stop } = await simulatorProcess(LATENCY);

const results = [];
let load;
try {
	for (const [op] of OPS) {
		for (const impl of IMPLS) {
			for (const concurrency of CONCURRENCY) {
				await ask({ cmd: "reset" });
				const result = child("client.mjs", { impl, op, concurrency, count: COUNT[concurrency], warmup: 10, target });
				const { stats } = await ask({ cmd: "stats" });
				result.tokenRequests = stats.byRoute.token ?? 0;
				results.push(result);
				process.stderr.write(`  ${op} ${impl} c=${concurrency}: p50 ${result.p50.toFixed(2)} ms, ${result.throughput.toFixed(0)} ops/s, ${result.errors} errors\n`);
			}
		}
	}
	load = child("load.mjs", target, ["--expose-gc"]);
} finally {
	stop();
}

const upload = fs.statSync(path.join(root, "eightbyeight.tar.gz")).size;
const find = (op, impl, concurrency) => results.find((r) => r.op === op && r.impl === impl && r.concurrency === concurrency);
const fmt = (n, digits = 1) => n.toFixed(digits);

const lines = [];
lines.push(`Machine: ${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`);
lines.push(`Simulator latency per request: ${LATENCY} ms. p50/p99 at concurrency 1; CPU per operation at concurrency 50.`);
lines.push("");
lines.push("| operation | client | p50 ms | p99 ms | ops/s at 1 | ops/s at 50 | ops/s at 500 | CPU ms/op | peak RSS MB | errors | token requests at 500 |");
lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
for (const [op, label] of OPS) {
	for (const impl of IMPLS) {
		const runs = CONCURRENCY.map((c) => find(op, impl, c));
		const [one, fifty, five] = runs;
		lines.push(
			`| ${label} | ${impl} | ${fmt(one.p50, 2)} | ${fmt(one.p99, 2)} | ${fmt(one.throughput, 0)} | ${fmt(fifty.throughput, 0)} | ${fmt(five.throughput, 0)} | ${fmt(fifty.cpuMsPerOp, 3)} | ${fmt(Math.max(...runs.map((r) => r.peakRssMb)), 0)} | ${runs.reduce((n, r) => n + r.errors, 0)} | ${op === "handoverChatApiV2" ? five.tokenRequests : "–"} |`,
		);
	}
}
lines.push("");
lines.push(`Addon load ${fmt(load.loadMs, 1)} ms (first call ${fmt(load.firstCallMs, 1)} ms); RSS growth from loading and 1,000 operations ${fmt(load.rssGrowthMb, 1)} MB; upload file ${(upload / 1e6).toFixed(2)} MB.`);
lines.push("");
lines.push("Ratios of p50 at concurrency 1:");
for (const [op, label] of OPS) {
	const ours = find(op, "ours", 1).p50;
	lines.push(`  ${label}: ours/baseline ${fmt(ours / find(op, "baseline", 1).p50, 2)}, ours/floor ${fmt(ours / find(op, "floor", 1).p50, 2)}`);
}

const checks = [
	["Handover on Chat API v2: p50 ≤ 0.55 × baseline", find("handoverChatApiV2", "ours", 1).p50 / find("handoverChatApiV2", "baseline", 1).p50 <= 0.55],
	...OPS.map(([op, label]) => [`${label}: p50 ≤ 1.10 × floor`, find(op, "ours", 1).p50 / find(op, "floor", 1).p50 <= 1.1]),
	["concurrency 500: no error in ours", OPS.every(([op]) => find(op, "ours", 500).errors === 0)],
	["concurrency 500: exactly one token request (ours, Chat API v2)", find("handoverChatApiV2", "ours", 500).tokenRequests === 1],
	["addon load ≤ 20 ms", load.loadMs <= 20],
	["RSS growth ≤ 25 MB", load.rssGrowthMb <= 25],
	["upload file ≤ 6 MB", upload <= 6e6],
];
lines.push("");
lines.push("Targets:");
for (const [what, met] of checks) lines.push(`  ${met ? "met    " : "MISSED "} ${what}`);

console.log(lines.join("\n"));
fs.writeFileSync(path.join(here, "results.json"), `${JSON.stringify({ latencyMs: LATENCY, results, load, uploadBytes: upload }, null, 2)}\n`);
