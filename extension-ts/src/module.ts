import { createExtension } from "@cognigy/extension-tools";

import { eightByEightConnection } from "./connections/eightByEightConnection";
import { eightByEightCrmConnection } from "./connections/eightByEightCrmConnection";
import { getCustomerNode, onCustomerError, onFoundCustomer, onNotFoundCustomer } from "./nodes/getCustomer";
import { handoverToEightByEightNode, onHandover, onHandoverError } from "./nodes/handoverToEightByEight";

export default createExtension({
	nodes: [
		handoverToEightByEightNode,
		onHandover,
		onHandoverError,
		getCustomerNode,
		onFoundCustomer,
		onNotFoundCustomer,
		onCustomerError,
	],
	connections: [eightByEightConnection, eightByEightCrmConnection],
	options: {
		label: "8x8",
	},
});
