/**
 * The few things every eightbyeight node does with Cognigy: declare the storage fields and child
 * nodes, store a result within Cognigy's size limit, pick the exit, turn an error into something
 * safe to store and log. The 8x8 work itself is done by the native addon.
 */
import type { INodeDescriptor } from "@cognigy/extension-tools";
import { createNodeDescriptor } from "@cognigy/extension-tools";
// Types that 0.14's index does not re-export; type-only, so nothing is loaded at run time.
import type {
	INodeExecutionAPI,
	INodeField,
	INodeFieldTranslations,
	INodeSection,
} from "@cognigy/extension-tools/build/interfaces/descriptor";

/** 0.14's typings lack `addToInput`, which every Cognigy runtime has. */
export type CognigyApi = INodeExecutionAPI & { addToInput?: (key: string, value: unknown) => void };

export interface ChildConfig {
	id: string;
	type: string;
}

/** Objects passed to Cognigy calls must stay under about 62 KB; keep a margin. */
export const MAX_STORED_BYTES = 60 * 1024;

/** The brand colour of the 8x8 nodes. */
export const COLOR = "#ff0050";

export interface StorageConfig {
	storeLocation?: string;
	inputKey?: string;
	contextKey?: string;
}

/** The Storage section of the original extension: input or context, and the key. */
export function storageFields(defaultKey: string): INodeField[] {
	return [
		{
			key: "storeLocation",
			type: "select",
			label: { default: "Where to store the result", deDE: "Wo das Ergebnis gespeichert wird" },
			defaultValue: "input",
			params: {
				options: [
					{ label: "Input", value: "input" },
					{ label: "Context", value: "context" },
				],
				required: true,
			},
		},
		{
			key: "inputKey",
			type: "cognigyText",
			label: { default: "Input Key to store Result", deDE: "Input-Schlüssel für das Ergebnis" },
			defaultValue: defaultKey,
			condition: { key: "storeLocation", value: "input" },
		},
		{
			key: "contextKey",
			type: "cognigyText",
			label: { default: "Context Key to store Result", deDE: "Context-Schlüssel für das Ergebnis" },
			defaultValue: defaultKey,
			condition: { key: "storeLocation", value: "context" },
		},
	];
}

export const storageSection: INodeSection = {
	key: "storage",
	label: { default: "Storage Option", deDE: "Speicherort" },
	defaultCollapsed: true,
	fields: ["storeLocation", "inputKey", "contextKey"],
};

/**
 * The budget of one node execution's 8x8 work, retries included. Cognigy stops a node after 20 s,
 * so the budget stays below that.
 */
export const timeoutField: INodeField = {
	key: "timeoutMs",
	type: "number",
	label: { default: "Timeout (ms)", deDE: "Zeitlimit (ms)" },
	description: {
		default: "How long the node may wait for 8x8, retries included (1000 to 19000 ms)",
		deDE: "Wie lange der Knoten auf 8x8 warten darf, Wiederholungen eingeschlossen (1000 bis 19000 ms)",
	},
	defaultValue: 15000,
	params: { min: 1000, max: 19000 },
};

export const advancedSection: INodeSection = {
	key: "advanced",
	label: { default: "Advanced", deDE: "Erweitert" },
	defaultCollapsed: true,
	fields: ["timeoutMs"],
};

/** An exit of `parentType`: a small node Cognigy creates under it, which the parent jumps to. */
export function childNode(type: string, parentType: string, label: INodeFieldTranslations): INodeDescriptor {
	return createNodeDescriptor({
		type,
		parentType,
		defaultLabel: label,
		constraints: {
			editable: false,
			deletable: false,
			creatable: false,
			movable: false,
			placement: { predecessor: { whitelist: [] } },
		},
		appearance: { color: COLOR, textColor: "white", variant: "mini" },
	});
}

/** The id of the first child node of `type`, if the flow has one. */
export function childId(children: ChildConfig[] | undefined, type: string): string | undefined {
	return children?.find((child) => child.type === type)?.id;
}

/** What a failure looks like in Cognigy's storage and log. */
export interface StoredError {
	code: string;
	message: string;
	status?: number;
}

/**
 * The stored form of an error. The addon's messages never hold secrets or personal data; anything
 * else that may be thrown (a loader failure, a bug) keeps only its code and first line.
 */
export function errorInfo(error: unknown): StoredError {
	const e = error as { code?: unknown; message?: unknown; status?: unknown };
	const text = typeof e?.message === "string" ? e.message : String(error);
	if (typeof e?.code !== "string") {
		return { code: "INTERNAL", message: text.split("\n")[0] };
	}
	return typeof e.status === "number" ? { code: e.code, message: text, status: e.status } : { code: e.code, message: text };
}

function bytes(value: unknown): number {
	return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
}

/**
 * Stores `value` where the node's storage fields say. An array larger than Cognigy accepts keeps
 * its leading items that fit, and the cut is logged (counts only).
 */
export function store(api: CognigyApi, config: StorageConfig, defaultKey: string, value: unknown, node: string): void {
	let stored = value;
	if (Array.isArray(value) && bytes(value) > MAX_STORED_BYTES) {
		// "[" and "]", then each item and the comma before it.
		let size = 2;
		let kept = 0;
		while (kept < value.length && size + bytes(value[kept]) + (kept > 0 ? 1 : 0) <= MAX_STORED_BYTES) {
			size += bytes(value[kept]) + (kept > 0 ? 1 : 0);
			kept += 1;
		}
		stored = value.slice(0, kept);
		api.log?.(
			"warn",
			`${node}: the result was cut from ${value.length} to ${kept} items to stay under Cognigy's 60 KB limit`,
		);
	}
	if (config.storeLocation === "context") {
		api.addToContext?.(config.contextKey || defaultKey, stored, "simple");
	} else {
		api.addToInput?.(config.inputKey || defaultKey, stored);
	}
}

/**
 * Tests and the local demo point the nodes at the 8x8 simulator with this variable. The addon
 * accepts only `http://` to a loopback address for it, so it cannot redirect real traffic.
 */
export function baseUrl(): string | undefined {
	return process.env.EIGHTBYEIGHT_BASE_URL || undefined;
}

/**
 * Reads a value such as `input.data.transcript` from Cognigy's objects. Only `input`, `context` and
 * `profile` can be read; a missing value is `undefined`.
 */
export function readPath(path: string, objects: Record<"input" | "context" | "profile", unknown>): unknown {
	const [root, ...rest] = path.trim().split(".");
	if (!Object.prototype.hasOwnProperty.call(objects, root)) {
		throw Object.assign(new Error("`transcriptSource` must start with input., context. or profile."), {
			code: "INVALID_INPUT",
		});
	}
	let value: unknown = objects[root as keyof typeof objects];
	for (const key of rest) {
		if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, key)) {
			return undefined;
		}
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}
