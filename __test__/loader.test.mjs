// The loader in build/native: it finds the binary that fits this machine, and when none loads it
// explains why, file by file, and what to do.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { nativeDir, requireFromRoot, root, runNode, tempDir } from "./helpers.mjs";

const loader = requireFromRoot(path.join(nativeDir, "index.js"));
const GNU = "eightbyeight.linux-x64-gnu.node";
const MUSL = "eightbyeight.linux-x64-musl.node";

test("the loader loads the binary beside it and the addon answers", async () => {
	const info = await loader.loadAddon().addonInfo();
	assert.equal(info.target, "x86_64-unknown-linux-gnu");
	assert.equal(info.tlsBackend, "rustls");
});

test("the loader detects the C library this Node runs on", () => {
	const { libc, label } = loader.detectLibc();
	assert.equal(libc, "glibc");
	assert.match(label, /^glibc \d+\.\d+/);
});

test("corrupt binaries produce an error that names platform, C library, each file, reason and remedy", () => {
	const dir = tempDir("corrupt");
	fs.writeFileSync(path.join(dir, GNU), "this is not an ELF file");
	fs.writeFileSync(path.join(dir, MUSL), Buffer.alloc(64));
	assert.throws(
		() => loader.loadAddon(dir),
		(error) => {
			assert.ok(error instanceof loader.NativeLoadError);
			assert.equal(error.code, "NATIVE_LOAD_FAILED");
			assert.equal(error.platform, "linux-x64");
			assert.match(error.libc, /^glibc \d+\.\d+/);
			assert.deepEqual(
				error.attempts.map((attempt) => path.basename(attempt.file)),
				[GNU, MUSL],
				"the glibc binary is tried first on a glibc machine",
			);
			for (const attempt of error.attempts) {
				assert.match(attempt.reason, /invalid ELF header|too short|file too short/i);
				assert.ok(error.message.includes(`${attempt.file}: ${attempt.reason}`));
			}
			assert.match(error.message, /^eightbyeight could not load its native library on linux-x64 \(C library: glibc \d/);
			assert.match(error.message, /What to do: .*mark the extension as trusted/);
			assert.match(error.message, /Linux x64 with glibc 2\.28 or newer, or musl/);
			return true;
		},
	);
});

test("missing binaries are reported as missing, with the rebuild remedy", () => {
	const dir = tempDir("empty");
	assert.throws(
		() => loader.loadAddon(dir),
		(error) => {
			assert.deepEqual(
				error.attempts.map((attempt) => attempt.reason),
				["file not found", "file not found"],
			);
			assert.match(error.message, /What to do: The binaries are missing from .*npm run build/);
			return true;
		},
	);
});

test("the extension still loads when its binaries are broken; the failure comes on first use", () => {
	const copy = tempDir("broken-extension");
	fs.cpSync(path.join(root, "build"), path.join(copy, "build"), { recursive: true });
	for (const file of fs.readdirSync(path.join(copy, "build", "native"))) {
		if (file.endsWith(".node")) {
			fs.writeFileSync(path.join(copy, "build", "native", file), "corrupt");
		}
	}
	const outcome = runNode(
		`const m = require("./build/module.js").default;
		let error;
		try { require("./build/native").addon(); } catch (e) { error = { code: e.code, message: e.message }; }
		process.stdout.write(JSON.stringify({ connections: m.connections.length, error }));`,
		{ cwd: copy, env: { NODE_PATH: path.join(root, "node_modules") } },
	);
	assert.equal(outcome.connections, 2);
	assert.equal(outcome.error.code, "NATIVE_LOAD_FAILED");
	assert.match(outcome.error.message, /invalid ELF header|too short/);
});
