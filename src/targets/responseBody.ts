/** What an answer's body says, for people: `invoke` prints it, a failed call's message quotes it. */
const decoder = new TextDecoder();

/** A response body as JSON where it parses, else as text; undefined when empty. */
export function decodeResponseBody(payload: Uint8Array | undefined): unknown {
  if (payload === undefined || payload.length === 0) return undefined;
  const text = decoder.decode(payload);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
