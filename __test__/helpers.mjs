// Paths and small helpers shared by the suites. The suites drive what the build produced:
// `npm run build` (release binaries and the upload file) or `npm run build:debug` (fast binary).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const requireFromRoot = createRequire(path.join(root, "package.json"));
export const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
export const uploadFile = path.join(root, "eightbyeight.tar.gz");
export const nativeDir = path.join(root, "build", "native");

/** A fresh empty folder, removed when the process exits. */
export function tempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eightbyeight-${prefix}-`));
	process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** Runs a short Node program in a child process (a fresh addon load) and parses its JSON output. */
export function runNode(code, { cwd = root, env = {} } = {}) {
	const out = execFileSync(process.execPath, ["-e", code], {
		cwd,
		env: { ...process.env, ...env },
		encoding: "utf8",
		timeout: 60_000,
	});
	return JSON.parse(out);
}

/** The npm library as Node developers load it (napi's loader). */
export function loadLibrary() {
	return requireFromRoot(path.join(root, packageJson.main));
}

/** Awaits `promise`, expecting a rejection; returns the error. */
export async function rejection(promise) {
	try {
		await promise;
	} catch (err) {
		return err;
	}
	throw new Error("expected the call to reject");
}

/** The 8x8 OAuth connection that matches `sim`. */
export function oauthConnection(sim, extra = {}) {
	return { username: sim.apiKey, password: sim.apiSecret, tenant: sim.tenant, region: "eu", ...extra };
}

/** The 8x8 CRM connection that matches `sim`. */
export function crmConnection(sim, extra = {}) {
	return { username: sim.crm.username, password: sim.crm.password, tenant: sim.crm.tenant, ...extra };
}
