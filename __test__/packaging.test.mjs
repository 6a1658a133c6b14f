// The upload file, installed the way Cognigy installs an extension: unpacked into an empty folder,
// `npm ci --omit=dev --ignore-scripts`, then build/module.js required. Also the binaries inside it:
// the glibc one must load on glibc 2.28, the musl one must link musl's libc.so only.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";

import { packageJson, runNode, tempDir, uploadFile } from "./helpers.mjs";

const GNU = "build/native/eightbyeight.linux-x64-gnu.node";
const MUSL = "build/native/eightbyeight.linux-x64-musl.node";
const GLIBC_CEILING = [2, 28];

let installed;

before(() => {
	assert.ok(fs.existsSync(uploadFile), "eightbyeight.tar.gz is missing: run `npm run build` first");
	installed = tempDir("cognigy-install");
	execFileSync("tar", ["-xzf", uploadFile, "-C", installed]);
	execFileSync("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], {
		cwd: installed,
		stdio: "pipe",
		timeout: 180_000,
	});
});

function readelf(args, file) {
	return execFileSync("readelf", [...args, "--wide", path.join(installed, file)], { encoding: "utf8" });
}

function neededLibraries(file) {
	return [...readelf(["--dynamic"], file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

function glibcVersions(file) {
	return [...new Set([...readelf(["--version-info"], file).matchAll(/Name: GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => m[0]))]
		.map((name) => name.replace("Name: GLIBC_", "").split(".").map(Number));
}

function compareVersions(a, b) {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const diff = (a[i] ?? 0) - (b[i] ?? 0);
		if (diff !== 0) return diff;
	}
	return 0;
}

test("the upload file holds exactly what Cognigy expects at its top level", () => {
	const entries = execFileSync("tar", ["-tzf", uploadFile], { encoding: "utf8" }).trim().split("\n");
	const topLevel = new Set(entries.map((entry) => entry.replace(/^\.\//, "").split("/")[0]));
	assert.deepEqual([...topLevel].sort(), ["README.md", "build", "icon.png", "package-lock.json", "package.json"]);
	for (const file of ["build/module.js", "build/native/index.js", GNU, MUSL]) {
		assert.ok(entries.includes(file), `${file} is in the upload file`);
	}
	const size = fs.statSync(uploadFile).size;
	assert.ok(size < 128 * 1024 * 1024, "under Cognigy's 128 MiB upload limit");
});

test("its package.json makes build/module.js the entry and installs nothing that needs scripts", () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
	assert.equal(pkg.name, packageJson.name);
	assert.equal(pkg.version, packageJson.version);
	assert.equal(pkg.main, "build/module.js");
	assert.deepEqual(pkg.dependencies, packageJson.dependencies);
	for (const key of ["scripts", "optionalDependencies", "devDependencies", "bundleDependencies"]) {
		assert.equal(pkg[key], undefined, `no ${key}`);
	}
	const lock = JSON.parse(fs.readFileSync(path.join(installed, "package-lock.json"), "utf8"));
	for (const [name, entry] of Object.entries(lock.packages)) {
		assert.notEqual(entry.hasInstallScript, true, `${name || "the package"} has no install script`);
		assert.notEqual(entry.optional, true, `${name} is not an optional platform package`);
		assert.notEqual(entry.dev, true, `${name} is not a dev dependency`);
	}
});

test("installed like Cognigy does, the extension exports its connections and nodes and its addon answers", () => {
	const outcome = runNode(
		`const extension = require("./build/module.js").default;
		const nodes = extension.nodes.map((n) => ({ type: n.type, parentType: n.parentType, children: n.dependencies?.children,
			runs: typeof n.function === "function" }));
		require("./build/native").addon().addonInfo().then((info) =>
			process.stdout.write(JSON.stringify({ connections: extension.connections, nodes, info })));`,
		{ cwd: installed },
	);
	assert.deepEqual(outcome.nodes, [
		{ type: "handoverToEightByEight", parentType: null, children: ["onHandover", "onHandoverError"], runs: true },
		{ type: "onHandover", parentType: "handoverToEightByEight", children: [], runs: false },
		{ type: "onHandoverError", parentType: "handoverToEightByEight", children: [], runs: false },
		{ type: "getCustomer", parentType: null, children: ["onFoundCustomer", "onNotFoundCustomer", "onCustomerError"], runs: true },
		{ type: "onFoundCustomer", parentType: "getCustomer", children: [], runs: false },
		{ type: "onNotFoundCustomer", parentType: "getCustomer", children: [], runs: false },
		{ type: "onCustomerError", parentType: "getCustomer", children: [], runs: false },
	]);
	assert.deepEqual(
		outcome.connections.map((c) => [c.type, c.label, c.fields.map((f) => f.fieldName)]),
		[
			["eightbyeight", "8x8 OAuth", ["username", "password", "tenant", "region"]],
			["eightbyeight-crm", "8x8 CRM", ["username", "password", "tenant", "cluster"]],
		],
	);
	assert.equal(outcome.info.version, packageJson.version);
	assert.equal(outcome.info.target, "x86_64-unknown-linux-gnu");
	assert.equal(outcome.info.tlsBackend, "rustls");
	assert.ok(fs.existsSync(path.join(installed, "node_modules", "@cognigy", "extension-tools")));
});

test("the glibc binary is an x86-64 shared object that needs no glibc newer than 2.28", (t) => {
	const header = readelf(["--file-header"], GNU);
	assert.match(header, /Class:\s+ELF64/);
	assert.match(header, /Type:\s+DYN/);
	assert.match(header, /Machine:\s+Advanced Micro Devices X86-64/);
	const allowed = new Set(["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libgcc_s.so.1", "ld-linux-x86-64.so.2"]);
	for (const library of neededLibraries(GNU)) {
		assert.ok(allowed.has(library), `${library} is part of glibc (no OpenSSL, nothing else)`);
	}
	const versions = glibcVersions(GNU);
	assert.ok(versions.length > 0, "the binary is versioned against glibc");
	const newest = versions.sort(compareVersions).at(-1);
	t.diagnostic(`newest glibc symbol version: ${newest.join(".")}; size ${fs.statSync(path.join(installed, GNU)).size} bytes`);
	assert.ok(compareVersions(newest, GLIBC_CEILING) <= 0, `needs GLIBC_${newest.join(".")}, more than 2.28`);
});

test("the musl binary links only musl's libc.so and no glibc symbol", (t) => {
	const header = readelf(["--file-header"], MUSL);
	assert.match(header, /Machine:\s+Advanced Micro Devices X86-64/);
	assert.deepEqual(neededLibraries(MUSL), ["libc.so"]);
	assert.deepEqual(glibcVersions(MUSL), []);
	t.diagnostic(`size ${fs.statSync(path.join(installed, MUSL)).size} bytes`);
});

test("on glibc the musl binary fails to load with an explanation instead of crashing", () => {
	const dir = tempDir("musl-only");
	fs.copyFileSync(path.join(installed, MUSL), path.join(dir, path.basename(MUSL)));
	const outcome = runNode(
		`try { require("./build/native").loadAddon(${JSON.stringify(dir)}); process.stdout.write("null"); }
		catch (e) { process.stdout.write(JSON.stringify({ code: e.code, attempts: e.attempts })); }`,
		{ cwd: installed },
	);
	assert.equal(outcome.code, "NATIVE_LOAD_FAILED");
	assert.equal(outcome.attempts[0].reason, "file not found");
	assert.match(outcome.attempts[1].reason, /libc\.so/);
});

test("the icon is a 64x64 PNG", () => {
	const png = fs.readFileSync(path.join(installed, "icon.png"));
	assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	assert.equal(png.toString("ascii", 12, 16), "IHDR");
	assert.equal(png.readUInt32BE(16), 64);
	assert.equal(png.readUInt32BE(20), 64);
});
