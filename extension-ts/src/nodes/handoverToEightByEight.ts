/**
 * Handover To Agent: starts a live chat in the 8x8 Agent Desktop with the customer's details and
 * the chat so far, says the accept message once 8x8 accepted, stores the result and takes the
 * On Handover or On Error exit. Field keys are those of the original extension.
 */
import { createNodeDescriptor, INodeFunctionBaseParams } from "@cognigy/extension-tools";

import type { OAuthConnection } from "../../../index";
import {
	advancedSection,
	baseUrl,
	childId,
	childNode,
	CognigyApi,
	COLOR,
	errorInfo,
	readPath,
	store,
	storageFields,
	storageSection,
	StorageConfig,
	timeoutField,
} from "../cognigy";
import { addon } from "../native";

const TYPE = "handoverToEightByEight";
const LABEL = "Handover To Agent";
const DEFAULT_KEY = "livechat";

interface HandoverConfig extends StorageConfig {
	timeoutMs?: number;
	connection: OAuthConnection;
	api?: string;
	handoverAcceptMessage?: string;
	channelId?: string;
	queueId?: string;
	language?: string;
	name?: string;
	email?: string;
	company?: string;
	phone?: string;
	customerId?: string;
	caseId?: string;
	extraProperties?: unknown;
	transcriptSource?: string;
	maxMessages?: number;
}

/**
 * The API of a node's config. New nodes carry the field (Chat Gateway by default); a node made with
 * the original extension has none and keeps using the API it was made for, Chat API v2.
 */
function chatApi(api: string | undefined): "chatGateway" | "chatApiV2" {
	return api === "chatGateway" ? "chatGateway" : "chatApiV2";
}

/** The Channel dropdown: every channel of the tenant. A wrong connection shows an empty list and logs why. */
async function channelOptions(config: { connection?: OAuthConnection; api?: string }) {
	try {
		const channels = await addon().listChannels(config.connection ?? {}, {
			api: chatApi(config.api),
			baseUrl: baseUrl(),
		});
		return channels.map((channel) => ({
			label: channel.queueId ? `${channel.name} (queue ${channel.queueId})` : channel.name,
			value: channel.id,
		}));
	} catch (error) {
		const { code, message } = errorInfo(error);
		console.warn(`8x8 ${LABEL}: the channel list could not be loaded: ${code}: ${message}`);
		return [];
	}
}

export const onHandover = childNode("onHandover", TYPE, { default: "On Handover", deDE: "Bei Übergabe" });
export const onHandoverError = childNode("onHandoverError", TYPE, { default: "On Error", deDE: "Bei Fehler" });

