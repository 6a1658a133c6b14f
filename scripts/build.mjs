#!/usr/bin/env node
// Builds the addon, the extension and (in release mode) the Cognigy upload file.
//
//   node scripts/build.mjs release   both Linux x64 binaries (glibc 2.28 floor, musl) cross-linked
//                                     with zig, the extension, and eightbyeight.tar.gz
//   node scripts/build.mjs debug     a fast debug binary for this machine and the extension (tests)
//
// The release binaries are cross-linked by cargo-zigbuild even on Linux x64: a native build on a
// current distribution would need a newer glibc than many Cognigy runtimes have.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv[2] ?? "release";
if (mode !== "release" && mode !== "debug") {
	console.error(`usage: node scripts/build.mjs [release|debug] (got "${mode}")`);
	process.exit(2);
}

const UPLOAD_FILE = "eightbyeight.tar.gz";
const BINARY = "eightbyeight";
// napi target (with the glibc floor zig links against) -> file suffix.
const RELEASE_TARGETS = [
	["x86_64-unknown-linux-gnu.2.28", "linux-x64-gnu"],
	["x86_64-unknown-linux-musl", "linux-x64-musl"],
];

const env = { ...process.env, PATH: `${path.join(root, ".tools", "bin")}${path.delimiter}${process.env.PATH}` };
const napi = path.join(root, "node_modules", ".bin", "napi");
const tsc = path.join(root, "node_modules", ".bin", "tsc");

function run(command, args, options = {}) {
	console.log(`> ${[path.basename(command), ...args].join(" ")}`);
	try {
		execFileSync(command, args, { cwd: root, env, stdio: "inherit", ...options });
	} catch (error) {
		throw new BuildFailure(`${path.basename(command)} exited with ${error.status ?? error.signal ?? error.code}`);
	}
}

/** A step failed after printing its own diagnostics; a stack trace of this script adds nothing. */
class BuildFailure extends Error {}

function onPath(command) {
	return env.PATH.split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, command)));
}

try {
	build();
} catch (error) {
	if (!(error instanceof BuildFailure)) throw error;
	console.error(`build failed: ${error.message}`);
	process.exit(1);
}

function build() {
	if (mode === "release" && !(onPath("zig") && onPath("cargo-zigbuild"))) {
		throw new BuildFailure("zig and cargo-zigbuild are needed to cross-link the release binaries: run `bash .ci/install-tools` once.");
	}

	// 1. Native addon. napi also writes index.js (the loader for npm users) and index.d.ts.
	const suffixes = [];
	if (mode === "release") {
		for (const [target, suffix] of RELEASE_TARGETS) {
			run(napi, ["build", "--platform", "--release", "--target", target, "--cross-compile"]);
			suffixes.push(suffix);
		}
	} else {
		run(napi, ["build", "--platform"]);
		suffixes.push("linux-x64-gnu");
	}

	// 2. The extension, compiled to build/, and the binaries beside its loader in build/native/.
	fs.rmSync(path.join(root, "build"), { recursive: true, force: true });
	run(tsc, ["-p", "extension-ts"]);
	for (const suffix of suffixes) {
		const file = `${BINARY}.${suffix}.node`;
		fs.copyFileSync(path.join(root, file), path.join(root, "build", "native", file));
	}
	if (mode === "debug") {
		return;
	}

	// 3. The upload file, laid out as Cognigy's own extensions are: build/, package.json,
	// package-lock.json, README.md and icon.png at the top level. Its package.json is the extension's
	// view of this package: `main` is the extension module, and there are no scripts, no dev or
	// optional dependencies, because Cognigy runs `npm install` on upload and must fetch nothing else.
	const project = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), "eightbyeight-upload-"));
	try {
		fs.cpSync(path.join(root, "build"), path.join(stage, "build"), { recursive: true });
		for (const file of ["README.md", "icon.png"]) {
			fs.copyFileSync(path.join(root, file), path.join(stage, file));
		}
		const extensionPackage = {
			name: project.name,
			version: project.version,
			description: project.description,
			license: project.license,
			main: "build/module.js",
			engines: project.engines,
			dependencies: project.dependencies,
		};
		fs.writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(extensionPackage, null, 2)}\n`);
		// A lock file for exactly those dependencies, so the install on upload is reproducible.
		run("npm", ["install", "--package-lock-only", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], {
			cwd: stage,
		});
		const output = path.join(root, UPLOAD_FILE);
		run("tar", ["-czf", output, "-C", stage, "build", "package.json", "package-lock.json", "README.md", "icon.png"]);
		console.log(`wrote ${UPLOAD_FILE} (${fs.statSync(output).size} bytes)`);
	} finally {
		fs.rmSync(stage, { recursive: true, force: true });
	}
}
