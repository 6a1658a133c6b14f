// The 8x8 simulator in a process of its own, so that the clients being measured do not share an
// event loop (or CPU accounting) with it. Every request waits `latency` ms, standing for the
// network to 8x8. Talks to the parent over IPC: it sends { url } once listening and answers
// { cmd: "stats" } with counts and { cmd: "reset" } by clearing them.
import { startSimulator } from "../__test__/simulator/index.mjs";

const latency = Number(process.argv[2] ?? 20);
const sim = await startSimulator({ wapiRoot: "username" });
sim.delay("*", latency);

process.on("message", async (message) => {
	if (message.cmd === "stats") {
		const byRoute = {};
		for (const request of sim.requests) byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
		process.send({ id: message.id, stats: { byRoute, conversations: sim.conversations.length } });
	} else if (message.cmd === "reset") {
		sim.reset();
		sim.delay("*", latency);
		process.send({ id: message.id, ok: true });
	} else if (message.cmd === "fail") {
		// One pending fault per route at most, so that faults do not stack up on one request.
		const pending = sim.faults.get(message.route)?.length ?? 0;
		if (pending === 0) sim.fail(message.route, message.fault, message.times ?? 1);
		process.send({ id: message.id, injected: pending === 0 });
	} else if (message.cmd === "exit") {
		await sim.close();
		process.exit(0);
	}
});
process.send({
	url: sim.url,
	apiKey: sim.apiKey,
	apiSecret: sim.apiSecret,
	tenant: sim.tenant,
	crm: sim.crm,
});
