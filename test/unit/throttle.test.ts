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
});
