import { createExtension } from "@cognigy/extension-tools";

import { eightByEightConnection } from "./connections/eightByEightConnection";
import { eightByEightCrmConnection } from "./connections/eightByEightCrmConnection";

export default createExtension({
	nodes: [],
	connections: [eightByEightConnection, eightByEightCrmConnection],
	options: {
		label: "8x8",
	},
});
