/**
 * Loads the eightbyeight native addon that the upload file carries next to this file, and when it
 * cannot, says why and what to do instead of a bare `dlopen` error.
 *
 * Cognigy's runtime is not documented (glibc or musl, sandboxed or trusted), so the upload file
 * carries one binary per C library and this loader tries them in turn, the one that matches the
 * detected C library first. A binary for the wrong C library fails to load with an exception (it
 * never crashes the process), so trying the next one is safe.
 *
 * The addon is loaded on first use, not when the extension is loaded: Cognigy can then still read
 * the node descriptors, and a node that cannot load the addon reports the reason on its error exit.
 */
import * as fs from "fs";
import * as path from "path";

import type * as Addon from "../../../index";

export type EightByEight = typeof Addon;

const BINARY_NAME = "eightbyeight";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";

export type Libc = "glibc" | "musl" | "unknown";

export interface LoadAttempt {
	file: string;
	reason: string;
}

/** Thrown when no binary loads. `code` is stable; the message lists every file tried. */
export class NativeLoadError extends Error {
	readonly code = "NATIVE_LOAD_FAILED";

	constructor(
		message: string,
		readonly platform: string,
		readonly libc: string,
		readonly attempts: LoadAttempt[],
	) {
		super(message);
		this.name = "NativeLoadError";
	}
}

interface DetectedLibc {
	libc: Libc;
	/** For example "glibc 2.36"; what the message shows. */
	label: string;
}

/**
 * A cheap guess used to order the files: musl systems have musl's dynamic loader in /lib. (Debian
 * with the `musl` package has it too; there the musl binary fails cleanly and the glibc one loads.)
 */
function looksLikeMusl(): boolean {
	return fs.existsSync(MUSL_LOADER);
}

/**
 * Which C library this Node runs on, for messages: Node's own report knows the glibc it was started
 * with. Costs a few milliseconds, so the loader asks only after a failure.
 */
export function detectLibc(): DetectedLibc {
	if (process.platform !== "linux") {
		return { libc: "unknown", label: "none (not Linux)" };
	}
	try {
		const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
		const glibc = report?.header?.glibcVersionRuntime;
		if (glibc) {
			return { libc: "glibc", label: `glibc ${glibc}` };
		}
	} catch {
		// A sandbox may forbid the report; fall through to the file check.
	}
	if (looksLikeMusl()) {
		return { libc: "musl", label: "musl" };
	}
	return { libc: "unknown", label: "unknown" };
}

/** The files to try, best match first. Only Linux x64 is built. */
function candidates(dir: string, muslFirst: boolean): string[] {
	if (process.platform !== "linux" || process.arch !== "x64") {
		return [];
	}
	const gnu = path.join(dir, `${BINARY_NAME}.linux-x64-gnu.node`);
	const musl = path.join(dir, `${BINARY_NAME}.linux-x64-musl.node`);
	return muslFirst ? [musl, gnu] : [gnu, musl];
}

function firstLine(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split("\n")[0].trim();
}

function advice(platform: string, dir: string, attempts: LoadAttempt[]): string {
	if (platform !== "linux-x64") {
		return "The extension ships native code for Linux x64 only (glibc 2.28 or newer, or musl): run it on such a Cognigy.AI runtime.";
	}
	if (attempts.every((attempt) => attempt.reason === "file not found")) {
		return `The binaries are missing from ${dir}: rebuild the upload file with \`npm run build\` and upload it again.`;
	}
	return (
		"In Cognigy.AI, mark the extension as trusted (Manage > Extensions > this extension > Trusted Code), " +
		"because the sandbox for untrusted code may refuse native code; the runtime must be Linux x64 with glibc 2.28 " +
		"or newer, or musl. If that does not help, rebuild the upload file with `npm run build`."
	);
}

/**
 * Loads the addon from `dir` (by default the folder of this file) and returns its exports, or
 * throws a NativeLoadError naming the platform, the detected C library, every file tried with the
 * reason it failed, and what to do.
 */
export function loadAddon(dir: string = __dirname): EightByEight {
	const platform = `${process.platform}-${process.arch}`;
	const attempts: LoadAttempt[] = [];
	for (const file of candidates(dir, looksLikeMusl())) {
		if (!fs.existsSync(file)) {
			attempts.push({ file, reason: "file not found" });
			continue;
		}
		try {
			return require(file) as EightByEight;
		} catch (error) {
			attempts.push({ file, reason: firstLine(error) });
		}
	}
	const detected = detectLibc();
	const tried = attempts.length
		? attempts.map((attempt) => `  - ${attempt.file}: ${attempt.reason}`).join("\n")
		: "  (no binary is built for this platform)";
	const message =
		`eightbyeight could not load its native library on ${platform} (C library: ${detected.label}).\n` +
		`Tried:\n${tried}\n` +
		`What to do: ${advice(platform, dir, attempts)}`;
	throw new NativeLoadError(message, platform, detected.label, attempts);
}

let loaded: EightByEight | undefined;

/** The addon of this extension, loaded once on first use. */
export function addon(): EightByEight {
	loaded ??= loadAddon();
	return loaded;
}
