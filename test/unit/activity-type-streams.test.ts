import { expect } from 'chai';
import { activityStreamNames, attributeColumnNames, snakeCase } from '../../source-marketo/streams/activity-type-names';
import { attributeColumns, attributeSchema, ATTRIBUTE_DATA_TYPES, convertAttribute, primaryValue } from '../../source-marketo/streams/activity-columns';
import { mergeStates, splitState } from '../../source-marketo/streams/activity-family';

describe('per-type activity streams: names', () => {
  const cases: Array<[string, string]> = [
    ['Visit Webpage', 'visit_webpage'],
    ['Change Data Value', 'change_data_value'],
    ['Fill Out LinkedIn Lead Gen Form', 'fill_out_linkedin_lead_gen_form'],
    ['Send Forward to Friend Email', 'send_forward_to_friend_email'],
    ['Click RTP Call to Action', 'click_rtp_call_to_action'],
    ['SFDC Activity Updated', 'sfdc_activity_updated'],
    ['  Webinar -- Attended!  ', 'webinar_attended'],
    ['Downloaded e-Book (v2)', 'downloaded_e_book_v2'],
    ['Café Visit', 'cafe_visit'],
    ['3rd Party Event', '3rd_party_event'],
    ['Web__Form', 'web_form'],
    ['試用登録', ''],
    ['!!!', ''],
  ];
  for (const [name, snake] of cases) {
    it(`snake case of '${name}' is '${snake}'`, () => expect(snakeCase(name)).to.equal(snake));
  }

  it('streams are activities_<snake case>; empty names fall back to the id; clashes go to the higher id, with its id', () => {
    const names = activityStreamNames([
      { id: 100002, name: 'Click-Link' },
      { id: 3, name: 'Click Link' },
      { id: 1, name: 'Visit Webpage' },
      { id: 100003, name: '試用登録' },
      { id: 100004, name: '3rd Party Event' },
      { id: 100005, name: 'Click Link 100002' },
    ]);
    expect(Object.fromEntries(names)).to.deep.equal({
      1: 'activities_visit_webpage',
      3: 'activities_click_link',
      // the plain name a later type would have had is never taken by a suffixed one
      100002: 'activities_click_link_100002_2',
      100003: 'activities_type_100003',
      100004: 'activities_3rd_party_event',
      100005: 'activities_click_link_100002',
    });
  });

  it('a name another stream of the source has is suffixed with the type id', () => {
    expect(activityStreamNames([{ id: 7, name: 'Lead Changes' }], new Set(['activities_lead_changes'])).get(7)).to.equal('activities_lead_changes_7');
  });

  it('columns are snake case; leading digits get a _; repeats get _2, _3; empty names are attribute', () => {
    expect(attributeColumnNames(['Webpage URL', 'Client IP Address', '3D Secure', 'Webpage-URL', 'webpage url', '???'])).to.deep.equal([
      'webpage_url',
      'client_ip_address',
      '_3d_secure',
      'webpage_url_2',
      'webpage_url_3',
      'attribute',
    ]);
  });

  it('the primary attribute is the first column, then the secondary attributes in order', () => {
    const columns = attributeColumns({
      id: 2,
      name: 'Fill Out Form',
      primaryAttribute: { name: 'Webform ID', dataType: 'integer' },
      attributes: [
        { name: 'Webpage ID', dataType: 'integer' },
        { name: 'Form Fields', dataType: 'text' },
      ],
    });
    expect(columns.map((c) => [c.column, c.primary])).to.deep.equal([
      ['webform_id', true],
      ['webpage_id', false],
      ['form_fields', false],
    ]);
    // A type without a primary attribute (seen in practice) has only its secondary columns.
    expect(attributeColumns({ id: 9, name: 'X', attributes: [{ name: 'A', dataType: 'string' }] }).map((c) => c.column)).to.deep.equal(['a']);
  });
});

