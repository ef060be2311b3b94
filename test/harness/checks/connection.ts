import { isObject } from '../json-walk';

/** CAT TestConnection C1–C3 on the messages of one `check` run. */
export type ExpectedConnection = 'succeed' | 'failed' | 'exception';

export function checkConnection(messages: readonly unknown[], expected: ExpectedConnection): string[] {
  const msgs = messages.filter(isObject);
  if (expected === 'exception') {
    const traces = msgs.filter((m) => m.type === 'TRACE');
    const error = traces.length === 1 && isObject(traces[0].trace) ? traces[0].trace.error : undefined;
    if (traces.length !== 1) return [`C3: expected exactly one TRACE message, got ${traces.length}`];
    return isObject(error) && typeof error.message === 'string' && error.message !== '' ? [] : ['C3: the TRACE message has no error.message'];
  }
  const statuses = msgs.filter((m) => m.type === 'CONNECTION_STATUS');
  const id = expected === 'succeed' ? 'C1' : 'C2';
  if (statuses.length !== 1) return [`${id}: expected exactly one CONNECTION_STATUS message, got ${statuses.length}`];
  const status = isObject(statuses[0].connectionStatus) ? statuses[0].connectionStatus.status : undefined;
  const wanted = expected === 'succeed' ? 'SUCCEEDED' : 'FAILED';
  return status === wanted ? [] : [`${id}: expected status ${wanted}, got ${JSON.stringify(status)}`];
}
