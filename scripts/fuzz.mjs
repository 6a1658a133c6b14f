// `npm run fuzz`: the long run of the property tests (the `fuzz_` tests beside the WAPI reply
// parser, the query escaping, the transcript mapper and the validators). `npm test` runs the same
// properties with 256 cases each; this runs FUZZ_CASES in all (default 1,200,000), spread evenly.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROPERTIES = [
	"crm::reply::fuzz::fuzz_reply_parser_never_panics_on_bytes",
	"crm::reply::fuzz::fuzz_reply_parser_never_panics_on_xml_like_text",
	"crm::reply::fuzz::fuzz_reply_values_round_trip",
	"crm::query::fuzz::fuzz_query_values_cannot_escape_their_element",
	"chat::transcript::fuzz::fuzz_transcript_mapper_keeps_its_promises",
	"config::fuzz::fuzz_validators_accept_only_safe_values",
];
const total = Number(process.env.FUZZ_CASES ?? 1_200_000);
const perProperty = Math.ceil(total / PROPERTIES.length);

console.log(`Building the property tests (profile fuzz) …`);
execFileSync("cargo", ["test", "--profile", "fuzz", "--lib", "--no-run"], { cwd: root, stdio: "inherit" });

let cases = 0;
const started = Date.now();
for (const property of PROPERTIES) {
	const t0 = Date.now();
	execFileSync("cargo", ["test", "--profile", "fuzz", "--lib", "--quiet", property, "--", "--exact"], {
		cwd: root,
		stdio: ["ignore", "ignore", "inherit"],
		env: { ...process.env, PROPTEST_CASES: String(perProperty), PROPTEST_MAX_SHRINK_ITERS: "10000" },
	});
	cases += perProperty;
	console.log(`${property}: ${perProperty.toLocaleString("en")} cases, no failure (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`\n${cases.toLocaleString("en")} cases in ${((Date.now() - started) / 1000).toFixed(0)} s: no panic, no failed property.`);
