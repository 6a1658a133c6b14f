// The Cognigy extension as Cognigy loads it: the default export of build/module.js.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";

import { requireFromRoot, root } from "./helpers.mjs";

const extension = requireFromRoot(path.join(root, "build", "module.js")).default;

test("the extension declares the two connections exactly as the original, plus the CRM cluster", () => {
	assert.deepEqual(extension.connections, [
		{
			type: "eightbyeight",
			label: "8x8 OAuth",
			fields: [{ fieldName: "username" }, { fieldName: "password" }, { fieldName: "tenant" }, { fieldName: "region" }],
		},
		{
			type: "eightbyeight-crm",
			label: "8x8 CRM",
			fields: [{ fieldName: "username" }, { fieldName: "password" }, { fieldName: "tenant" }, { fieldName: "cluster" }],
		},
	]);
});

test("the extension has the shape createExtension gives it", () => {
	assert.equal(extension.nodes.length, 7);
	assert.equal(extension.options.label, "8x8");
});
