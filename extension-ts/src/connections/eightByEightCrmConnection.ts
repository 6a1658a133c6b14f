import type { IConnectionSchema } from "@cognigy/extension-tools";

/**
 * 8x8 CRM: the WAPI user of the tenant's CRM. Type, label and the first three fields are those of
 * the original extension. `cluster` is new (for example `vcc-eu3`); empty means `vcc-eu3`, the host
 * the original extension always called.
 */
export const eightByEightCrmConnection: IConnectionSchema = {
	type: "eightbyeight-crm",
	label: "8x8 CRM",
	fields: [
		{ fieldName: "username" },
		{ fieldName: "password" },
		{ fieldName: "tenant" },
		{ fieldName: "cluster" },
	],
};
