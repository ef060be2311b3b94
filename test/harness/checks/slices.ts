import { isObject } from '../json-walk';
import { descriptorKey } from '../state-file';
import { Failures } from './failures';

/**
 * The precondition of CAT I2 (`test_read_sequential_slices`): CAT resumes from intermediate
 * states and expects `total - sum(recordCount so far)` records, so each STATE's
 * `sourceStats.recordCount` must be the number of that stream's records since its previous STATE.
 */
export function checkSequentialSlices(messages: readonly unknown[]): string[] {
  const failures = new Failures();
  const sinceLastState = new Map<string, number>();
  const stateNumber = new Map<string, number>();
  for (const m of messages) {
    if (!isObject(m)) continue;
    if (m.type === 'RECORD' && isObject(m.record)) {
      const key = descriptorKey({ name: m.record.stream, namespace: m.record.namespace });
      sinceLastState.set(key, (sinceLastState.get(key) ?? 0) + 1);
    }
    if (m.type !== 'STATE' || !isObject(m.state)) continue;
    const state = m.state;
    const descriptor = isObject(state.stream) ? state.stream.stream_descriptor : undefined;
    if (!isObject(descriptor)) {
      failures.add(`I2: a STATE has no stream.stream_descriptor, so its records cannot be counted`, 'I2 descriptor');
      continue;
    }
    const key = descriptorKey(descriptor);
    const n = (stateNumber.get(key) ?? 0) + 1;
    stateNumber.set(key, n);
    const expected = sinceLastState.get(key) ?? 0;
    sinceLastState.set(key, 0);
    const group = `I2: stream "${String(descriptor.name)}"`;
    const count = isObject(state.sourceStats) ? state.sourceStats.recordCount : undefined;
    if (typeof count !== 'number') {
      failures.add(`${group} STATE #${n} has no sourceStats.recordCount (${expected} records since the previous STATE)`, group);
    } else if (count !== expected) {
      failures.add(`${group} STATE #${n} says recordCount ${count}, but ${expected} records were emitted since the previous STATE`, group);
    }
  }
  return failures.result();
}
