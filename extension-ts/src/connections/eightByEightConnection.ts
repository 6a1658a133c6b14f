import type { IConnectionSchema } from "@cognigy/extension-tools";

/**
 * 8x8 OAuth: one connection for everything on api.8x8.com. Type, label and field names are those of
 * the original extension, so connections and flows made with it keep working.
 * `username` is the 8x8 API key, `password` its secret, `region` one of us, eu, ca, ap.
 */
export const eightByEightConnection: IConnectionSchema = {
	type: "eightbyeight",
	label: "8x8 OAuth",
	fields: [
		{ fieldName: "username" },
		{ fieldName: "password" },
		{ fieldName: "tenant" },
		{ fieldName: "region" },
	],
};
