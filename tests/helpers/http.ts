/** An HTTP answer read whole. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as a JSON object; `{}` when it is empty or not JSON (streams, HEAD). */
  readonly json: Record<string, unknown>;
}

/** Fetches `url` and reads the whole answer, as text and, when it is JSON, as an object. */
export async function fetchAnswer(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, text, json };
}
