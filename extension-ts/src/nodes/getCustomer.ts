/**
 * Get Customer: finds the customer in the 8x8 CRM by email address and stores what 8x8 knows,
 * in the original extension's shape (default) or a simple one, then takes On Found Customer, On
 * Not Found Customer or On Error. A flow made with the original extension has no error exit; there
 * errors go to Not Found, as they did in the original.
 */
import { createNodeDescriptor, INodeFunctionBaseParams } from "@cognigy/extension-tools";

import type { CrmConnection } from "../../../index";
import {
	advancedSection,
	baseUrl,
	childId,
	childNode,
	CognigyApi,
	COLOR,
	errorInfo,
	store,
	storageFields,
	storageSection,
	StorageConfig,
	timeoutField,
} from "../cognigy";
import { addon } from "../native";

const TYPE = "getCustomer";
const LABEL = "Get Customer";
const DEFAULT_KEY = "customer";

interface GetCustomerConfig extends StorageConfig {
	timeoutMs?: number;
	connection: CrmConnection;
	email?: string;
	resultFormat?: string;
}

export const onFoundCustomer = childNode("onFoundCustomer", TYPE, { default: "On Found Customer", deDE: "Kunde gefunden" });
export const onNotFoundCustomer = childNode("onNotFoundCustomer", TYPE, {
	default: "On Not Found Customer",
	deDE: "Kunde nicht gefunden",
});
export const onCustomerError = childNode("onCustomerError", TYPE, { default: "On Error", deDE: "Bei Fehler" });

export const getCustomerNode = createNodeDescriptor({
	type: TYPE,
	defaultLabel: { default: LABEL, deDE: "Kunden abrufen" },
	summary: {
		default: "Finds a customer in the 8x8 CRM by email address",
		deDE: "Sucht einen Kunden im 8x8 CRM anhand der E-Mail-Adresse",
	},
	fields: [
		{
			key: "connection",
			label: { default: "8x8 CRM Connection", deDE: "8x8-CRM-Verbindung" },
			type: "connection",
			params: { connectionType: "eightbyeight-crm", required: true },
		},
		{
			key: "email",
			label: { default: "E-Mail Address", deDE: "E-Mail-Adresse" },
			type: "cognigyText",
			description: {
				default: "The customer's email address (at most 55 characters)",
				deDE: "Die E-Mail-Adresse des Kunden (höchstens 55 Zeichen)",
			},
			params: { required: true },
		},
		{
			key: "resultFormat",
			label: { default: "Result Format", deDE: "Ergebnisformat" },
			type: "select",
			description: {
				default: "Original keeps the original extension's shape (customer[0].FIRSTNAME[0]); Simple stores plain fields (customer[0].firstName)",
				deDE: "Original behält die Form der ursprünglichen Erweiterung (customer[0].FIRSTNAME[0]); Simple speichert einfache Felder (customer[0].firstName)",
			},
			defaultValue: "original",
			params: {
				required: true,
				options: [
					{ label: "Original", value: "original" },
					{ label: "Simple", value: "simple" },
				],
			},
		},
		...storageFields(DEFAULT_KEY),
		timeoutField,
	],
	sections: [storageSection, advancedSection],
	form: [
		{ type: "field", key: "connection" },
		{ type: "field", key: "email" },
		{ type: "field", key: "resultFormat" },
		{ type: "section", key: "storage" },
		{ type: "section", key: "advanced" },
	],
	appearance: { color: COLOR },
	tags: ["service", "data"],
	dependencies: { children: ["onFoundCustomer", "onNotFoundCustomer", "onCustomerError"] },
	function: async ({ cognigy, config: fields, childConfigs }: INodeFunctionBaseParams) => {
		const config = fields as GetCustomerConfig;
		const api = cognigy.api as CognigyApi;
		const notFound = childId(childConfigs, "onNotFoundCustomer");
		try {
			const lookup = await addon().getCustomer({
				connection: config.connection,
				email: config.email,
				timeoutMs: config.timeoutMs,
				baseUrl: baseUrl(),
			});
			store(api, config, DEFAULT_KEY, config.resultFormat === "simple" ? lookup.customers : lookup.items, LABEL);
			const next = lookup.found ? childId(childConfigs, "onFoundCustomer") : notFound;
			if (next) api.setNextNode?.(next);
		} catch (caught) {
			const error = errorInfo(caught);
			store(api, config, DEFAULT_KEY, { error }, LABEL);
			api.log?.("error", `${LABEL} failed: ${error.code}: ${error.message}`);
			const next = childId(childConfigs, "onCustomerError") ?? notFound;
			if (next) api.setNextNode?.(next);
		}
	},
});
