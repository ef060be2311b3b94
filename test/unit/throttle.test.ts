import { expect } from 'chai';
import { Throttle } from '../../marketo/throttle';

describe('Throttle', () => {
  it('never lets more than maxCalls start in a window nor more than maxConcurrent run at once', async () => {
    let now = 0;
    const throttle = new Throttle(3, 2, 1000, () => now);
    const r1 = await throttle.acquire();
    const r2 = await throttle.acquire();
    let third = false;
    const p3 = throttle.acquire().then((r) => ((third = true), r));
    await new Promise((r) => setImmediate(r));
    expect(third, 'third waits for a concurrency slot').to.equal(false);
    r1();
    const r3 = await p3;
    r2();
    r3();
    let fourth = false;
    const p4 = throttle.acquire().then((r) => ((fourth = true), r));
    await new Promise((r) => setImmediate(r));
    expect(fourth, 'fourth waits for the window').to.equal(false);
    now = 1251;
    (await p4)();
    expect(fourth).to.equal(true);
  });

  it('after a call refused with 606: nothing starts for a tenth of the window, then one call at a time until one is let through', async () => {
    const throttle = new Throttle(100, 10, 500);
    const refused = await throttle.acquire();
    const t0 = Date.now();
    refused(true);
    const order: string[] = [];
    const call = async (name: string, rateLimited: boolean) => {
      const release = await throttle.acquire();
      order.push(`${name} starts at ${Date.now() - t0 >= 48 ? 'the end of the hold' : 'once'}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${name} ends`);
      release(rateLimited);
    };
    await Promise.all([call('a', true), call('b', false), call('c', false)]);
    // a is refused again: another hold; then b alone, and c once b was let through.
    expect(order).to.deep.equal([
      'a starts at the end of the hold',
      'a ends',
      'b starts at the end of the hold',
      'b ends',
      'c starts at the end of the hold',
      'c ends',
    ]);
  });

  it('holds every call while a hold lasts; a shorter hold never shortens a longer one', async () => {
    const throttle = new Throttle(100, 10, 20_000);
    const t0 = Date.now();
    throttle.holdFor(120);
    throttle.holdFor(10);
    const starts = await Promise.all(
      [1, 2, 3].map(async () => {
        const release = await throttle.acquire();
        release();
        return Date.now() - t0;
      }),
    );
    for (const at of starts) expect(at).to.be.at.least(115);
    // Once it is over, calls start at once.
    const t1 = Date.now();
    (await throttle.acquire())();
    expect(Date.now() - t1).to.be.below(50);
  });
});
