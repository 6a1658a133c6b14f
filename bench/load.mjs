// The addon's cost in a fresh process: how long loading it takes, and how much memory loading
// and using it (1,000 Get Customer and 1,000 handovers through the node functions) adds.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
const target = JSON.parse(process.argv[2]);

const extension = require(path.join(root, "build", "module.js")).default;
global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
const addon = require(path.join(root, "build", "native")).addon();
const loadMs = performance.now() - t0;
const t1 = performance.now();
await addon.addonInfo();
const firstCallMs = performance.now() - t1;

process.env.EIGHTBYEIGHT_BASE_URL = target.url;
const connection = { username: target.crm.username, password: target.crm.password, tenant: target.crm.tenant };
const oauth = { username: target.apiKey, password: target.apiSecret, tenant: target.tenant, region: "eu" };
const api = { say() {}, log() {}, addToInput() {}, addToContext() {}, setNextNode() {} };
const node = (type) => extension.nodes.find((n) => n.type === type);
const input = { userId: "u", sessionId: "s", URLToken: "t", data: { transcript: [{ type: "user", text: "hi" }] } };
for (let round = 0; round < 20; round++) {
	await Promise.all(
		Array.from({ length: 50 }, (_, i) =>
			i % 2
				? node("getCustomer").function({ cognigy: { api, input, context: {}, profile: {} }, config: { connection, email: "l.wilson@cognigy.com" }, childConfigs: [] })
				: node("handoverToEightByEight").function({
						cognigy: { api, input, context: {}, profile: {} },
						config: { connection: oauth, api: "chatApiV2", channelId: "25", name: "Laura" },
						childConfigs: [],
					}),
		),
	);
}
global.gc?.();
const after = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ loadMs, firstCallMs, rssGrowthMb: (after - before) / 1024 / 1024 }));
