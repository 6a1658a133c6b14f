// The npm library: `require('eightbyeight')` gives napi's loader and the typed async functions.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { packageJson, requireFromRoot, root, runNode } from "./helpers.mjs";

const library = requireFromRoot(path.join(root, packageJson.main));

test("addonInfo resolves with the package version, the Rust target and the TLS backend", async () => {
	const pending = library.addonInfo();
	assert.ok(pending instanceof Promise, "addonInfo is async");
	const info = await pending;
	assert.deepEqual(Object.keys(info).sort(), ["profile", "target", "tlsBackend", "tlsRoots", "version"]);
	assert.ok(["release", "debug"].includes(info.profile));
	assert.equal(info.version, packageJson.version);
	assert.equal(info.target, "x86_64-unknown-linux-gnu");
	assert.equal(info.tlsBackend, "rustls");
	assert.equal(info.tlsRoots, "platform");
});

test("without a readable CA store the client falls back to the bundled roots", () => {
	const info = runNode(
		`require(${JSON.stringify(path.join(root, packageJson.main))}).addonInfo()` +
			".then((info) => process.stdout.write(JSON.stringify(info)))",
		{ env: { SSL_CERT_FILE: "/nonexistent/certs.pem", SSL_CERT_DIR: "/nonexistent" } },
	);
	assert.equal(info.tlsRoots, "bundled");
	assert.equal(info.tlsBackend, "rustls");
});

test("package.json points Node developers at napi's loader and the generated types", () => {
	assert.equal(packageJson.main, "index.js");
	assert.equal(packageJson.types, "index.d.ts");
	assert.equal(packageJson.napi.binaryName, "eightbyeight");
	assert.deepEqual(packageJson.napi.targets, ["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl"]);
	const types = fs.readFileSync(path.join(root, packageJson.types), "utf8");
	assert.match(types, /export declare function addonInfo\(\): Promise<AddonInfo>/);
	assert.match(types, /export interface AddonInfo \{[^}]*tlsBackend: string/s);
});

test("the binary links no OpenSSL", () => {
	const binary = fs.readFileSync(path.join(root, "eightbyeight.linux-x64-gnu.node"));
	for (const library of ["libssl.so", "libcrypto.so"]) {
		assert.equal(binary.includes(Buffer.from(library)), false, `${library} is referenced`);
	}
});