export const handoverToEightByEightNode = createNodeDescriptor({
	type: TYPE,
	defaultLabel: { default: LABEL, deDE: "An Agent übergeben" },
	summary: {
		default: "Starts a live chat in the 8x8 Agent Desktop with the transcript and the customer's details",
		deDE: "Startet einen Live-Chat im 8x8 Agent Desktop mit dem Verlauf und den Kundendaten",
	},
	fields: [
		{
			key: "connection",
			label: { default: "8x8 OAuth Connection", deDE: "8x8-OAuth-Verbindung" },
			type: "connection",
			params: { connectionType: "eightbyeight", required: true },
		},
		{
			key: "api",
			label: { default: "API", deDE: "API" },
			type: "select",
			description: {
				default: "Chat Gateway is 8x8's current chat API; Chat API v2 is the one of the original extension",
				deDE: "Chat Gateway ist die aktuelle Chat-API von 8x8; Chat API v2 die der ursprünglichen Erweiterung",
			},
			defaultValue: "chatGateway",
			params: {
				required: true,
				options: [
					{ label: "Chat Gateway", value: "chatGateway" },
					{ label: "Chat API v2", value: "chatApiV2" },
				],
			},
		},
		{
			key: "handoverAcceptMessage",
			label: { default: "Handover Accept Message", deDE: "Nachricht bei angenommener Übergabe" },
			type: "cognigyText",
			description: {
				default: "Said to the user once 8x8 has accepted the chat; nothing is said when the handover fails",
				deDE: "Wird gesagt, sobald 8x8 den Chat angenommen hat; bei einem Fehler wird nichts gesagt",
			},
		},
		{
			key: "channelId",
			label: { default: "Channel", deDE: "Kanal" },
			type: "select",
			description: {
				default: "The 8x8 chat channel; its queue is offered the chat",
				deDE: "Der 8x8-Chat-Kanal; seiner Warteschlange wird der Chat angeboten",
			},
			params: { required: true },
			optionsResolver: {
				dependencies: ["connection", "api"],
				resolverFunction: async ({ config }) => channelOptions(config as { connection?: OAuthConnection; api?: string }),
			},
		},
		{
			key: "queueId",
			label: { default: "Queue ID", deDE: "Warteschlangen-ID" },
			type: "cognigyText",
			description: {
				default: "Optional: route to this queue instead of the channel's (Chat Gateway only)",
				deDE: "Optional: an diese Warteschlange statt an die des Kanals leiten (nur Chat Gateway)",
			},
			condition: { key: "api", value: "chatGateway" },
		},
		{
			key: "language",
			label: { default: "Language", deDE: "Sprache" },
			type: "cognigyText",
			description: {
				default: "The user's language, one of 8x8's codes (en, de, fr, …): routes to an agent who speaks it",
				deDE: "Die Sprache des Nutzers als 8x8-Code (en, de, fr, …): leitet an einen Agenten, der sie spricht",
			},
			defaultValue: "en",
		},
		{
			key: "name",
			label: { default: "Name", deDE: "Name" },
			type: "cognigyText",
			description: { default: "The user's full name, shown to the agent", deDE: "Der volle Name des Nutzers, für den Agenten sichtbar" },
			defaultValue: "Cognigy User",
		},
		{
			key: "email",
			label: { default: "Email Address", deDE: "E-Mail-Adresse" },
			type: "cognigyText",
			description: { default: "The user's email address", deDE: "Die E-Mail-Adresse des Nutzers" },
		},
		{
			key: "company",
			label: { default: "Company", deDE: "Firma" },
			type: "cognigyText",
			description: { default: "The user's company", deDE: "Die Firma des Nutzers" },
		},
		{
			key: "phone",
			label: { default: "Phone", deDE: "Telefon" },
			type: "cognigyText",
			description: { default: "The user's phone number", deDE: "Die Telefonnummer des Nutzers" },
		},
		{
			key: "customerId",
			label: { default: "Customer ID", deDE: "Kunden-ID" },
			type: "cognigyText",
			description: {
				default: "An 8x8 CRM customer ID: the agent gets a screen pop of that customer",
				deDE: "Eine Kunden-ID aus dem 8x8 CRM: der Agent sieht den Kunden sofort",
			},
		},
		{
			key: "caseId",
			label: { default: "Case ID", deDE: "Fall-ID" },
			type: "cognigyText",
			description: { default: "An 8x8 CRM case ID", deDE: "Eine Fall-ID aus dem 8x8 CRM" },
		},
		{
			key: "extraProperties",
			label: { default: "Extra Properties", deDE: "Weitere Angaben" },
			type: "json",
			description: {
				default: 'More details for the agent as text values, e.g. {"plan": "gold"}. 8x8 takes at most 30 values in all',
				deDE: 'Weitere Angaben für den Agenten als Texte, z. B. {"plan": "gold"}. 8x8 nimmt höchstens 30 Werte insgesamt',
			},
			defaultValue: {},
		},
		{
			key: "transcriptSource",
			label: { default: "Transcript Source", deDE: "Quelle des Verlaufs" },
			type: "text",
			description: {
				default: "Where the chat so far is kept (input., context. or profile.)",
				deDE: "Wo der bisherige Chat liegt (input., context. oder profile.)",
			},
			defaultValue: "input.data.transcript",
		},
		{
			key: "maxMessages",
			label: { default: "Latest Messages to Send", deDE: "Anzahl der letzten Nachrichten" },
			type: "number",
			description: {
				default: "How many of the latest transcript messages the agent sees (at most 200)",
				deDE: "Wie viele der letzten Nachrichten der Agent sieht (höchstens 200)",
			},
			defaultValue: 200,
			params: { min: 1, max: 200 },
		},
		...storageFields(DEFAULT_KEY),
		timeoutField,
	],
	sections: [
		{
			key: "customer",
			label: { default: "User Details", deDE: "Angaben zum Nutzer" },
			defaultCollapsed: true,
			fields: ["language", "name", "email", "company", "phone", "customerId", "caseId", "extraProperties"],
		},
		{
			key: "transcript",
			label: { default: "Transcript", deDE: "Verlauf" },
			defaultCollapsed: true,
			fields: ["transcriptSource", "maxMessages"],
		},
		storageSection,
		advancedSection,
	],
	form: [
		{ type: "field", key: "connection" },
		{ type: "field", key: "api" },
		{ type: "field", key: "handoverAcceptMessage" },
		{ type: "field", key: "channelId" },
		{ type: "field", key: "queueId" },
		{ type: "section", key: "customer" },
		{ type: "section", key: "transcript" },
		{ type: "section", key: "storage" },
		{ type: "section", key: "advanced" },
	],
	appearance: { color: COLOR },
	tags: ["service"],
	dependencies: { children: ["onHandover", "onHandoverError"] },
	function: async ({ cognigy, config: fields, childConfigs }: INodeFunctionBaseParams) => {
		const config = fields as HandoverConfig;
		const api = cognigy.api as CognigyApi;
		const { input, context, profile } = cognigy;
		try {
			const transcript = readPath(config.transcriptSource || "input.data.transcript", { input, context, profile });
			const conversation = await addon().createConversation({
				connection: config.connection,
				api: chatApi(config.api),
				channelId: config.channelId,
				queueId: config.queueId,
				customer: {
					name: config.name,
					email: config.email,
					phone: config.phone,
					company: config.company,
					customerId: config.customerId,
					caseId: config.caseId,
					language: config.language,
					properties: config.extraProperties as Record<string, string> | undefined,
				},
				session: { userId: input.userId, sessionId: input.sessionId, urlToken: input.URLToken },
				transcript,
				maxMessages: config.maxMessages,
				timeoutMs: config.timeoutMs,
				baseUrl: baseUrl(),
			});
			const { conversationId, timestamp, channelId } = conversation;
			store(api, config, DEFAULT_KEY, { conversationId, timestamp, api: conversation.api, channelId }, LABEL);
			if (config.handoverAcceptMessage?.trim()) {
				api.say?.(config.handoverAcceptMessage);
			}
			api.log?.(
				"info",
				`${LABEL}: 8x8 accepted conversation ${conversationId} on ${conversation.api} ` +
					`(${conversation.messagesSent} transcript messages sent, ${conversation.messagesDropped} left out)`,
			);
			const next = childId(childConfigs, "onHandover");
			if (next) api.setNextNode?.(next);
		} catch (caught) {
			const error = errorInfo(caught);
			store(api, config, DEFAULT_KEY, { error }, LABEL);
			api.log?.("error", `${LABEL} failed: ${error.code}: ${error.message}`);
			const next = childId(childConfigs, "onHandoverError");
			if (next) api.setNextNode?.(next);
		}
	},
});
