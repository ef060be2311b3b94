import { expect } from 'chai';
import { convertValue } from '../../destination-marketo/convert';

// Each Marketo dataType [13] against the values a warehouse sends: converted when the meaning is
// certain, refused (with a reason that does not repeat the value) otherwise.

const accepted: Array<[string, unknown, unknown]> = [
  ['string', 'Ann', 'Ann'],
  ['string', 42, '42'],
  ['string', 4.5, '4.5'],
  ['string', true, 'true'],
  ['string', '', ''], // Marketo stores null for ""
  ['email', 'a@x.com', 'a@x.com'],
  ['text', 'long text', 'long text'],
  ['phone', 5551234, '5551234'],
  ['integer', 7, 7],
  ['integer', '7', 7],
  ['integer', ' -12 ', -12],
  ['integer', 14.0, 14],
  ['integer', '14.0', 14],
  ['integer', '', null],
  ['float', '5.4', 5.4],
  ['float', 1e3, 1000],
  ['float', '1e3', 1000],
  ['currency', '34.66', 34.66],
  ['percent', 99, 99],
  ['boolean', true, true],
  ['boolean', 'false', false],
  ['boolean', ' TRUE ', true],
  ['boolean', 1, true],
  ['boolean', 0, false],
  ['boolean', '1', true],
  ['date', '2024-03-05', '2024-03-05'],
  ['date', '2024-03-05T23:30:00-05:00', '2024-03-05'],
  ['date', '2024-03-05 10:00:00', '2024-03-05'],
  ['datetime', '2024-03-05T10:00:00Z', '2024-03-05T10:00:00Z'],
  ['datetime', '2024-03-05T10:00:00.999Z', '2024-03-05T10:00:00Z'],
  ['datetime', '2024-03-05T10:00:00+02:00', '2024-03-05T08:00:00Z'],
  ['datetime', '2024-03-05T10:00:00+0200', '2024-03-05T08:00:00Z'],
  ['datetime', '2024-03-05T10:00:00-03', '2024-03-05T13:00:00Z'],
  ['datetime', '2024-03-05 10:00:00', '2024-03-05T10:00:00Z'],
  ['datetime', '2024-03-05T10:00', '2024-03-05T10:00:00Z'],
  ['datetime', '2024-03-05', '2024-03-05T00:00:00Z'],
  ['reference', 12, 12],
  ['reference', 'abc', 'abc'],
  ['integer', null, null],
  ['datetime', undefined, null],
  ['someNewType', 'as is', 'as is'],
];

const refused: Array<[string, unknown, string]> = [
  ['integer', 14.1, 'needs a whole number; got a number with decimals or out of range'],
  ['integer', '14.1', 'needs a whole number; got a number with decimals or out of range'],
  ['integer', 2 ** 60, 'needs a whole number; got a number with decimals or out of range'],
  ['integer', 'seven', 'needs a whole number; got text that is not a number'],
  ['integer', true, 'needs a whole number; got a boolean'],
  ['float', '14c', 'needs a number; got text that is not a number'],
  ['percent', '100%', 'needs a number; got text that is not a number'],
  ['currency', { amount: 1 }, 'needs a number; got an object'],
  ['boolean', 'maybe', 'needs true or false; got other text'],
  ['boolean', 2, 'needs true or false; got a number'],
  ['date', '2024-02-30', 'needs a date (YYYY-MM-DD); got text that is not one'],
  ['date', 20240305, 'needs a date (YYYY-MM-DD); got a number'],
  ['datetime', 'yesterday', 'needs a date-time (ISO 8601); got text that is not one'],
  ['datetime', '2024-03-05T25:00:00Z', 'needs a date-time (ISO 8601); got text that is not one'],
  ['datetime', 1_700_000_000, 'needs a date-time (ISO 8601); got a number'],
  ['string', ['a'], 'needs text; got a list'],
  ['text', { a: 1 }, 'needs text; got an object'],
  ['reference', true, 'needs a key (text or number); got a boolean'],
  ['someNewType', { a: 1 }, "has Marketo type 'someNewType', which takes a single value; got an object"],
];

describe('destination convert', () => {
  for (const [dataType, value, expected] of accepted) {
    it(`${dataType}: ${JSON.stringify(value) ?? 'undefined'} → ${JSON.stringify(expected)}`, () => {
      expect(convertValue(value, dataType)).to.deep.equal({ ok: true, value: expected });
    });
  }
  for (const [dataType, value, reason] of refused) {
    it(`${dataType}: refuses ${JSON.stringify(value)}`, () => {
      const result = convertValue(value, dataType);
      expect(result).to.deep.equal({ ok: false, reason });
      if (typeof value === 'string') expect(reason).to.not.include(value);
    });
  }
});
