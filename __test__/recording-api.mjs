// A recording fake of Cognigy's `cognigy.api`, shared by the suites, the demo, the benchmark and
// the soak: every call is kept in `calls`, and what a node stores lands in `input` or `context`.
export function recordingApi(input = {}, context = {}) {
	const calls = [];
	const api = {
		say: (text, data) => calls.push({ call: "say", text, data }),
		log: (level, text) => calls.push({ call: "log", level, text }),
		addToContext: (key, value, mode) => {
			calls.push({ call: "addToContext", key, value, mode });
			context[key] = value;
		},
		addToInput: (key, value) => {
			calls.push({ call: "addToInput", key, value });
			input[key] = value;
		},
		setNextNode: (id) => calls.push({ call: "setNextNode", id }),
	};
	return { api, calls };
}

/** The child node a run went to, if any. */
export function nextNode(calls) {
	return calls.find((c) => c.call === "setNextNode")?.id;
}