describe('per-type activity streams: attribute dataType → JSON type', () => {
  const table: Array<[string[], unknown]> = [
    // 'hologram': a type nobody knows is text, never a failed sync; the case of a name does not matter.
    [['string', 'text', 'email', 'phone', 'url', 'link', 'reference', 'hologram'], { type: ['null', 'string'] }],
    [['integer', 'score', 'Integer'], { type: ['null', 'integer'] }],
    [['float', 'currency', 'percent'], { type: ['null', 'number'] }],
    [['boolean'], { type: ['null', 'boolean'] }],
    [['date'], { type: ['null', 'string'], format: 'date' }],
    [['datetime'], { type: ['null', 'string'], format: 'date-time' }],
    [['array'], { type: ['null', 'array'], items: { type: ['null', 'string', 'number', 'integer', 'boolean'] } }],
  ];
  for (const [dataTypes, schema] of table) {
    for (const dataType of dataTypes) {
      it(`${dataType} → ${JSON.stringify(schema)}`, () => {
        const { description: _d, ...rest } = attributeSchema(dataType, 'd') as Record<string, unknown>;
        expect(rest).to.deep.equal(schema);
      });
    }
  }
  it('the table covers every dataType Get Activity Types is known to return', () => {
    for (const t of [
      'string',
      'integer',
      'text',
      'boolean',
      'datetime',
      'date',
      'float',
      'currency',
      'email',
      'phone',
      'url',
      'link',
      'percent',
      'score',
      'reference',
      'array',
    ]) {
      expect(ATTRIBUTE_DATA_TYPES, t).to.have.property(t);
    }
  });

  const values: Array<[string, unknown, unknown]> = [
    ['integer', 42, 42],
    ['integer', '42', 42],
    ['integer', ' 7 ', 7],
    ['integer', '4.5', 'invalid'],
    ['integer', 'n/a', 'invalid'],
    ['score', '-3', -3],
    ['float', '4.25', 4.25],
    ['currency', 19.99, 19.99],
    ['percent', '55%', 55],
    ['float', 'abc', 'invalid'],
    ['boolean', true, true],
    ['boolean', 'false', false],
    ['boolean', 'TRUE', true],
    ['boolean', 1, true],
    ['boolean', 'maybe', 'invalid'],
    ['date', '2026-11-30', '2026-11-30'],
    ['date', '2026-11-30T10:00:00Z', '2026-11-30'],
    ['date', 'Monday', 'invalid'],
    ['datetime', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z'],
    ['datetime', '2014-09-17T22:31:49+0000', '2014-09-17T22:31:49Z'],
    ['datetime', '2014-11-13 12:43:04', '2014-11-13T12:43:04Z'],
    ['datetime', 'soon', 'invalid'],
    ['string', 775, '775'],
    ['text', 'a\nb', 'a\nb'],
    ['array', ['a', 1], ['a', 1]],
    ['array', 'a', ['a']],
    ['unknown-type', false, 'false'],
    ['integer', '', null],
    ['boolean', null, null],
  ];
  for (const [dataType, raw, want] of values) {
    it(`${dataType}: ${JSON.stringify(raw)} → ${JSON.stringify(want)}`, () => {
      const converted = convertAttribute(dataType, raw);
      expect('invalid' in converted ? 'invalid' : converted.value).to.deep.equal(want);
    });
  }

  it('the primary attribute is the id Marketo gives for numbers, else the value', () => {
    expect(primaryValue('integer', { primaryAttributeValueId: 72, primaryAttributeValue: '/pricing' })).to.equal(72);
    expect(primaryValue('reference', { primaryAttributeValueId: 31, primaryAttributeValue: 'Email Address' })).to.equal('Email Address');
    expect(primaryValue('integer', { primaryAttributeValue: 'Lead 5' })).to.equal('Lead 5');
  });
});

describe('per-type activity streams: one pass, one state per stream', () => {
  const A = { activityDate: '2026-11-01T00:00:00Z', marketoGUIDs: ['g1'] };
  const B = { activityDate: '2026-11-02T00:00:00Z', marketoGUIDs: ['g2'] };

  it('merges the members’ states under <stream>#<type> and splits them back unchanged', () => {
    const merged = mergeStates([
      { name: 'activities', typeIds: [1, 6], state: { activityDate: A.activityDate, partitions: { '1': A, '6': B } } },
      { name: 'activities_visit_webpage', typeIds: [1], state: { activityDate: B.activityDate, partitions: { '1': B } } },
      { name: 'activities_send_email', typeIds: [6] },
    ]);
    expect(merged.partitions).to.deep.equal({ 'activities#1': A, 'activities#6': B, 'activities_visit_webpage#1': B });
    expect(splitState(merged, 'activities')).to.deep.equal({ activityDate: A.activityDate, partitions: { '1': A, '6': B } });
    expect(splitState(merged, 'activities_visit_webpage')).to.deep.equal({ activityDate: B.activityDate, partitions: { '1': B } });
  });

  it('a state from before partitions stands for each of its types; windows and a bulk history are carried', () => {
    const merged = mergeStates([{ name: 'activities', typeIds: [1, 6], state: { activityDate: A.activityDate, partitions: {} } }]);
    expect(merged.partitions).to.deep.equal({
      'activities#1': { activityDate: A.activityDate, marketoGUIDs: [] },
      'activities#6': { activityDate: A.activityDate, marketoGUIDs: [] },
    });
    const windowed = {
      activityDate: A.activityDate,
      partitions: { '1': A },
      until: '2026-11-10T00:00:00Z',
      windows: [{ from: '2026-11-10T00:00:00Z', until: null, partitions: { '1': B } }],
      bulk: { until: 'x', next: 'x', jobs: [] },
    };
    const both = mergeStates([
      { name: 'activities_visit_webpage', typeIds: [1], state: windowed },
      { name: 'activities', typeIds: [1], state: { ...windowed, partitions: {}, windows: [{ ...windowed.windows[0], partitions: {} }] } },
    ]);
    expect(splitState(both, 'activities_visit_webpage')).to.deep.equal(windowed);
  });
});
