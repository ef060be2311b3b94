import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import {
  ACCESS_DENIED,
  CONCURRENT_ACCESS_LIMIT,
  DAILY_QUOTA_REACHED,
  FIELD_NOT_SUPPORTED,
  RATE_LIMIT_EXCEEDED,
  TOKEN_ERRORS,
  TRANSIENT_CODES,
} from '../../marketo/constants';
import {
  ALREADY_GONE_CODES,
  COMPANY_UPDATE_NOT_ALLOWED,
  PARTITION_ACCESS_DENIED,
  PARTITION_NAME_REQUIRED,
  PARTITION_UPDATE_NOT_ALLOWED,
} from '../../marketo/write-endpoints';
import { COMPANIES_STREAM, LEADS_STREAM } from '../../destination-marketo/objects';
import { allStreams } from '../../source-marketo/streams';
import { jsonTypeOf } from '../../source-marketo/streams/lead-schema';
import { ATTRIBUTE_DATA_TYPES, attributeJsonType } from '../../source-marketo/streams/activity-columns';
import { findRepoRoot } from '../harness/repo-root';

/**
 * The connector pages in docs/ against what they describe: every config field, stream, key,
 * cursor, sync mode, data type and handled error code they list exists, and everything that
 * exists is listed. The tables are parsed; their first column names the thing in backticks.
 */

const root = findRepoRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Page {
  text: string;
  headings: { level: number; title: string }[];
  /** The text from a heading to the next heading of the same or a higher level. */
  section(title: string): string;
  /** The rows of the tables of a section, as cells (header and separator rows left out). */
  rows(title: string): string[][];
}

function loadPage(name: string): Page {
  const text = fs.readFileSync(path.join(root, 'docs', `${name}.md`), 'utf8');
  const lines = text.split('\n');
  const headings = lines.flatMap((line) => {
    const m = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    return m ? [{ level: m[1].length, title: m[2] }] : [];
  });
  const section = (title: string): string => {
    const start = lines.findIndex((l) => new RegExp(`^#{1,6}\\s+${escape(title)}\\s*$`).test(l));
    if (start < 0) throw new Error(`docs/${name}.md has no heading "${title}"`);
    const level = /^#+/.exec(lines[start])![0].length;
    const end = lines.findIndex((l, i) => i > start && /^#+\s/.test(l) && /^#+/.exec(l)![0].length <= level);
    return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  };
  const rows = (title: string): string[][] => {
    const tableLines = section(title)
      .split('\n')
      .filter((l) => l.trim().startsWith('|'));
    const cells = tableLines.map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
    // Drop each table's header: the row before a |---| separator, and the separator itself.
    return cells.filter((row, i) => !row.every((c) => /^:?-+:?$/.test(c)) && !cells[i + 1]?.every((c) => /^:?-+:?$/.test(c)));
  };
  return { text, headings, section, rows };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The backticked names of a cell: "`601`, `602`" → ["601", "602"]. */
function ticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** GitHub's anchor of a heading. */
function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function readSpec(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(root, 'specs', `${name}.json`), 'utf8')).connectionSpecification;
}

/**
 * Checks a table of Marketo dataTypes (`dataType` | JSON type | format) against what the code maps
 * each to; a row whose dataType is not in backticks stands for "any other" type. Returns the
 * dataTypes the table documents.
 */
function expectTypeRows(rows: string[][], mapping: (dataType: string) => { type: string; format?: string }): Set<string> {
  const documented = new Set<string>();
  for (const [dataType, jsonType, format] of rows) {
    const name = ticked(dataType)[0] ?? 'x-not-a-marketo-type'; // "any other"
    documented.add(name);
    const mapped = mapping(name);
    expect(ticked(jsonType), `${name}: JSON type`).to.deep.equal([mapped.type]);
    expect(ticked(format), `${name}: format`).to.deep.equal(mapped.format ? [mapped.format] : []);
  }
  return documented;
}

/** The headings Airbyte's docs template puts in this order (CAT's documentation checks: "Connector Acceptance Tests Reference", https://docs.airbyte.com/connector-development/testing-connectors/connector-acceptance-tests-reference). */
const TEMPLATE_HEADINGS = [
  'Marketo',
  'Prerequisites',
  'Setup guide',
  'Set up Marketo',
  'For Airbyte Cloud:',
  'For Airbyte Open Source:',
  'Set up the Marketo connector in Airbyte',
  'Supported sync modes',
  'Supported Streams',
  'Configuration',
  'Performance considerations',
  'Data type map',
  'Troubleshooting',
  'Changelog',
];
/** CAT leaves credentials out of the Prerequisites check. */
const CREDENTIAL_FIELDS = ['credentials', 'client_id', 'client_secret', 'access_token', 'refresh_token'];

