// The TypeScript way, as Cognigy's TypeScript 8x8 extension does it (see its handover and
// getCustomer nodes): axios for HTTP, xml2js for the CRM reply, a fresh OAuth token for every
// Chat API v2 handover, no retries, no timeouts, no validation. The same node-function shape as
// ours, so the benchmark runs both with the same fake `cognigy.api`.
import axios from "axios";
import { parseString } from "xml2js";

export async function handoverChatApiV2({ cognigy, config }) {
	const { api, input } = cognigy;
	const { username, password, tenant, region } = config.connection;
	try {
		const token = await axios({
			method: "POST",
			url: `${config.baseUrl}/oauth/v2/token`,
			headers: {
				Accept: "application/json",
				"Content-Type": "application/x-www-form-urlencoded",
				Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
			},
			data: "grant_type=client_credentials",
		});
		const response = await axios({
			method: "POST",
			url: `${config.baseUrl}/vcc/${region}/chat/v2/tenant/${tenant}/conversations`,
			headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: `Bearer ${token.data.access_token}` },
			data: {
				channelId: config.channelId,
				customer: {
					language: config.language,
					name: config.name,
					email: config.email,
					company: config.company,
					cognigyUserId: input.userId,
					cognigySessionId: input.sessionId,
					cognigyURLToken: input.URLToken,
				},
				history: { messages: input.data.transcript.map((m) => ({ type: m.source, text: m.text })) },
			},
		});
		api.say(config.handoverAcceptMessage);
		api.addToInput(config.inputKey, response.data);
	} catch (error) {
		api.log("error", error.message);
	}
}

export async function handoverChatGateway({ cognigy, config }) {
	const { api, input } = cognigy;
	const { username, tenant } = config.connection;
	try {
		const response = await axios({
			method: "POST",
			url: `${config.baseUrl}/chat-gateway/v1/conversations`,
			headers: { Accept: "application/json", "Content-Type": "application/json", "x-api-key": username, "X-8x8-Tenant": tenant },
			data: {
				channelId: config.channelId,
				user: {
					name: config.name,
					email: config.email,
					company: config.company,
					language: config.language,
					additionalProperties: [
						{ key: "cognigyUserId", value: input.userId },
						{ key: "cognigySessionId", value: input.sessionId },
						{ key: "cognigyURLToken", value: input.URLToken },
					],
				},
				history: { messages: input.data.transcript.map((m) => ({ authorType: m.source, text: m.text })) },
			},
		});
		api.say(config.handoverAcceptMessage);
		api.addToInput(config.inputKey, response.data);
	} catch (error) {
		api.log("error", error.message);
	}
}

export async function getCustomer({ cognigy, config }) {
	const { api } = cognigy;
	const { username, password, tenant } = config.connection;
	try {
		const response = await axios({
			method: "POST",
			url: `${config.baseUrl}/WAPI/wapi.php`,
			data: `xml_query=<WAPI>    <TENANT>${tenant}</TENANT>    <USERNAME>${username}</USERNAME>    <PASSWORD>${password}</PASSWORD>    <COMMAND OBJECT="Customer" ACTION="GET">        <EMAIL>${config.email}</EMAIL>    </COMMAND></WAPI>`,
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
		});
		await new Promise((resolve, reject) =>
			parseString(response.data, (error, result) => {
				if (error) return reject(error);
				api.addToInput(config.inputKey, result[username.toUpperCase()].REPLY[0].ITEM);
				resolve();
			}),
		);
	} catch (error) {
		api.log("error", error.message);
	}
}
