import { Sandbox } from '../../sandbox';
import { SandboxClient } from '../harness/sandbox-client';

/** Calls the sandbox's REST API as another integration would (e.g. to write companies a test then reads back). */
export async function marketoCall(sandbox: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const client = await SandboxClient.connect(sandbox);
  const envelope = method === 'GET' ? await client.get(path) : await client.post(path, body);
  if (!envelope.success) throw new Error(`${method} ${path}: ${JSON.stringify(envelope.errors)}`);
  return envelope;
}

/** Writes records through Sync Companies / Sync Custom Objects, 300 per call; returns every result. */
export async function syncObjects(sandbox: Sandbox, path: string, input: Record<string, unknown>[]): Promise<any[]> {
  const results: any[] = [];
  for (let i = 0; i < input.length; i += 300) {
    const envelope = await marketoCall(sandbox, 'POST', path, { input: input.slice(i, i + 300) });
    const skipped = envelope.result.filter((r: any) => r.status === 'skipped');
    if (skipped.length > 0) throw new Error(`${path}: ${JSON.stringify(skipped.slice(0, 3))}`);
    results.push(...envelope.result);
  }
  return results;
}
