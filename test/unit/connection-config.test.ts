import { expect } from 'chai';
import { normaliseDomainUrl, parseConnection } from '../../marketo/config';
import { MarketoConfigError } from '../../marketo/errors';

describe('connection config', () => {
  it('requires https except on loopback hosts', () => {
    expect(normaliseDomainUrl('https://123-ABC-456.mktorest.com/rest/')).to.equal('https://123-abc-456.mktorest.com');
    expect(normaliseDomainUrl('http://127.0.0.1:8080')).to.equal('http://127.0.0.1:8080');
    expect(normaliseDomainUrl('http://localhost:9')).to.equal('http://localhost:9');
    expect(() => normaliseDomainUrl('http://123-ABC-456.mktorest.com')).to.throw(MarketoConfigError, /must use https/);
    expect(() => normaliseDomainUrl('not a url')).to.throw(MarketoConfigError, /not a valid URL/);
  });

  it('refuses limits above what Marketo allows the whole subscription', () => {
    const base = { domain_url: 'https://x.mktorest.com', client_id: 'a', client_secret: 'b' };
    expect(parseConnection(base)).to.include({ maxCallsPer20s: 50, maxConcurrentCalls: 5 });
    expect(() => parseConnection({ ...base, max_calls_per_20s: 101 })).to.throw(/above Marketo's own limit of 100/);
    expect(() => parseConnection({ ...base, max_concurrent_calls: 0 })).to.throw(/positive whole number/);
  });
});
