// The floor: one bare Node `http` request per operation, to the same route with the same body,
// reading the reply and nothing else. No client can do less. The Chat API v2 token is fetched
// once beforehand, as a perfect cache would.
import * as http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function request(url, { method = "POST", headers = {}, body }) {
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers, agent }, (res) => {
			const chunks = [];
			res.on("data", (chunk) => chunks.push(chunk));
			res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
			res.on("error", reject);
		});
		req.on("error", reject);
		req.end(body);
	});
}

export async function prepare(target) {
	const reply = await request(`${target.url}/oauth/v2/token`, {
		headers: {
			authorization: `Basic ${Buffer.from(`${target.apiKey}:${target.apiSecret}`).toString("base64")}`,
			"content-type": "application/x-www-form-urlencoded",
		},
		body: "grant_type=client_credentials",
	});
	const token = JSON.parse(reply.body).access_token;
	const gatewayBody = JSON.stringify({
		channelId: "25",
		user: { name: "Laura Wilson", email: "l.wilson@cognigy.com", company: "Cognigy", language: "en" },
		history: { messages: [{ authorType: "user", text: "Hi" }] },
	});
	const v2Body = JSON.stringify({
		channelId: "25",
		customer: { name: "Laura Wilson", email: "l.wilson@cognigy.com", company: "Cognigy", language: "en" },
		history: { messages: [{ type: "user", text: "Hi" }] },
	});
	const wapiBody = new URLSearchParams({
		xml_query: `<WAPI><TENANT>${target.crm.tenant}</TENANT><USERNAME>${target.crm.username}</USERNAME><PASSWORD>${target.crm.password}</PASSWORD><COMMAND OBJECT="Customer" ACTION="GET"><EMAIL>l.wilson@cognigy.com</EMAIL></COMMAND></WAPI>`,
	}).toString();
	return {
		handoverChatGateway: () =>
			request(`${target.url}/chat-gateway/v1/conversations`, {
				headers: { "content-type": "application/json", "x-api-key": target.apiKey, "x-8x8-tenant": target.tenant },
				body: gatewayBody,
			}),
		handoverChatApiV2: () =>
			request(`${target.url}/vcc/eu/chat/v2/tenant/${target.tenant}/conversations`, {
				headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
				body: v2Body,
			}),
		getCustomer: () =>
			request(`${target.url}/WAPI/wapi.php`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: wapiBody }),
	};
}
