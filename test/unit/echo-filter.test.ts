import { expect } from 'chai';
import { madeByIgnoredApiUser } from '../../source-marketo/streams/echo-filter';

describe('echo filter: changes made through the API by an ignored user', () => {
  const change = (attributes: Array<{ name: string; value: unknown }>) => ({
    marketoGUID: '1',
    leadId: 5,
    activityDate: '2026-01-01T00:00:00Z',
    activityTypeId: 13,
    attributes,
  });
  const table: Array<[string, Array<{ name: string; value: unknown }>, string[], boolean]> = [
    ['by the ignored user, in another case', [{ name: 'Modifying User', value: 'Sync@Acme.com' }], ['sync@acme.com'], true],
    ['by another user', [{ name: 'Modifying User', value: 'other@acme.com' }], ['sync@acme.com'], false],
    ['by a flow, with no modifying user', [{ name: 'Source', value: 'Marketo Flow Action' }], ['sync@acme.com'], false],
    ['named as "Api User", with spaces around', [{ name: 'Api User', value: ' sync@acme.com ' }], ['sync@acme.com'], true],
    ['with no users ignored', [{ name: 'Modifying User', value: 'sync@acme.com' }], [], false],
  ];
  for (const [name, attributes, ignored, expected] of table) {
    it(name, () => expect(madeByIgnoredApiUser(change(attributes), ignored)).to.equal(expected));
  }
});
