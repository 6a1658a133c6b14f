// The parent's side of bench/simulator-process.mjs: starts the simulator in its own process and
// talks to it over IPC.
import { fork } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts the simulator with `latencyMs` added to every request. Resolves to `{ target, ask, stop }`:
 * `target` holds its address and credentials, `ask(message)` sends a command (`stats`, `reset`,
 * `fail`) and resolves with the answer, `stop()` ends the process.
 */
export async function simulatorProcess(latencyMs) {
	const child = fork(path.join(here, "simulator-process.mjs"), [String(latencyMs)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
	const target = await new Promise((resolve) => child.once("message", resolve));
	let nextId = 0;
	const ask = (message) =>
		new Promise((resolve) => {
			const id = ++nextId;
			const listener = (reply) => {
				if (reply.id === id) {
					child.off("message", listener);
					resolve(reply);
				}
			};
			child.on("message", listener);
			child.send({ ...message, id });
		});
	const stop = () => child.send({ cmd: "exit" });
	return { target, ask, stop };
}
