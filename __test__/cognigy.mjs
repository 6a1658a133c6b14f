// Cognigy's node runtime for the suites: runs a node's function with a recording `cognigy.api`
// (recording-api.mjs), and child nodes get ids like Cognigy gives them.
import * as path from "node:path";

import { requireFromRoot, root } from "./helpers.mjs";
import { recordingApi } from "./recording-api.mjs";

export const extension = requireFromRoot(path.join(root, "build", "module.js")).default;

export function descriptor(type) {
	const found = extension.nodes.find((node) => node.type === type);
	if (!found) throw new Error(`no node ${type}`);
	return found;
}

/** Runs a node's function as Cognigy would, with `config` and the children of its descriptor. */
export async function executeNode(type, config, { input = {}, context = {}, profile = {}, children } = {}) {
	const node = descriptor(type);
	const childTypes = children ?? node.dependencies?.children ?? [];
	const childConfigs = childTypes.map((child) => ({ id: `id-${child}`, type: child, config: {} }));
	const { api, calls } = recordingApi(input, context);
	await node.function({ cognigy: { api, input, context, profile }, config, childConfigs, nodeId: `id-${type}` });
	const next = calls.filter((c) => c.call === "setNextNode").map((c) => c.id.replace(/^id-/, ""));
	return {
		calls,
		input,
		context,
		said: calls.filter((c) => c.call === "say").map((c) => c.text),
		logs: calls.filter((c) => c.call === "log"),
		stored: calls.filter((c) => c.call === "addToInput" || c.call === "addToContext"),
		exit: next.length === 1 ? next[0] : next,
	};
}

/** Runs the options resolver of a node's select field. */
export async function resolveOptions(type, field, config) {
	const resolver = descriptor(type).fields.find((f) => f.key === field).optionsResolver;
	return resolver.resolverFunction({ config, api: {} });
}
