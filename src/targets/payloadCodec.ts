const decoder = new TextDecoder();

/** A response body as JSON where it parses, else as text; undefined when empty. */
export function decodePayload(payload: Uint8Array | undefined): unknown {
  if (payload === undefined || payload.length === 0) return undefined;
  const text = decoder.decode(payload);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