for (const name of ['source-marketo', 'destination-marketo']) {
  describe(`docs/${name}.md`, () => {
    const page = loadPage(name);
    const spec = readSpec(name);

    it("has the headings of Airbyte's docs template, in its order", () => {
      const titles = page.headings.map((h) => h.title);
      const positions = TEMPLATE_HEADINGS.map((t) => titles.indexOf(t));
      expect(
        TEMPLATE_HEADINGS.filter((_, i) => positions[i] < 0),
        'missing headings',
      ).to.deep.equal([]);
      expect(positions, 'heading order').to.deep.equal([...positions].sort((a, b) => a - b));
      expect(page.headings[0]).to.deep.equal({ level: 1, title: 'Marketo' });
    });

    it("Configuration lists every spec field, and only those, with the spec's title, requirement and default", () => {
      const rows = page.rows('Configuration');
      const documented = rows.map((r) => ticked(r[0])[0]);
      expect(documented).to.have.members(Object.keys(spec.properties));
      expect(documented, "in the form's order").to.deep.equal(
        Object.keys(spec.properties).sort((a, b) => {
          const groups = spec.groups.map((g: { id: string }) => g.id);
          const [pa, pb] = [spec.properties[a], spec.properties[b]];
          return groups.indexOf(pa.group) - groups.indexOf(pb.group) || pa.order - pb.order;
        }),
      );
      for (const [field, title, required, defaultCell] of rows) {
        const key = ticked(field)[0];
        const prop = spec.properties[key];
        expect(title, `${key}: title`).to.equal(prop.title);
        expect(required, `${key}: required`).to.equal(spec.required.includes(key) ? 'yes' : 'no');
        if (prop.default !== undefined) expect(ticked(defaultCell), `${key}: default`).to.deep.equal([String(prop.default)]);
        else expect(ticked(defaultCell), `${key}: no default`).to.deep.equal([]);
      }
    });

    it('Prerequisites names every required field by its title (CAT TestConnectorDocumentation)', () => {
      const prerequisites = page.section('Prerequisites').toLowerCase();
      for (const key of spec.required.filter((k: string) => !CREDENTIAL_FIELDS.includes(k))) {
        expect(prerequisites, key).to.contain(spec.properties[key].title.toLowerCase());
      }
      expect(prerequisites).to.match(/account|auth|credentials|access/);
    });

    it('every link to a section of the page points at a heading', () => {
      const anchors = new Set(page.headings.map((h) => slug(h.title)));
      const links = [...page.text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
      expect(links.filter((l) => !anchors.has(l))).to.deep.equal([]);
    });

    it("the spec's and metadata's documentationUrl is this page in the repository package.json names", () => {
      // package.json's `repository` is the one place the public address is written; the specs
      // (Airbyte links its setup form to documentationUrl) and metadata.yaml follow it.
      const repository = /^git\+(https:\/\/github\.com\/[^/]+\/[^/.]+)\.git$/.exec(pkg.repository.url)?.[1];
      expect(repository, 'package.json repository.url').to.be.a('string');
      const url = `${repository}/blob/main/docs/${name}.md`;
      expect(JSON.parse(fs.readFileSync(path.join(root, 'specs', `${name}.json`), 'utf8')).documentationUrl).to.equal(url);
      expect(fs.readFileSync(path.join(root, name, 'metadata.yaml'), 'utf8')).to.contain(`documentationUrl: ${url}\n`);
      expect(pkg.homepage).to.equal(`${repository}#readme`);
      expect(fs.existsSync(path.join(root, 'docs', `${name}.md`))).to.equal(true);
    });

    it('the Changelog starts with the package version', () => {
      const [version, date] = page.rows('Changelog')[0];
      expect(version).to.equal(pkg.version);
      expect(date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    });
  });
}

describe('docs/source-marketo.md: streams, types and errors', () => {
  const page = loadPage('source-marketo');

  it('Supported Streams lists every stream, and only those, with its primary key, cursor and sync modes', () => {
    const all = page.rows('Supported Streams');
    // Streams named after the subscription's activity types and custom objects are one row each (`activities_<type>`, `<custom object API name>`).
    const rows = all.filter((r) => !ticked(r[0])[0].includes('<'));
    expect(all.filter((r) => ticked(r[0])[0].includes('<')).map((r) => [ticked(r[0])[0], ticked(r[1]), ticked(r[2]), r[3]])).to.deep.equal([
      ['activities_<type>', ['marketoGUID'], ['activityDate'], 'full_refresh, incremental'],
      ['<custom object API name>', [], ['updatedAt'], 'full_refresh, incremental'],
    ]);
    const streams = allStreams();
    expect(rows.map((r) => ticked(r[0])[0])).to.deep.equal(streams.map((s) => s.name));
    for (const [name, pk, cursor, modes] of rows) {
      const stream = streams.find((s) => s.name === ticked(name)[0])!;
      expect(ticked(pk), `${stream.name}: primary key`).to.deep.equal(stream.primaryKey.map((p) => p.join('.')));
      expect(ticked(cursor), `${stream.name}: cursor`).to.deep.equal(stream.cursorField ?? []);
      expect(
        modes.split(',').map((m) => m.trim()),
        `${stream.name}: sync modes`,
      ).to.deep.equal(stream.syncModes);
    }
  });

  it('Supported sync modes offers incremental exactly when a stream supports it', () => {
    const incremental = page.rows('Supported sync modes').filter((r) => r[0].startsWith('Incremental'));
    const supported = allStreams().some((s) => s.syncModes.includes('incremental'));
    expect(incremental.map((r) => r[1])).to.deep.equal(incremental.map(() => (supported ? 'yes' : 'no')));
  });

  it('Per-type activity streams: the attribute dataType table says what the schema does, for every type the connector maps', () => {
    const rows = page.rows('Per-type activity streams').filter((r) => r.length === 4 && !ticked(r[0])[0]?.startsWith('activities'));
    const documented = expectTypeRows(rows, attributeJsonType);
    expect(Object.keys(ATTRIBUTE_DATA_TYPES).filter((t) => !documented.has(t))).to.deep.equal([]);
    expect(documented.has('x-not-a-marketo-type')).to.equal(true);
  });

  it('the Data type map says what the leads schema does for each Marketo dataType, and covers every type Describe Lead reports', () => {
    const rows = page.rows('Data type map');
    const documented = expectTypeRows(rows, jsonTypeOf);
    const recorded = JSON.parse(fs.readFileSync(path.join(root, 'sandbox', 'data', 'describe-lead.json'), 'utf8')).result as { dataType: string }[];
    const missing = [...new Set(recorded.map((f) => f.dataType))].filter((t) => !documented.has(t));
    expect(missing, 'dataTypes of the recorded Describe Lead not in the map').to.deep.equal([]);
    expect(documented.has('x-not-a-marketo-type'), 'a row for any other type').to.equal(true);
  });

  it('Troubleshooting covers every error code the client treats specially', () => {
    const codes = new Set(page.rows('Troubleshooting').flatMap((r) => ticked(r[0])));
    const handled = [...TOKEN_ERRORS, ...TRANSIENT_CODES, ACCESS_DENIED, DAILY_QUOTA_REACHED];
    expect(handled.filter((c) => !codes.has(c))).to.deep.equal([]);
  });
});

describe('docs/destination-marketo.md: streams, sync modes and errors', () => {
  const page = loadPage('destination-marketo');

  it('Supported Streams lists leads, companies and custom objects, as the destination routes them', () => {
    const rows = page.rows('Supported Streams');
    const named = rows.map((r) => ticked(r[0])[0]);
    expect(named.filter((n) => !n.startsWith('<'))).to.deep.equal([LEADS_STREAM, COMPANIES_STREAM]);
    expect(named.filter((n) => n.startsWith('<'))).to.deep.equal(['<custom object API name>']);
  });

  it('Supported sync modes say yes exactly to the destination sync modes of the spec', () => {
    const modes: string[] = JSON.parse(fs.readFileSync(path.join(root, 'specs', 'destination-marketo.json'), 'utf8')).supported_destination_sync_modes;
    const modeOf = (label: string): string => (label.endsWith('Append + Deduped') ? 'append_dedup' : label.endsWith('Append') ? 'append' : 'overwrite');
    for (const [label, supported] of page.rows('Supported sync modes')) {
      expect(supported, label).to.equal(modes.includes(modeOf(label)) ? 'yes' : 'no');
    }
  });

  it('Troubleshooting covers the codes the destination acts on', () => {
    const codes = new Set(page.rows('Troubleshooting').flatMap((r) => ticked(r[0])));
    const handled = [
      ...ALREADY_GONE_CODES,
      COMPANY_UPDATE_NOT_ALLOWED,
      FIELD_NOT_SUPPORTED,
      ACCESS_DENIED,
      DAILY_QUOTA_REACHED,
      RATE_LIMIT_EXCEEDED,
      CONCURRENT_ACCESS_LIMIT,
      '1003',
      '1007',
      '1036',
      PARTITION_ACCESS_DENIED,
      PARTITION_NAME_REQUIRED,
      PARTITION_UPDATE_NOT_ALLOWED,
    ];
    expect(handled.filter((c) => !codes.has(c))).to.deep.equal([]);
  });

  it('the Data type map covers every type Describe Lead reports', () => {
    const documented = new Set(page.rows('Data type map').flatMap((r) => ticked(r[0])));
    const recorded = JSON.parse(fs.readFileSync(path.join(root, 'sandbox', 'data', 'describe-lead.json'), 'utf8')).result as { dataType: string }[];
    expect([...new Set(recorded.map((f) => f.dataType))].filter((t) => !documented.has(t))).to.deep.equal([]);
  });
});
