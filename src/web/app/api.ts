/** The page's reads from the dashboard server (same origin), typed by ../types.ts. */
export async function getJson<T>(
  path: string,
  query: Record<string, string | number> = {},
): Promise<T> {
  const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${path}${q.size ? `?${q}` : ""}`);
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}
