// `npm run demo`: runs Get Customer, then Handover To Agent, the way a Cognigy flow would, against
// the local 8x8 simulator, and prints what each node said, stored and which exit it took. Needs no
// 8x8 account and no Cognigy.AI. Builds the extension (debug) first when it is missing.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!fs.existsSync(path.join(root, "build", "module.js")) || !fs.existsSync(path.join(root, "build", "native", "eightbyeight.linux-x64-gnu.node"))) {
	console.log("Building the extension first (npm run build:debug) …");
	execFileSync("npm", ["run", "build:debug"], { cwd: root, stdio: "inherit" });
}

const { startSimulator } = await import("../__test__/simulator/index.mjs");
const { descriptor, executeNode } = await import("../__test__/cognigy.mjs");

const sim = await startSimulator();
process.env.EIGHTBYEIGHT_BASE_URL = sim.url;

const labels = Object.fromEntries(
	["onFoundCustomer", "onNotFoundCustomer", "onCustomerError", "onHandover", "onHandoverError"].map((type) => [type, descriptor(type).defaultLabel.default]),
);

function short(value, max = 400) {
	const text = JSON.stringify(value);
	return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

function report(title, result, requests) {
	console.log(`\n${title}`);
	console.log(`  exit:    ${labels[result.exit] ?? "none"} (${result.exit})`);
	console.log(`  said:    ${result.said.length ? result.said.map((s) => JSON.stringify(s)).join(", ") : "(nothing)"}`);
	for (const call of result.stored) {
		const where = call.call === "addToInput" ? "input" : "context";
		console.log(`  stored:  ${where}.${call.key} = ${short(call.value)}`);
	}
	for (const line of result.logs) console.log(`  log:     [${line.level}] ${line.text}`);
	console.log(`  Cognigy calls: ${result.calls.length}`);
	for (const request of requests) {
		// The simulator's passwords are fake, but a demo should not teach printing them.
		const body = JSON.parse(JSON.stringify(request.json ?? request.form ?? {}).replace(/<PASSWORD>.*?<\/PASSWORD>/g, "<PASSWORD>***</PASSWORD>"));
		console.log(`  8x8 got: ${request.method} ${request.path} → ${request.status} ${short(body, 300)}`);
	}
}

const input = {
	userId: "demo-user",
	sessionId: "demo-session",
	URLToken: "demo-url-token",
	data: {
		transcript: [
			{ source: "user", text: "Hi, my internet has been down since this morning." },
			{ source: "bot", text: "Sorry to hear that! Can I have your email address?" },
			{ source: "user", text: "l.wilson@cognigy.com" },
			{ source: "bot", text: "Thanks, Laura. I am connecting you with a colleague now." },
		],
	},
};

try {
	console.log(`eightbyeight demo against the 8x8 simulator at ${sim.url} (no 8x8 account, no Cognigy.AI)`);

	const lookup = await executeNode(
		"getCustomer",
		{
			connection: { username: sim.crm.username, password: sim.crm.password, tenant: sim.crm.tenant, cluster: "vcc-eu3" },
			email: "l.wilson@cognigy.com",
			resultFormat: "original",
			storeLocation: "input",
			inputKey: "customer",
		},
		{ input },
	);
	report("1. Get Customer (email l.wilson@cognigy.com, result format Original)", lookup, sim.received("wapi"));

	const [laura] = input.customer;
	const handover = await executeNode(
		"handoverToEightByEight",
		{
			connection: { username: sim.apiKey, password: sim.apiSecret, tenant: sim.tenant, region: "eu" },
			api: "chatGateway",
			handoverAcceptMessage: "You are now connected with our support team. An agent will be with you shortly.",
			channelId: "25",
			language: "en",
			name: `${laura.FIRSTNAME[0]} ${laura.LASTNAME[0]}`,
			email: laura.EMAIL[0],
			company: laura.COMPANY[0],
			phone: laura.VOICE[0],
			transcriptSource: "input.data.transcript",
			maxMessages: 200,
			storeLocation: "input",
			inputKey: "livechat",
		},
		{ input },
	);
	report("2. Handover To Agent (Chat Gateway, channel 25, the transcript above)", handover, sim.received("gateway.conversations"));

	const failed = await executeNode(
		"getCustomer",
		{
			connection: { username: sim.crm.username, password: "not-the-password", tenant: sim.crm.tenant },
			email: "l.wilson@cognigy.com",
			storeLocation: "input",
			inputKey: "customer",
		},
		{ input: {} },
	);
	report("3. Get Customer with a wrong CRM password (the error exit)", failed, sim.received("wapi").slice(1));
} finally {
	await sim.close();
}
