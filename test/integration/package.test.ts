import { expect } from 'chai';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startSandbox, Sandbox } from '../../sandbox';
import { makeTempFolder, removeTempFolder } from '../../sandbox/temp-folders';
import { checkCatalog, checkConnection, checkRecords, checkSpec } from '../harness/acceptance';
import { configuredCatalogFromDiscovered } from '../harness/configured-catalog';
import { dockerImageConfig } from '../harness/checks/dockerfile';
import { findRepoRoot } from '../harness/repo-root';
import { assertProtocol, runConnector, RunResult, writeJsonTemp } from '../harness/run-connector';

/**
 * What the images ship, proven without Docker: the project is packed with `npm pack` (package.json
 * "files" decides the content) and installed into an empty folder the way the runtime stage of
 * Dockerfile.source / Dockerfile.destination installs it (tarball unpacked, `npm ci --omit=dev`
 * with the lockfile). The connectors then run from there: spec, check, discover and a short read
 * against the sandbox, which runs in this process from the repository's own dist/.
 */

const root = findRepoRoot();
const DOCKERFILES = ['Dockerfile.source', 'Dockerfile.destination'];
/** What the tarball must hold, and what it must not. */
const REQUIRED_FILES = [
  'package.json',
  'bin/source-marketo',
  'bin/destination-marketo',
  'specs/source-marketo.json',
  'specs/destination-marketo.json',
  'dist/source-marketo/main.js',
  'dist/destination-marketo/main.js',
  'dist/marketo/client.js',
  'dist/protocol/output.js',
];
const FORBIDDEN =
  /^(dist\/(test|sandbox|scripts)\/|test\/|sandbox\/|scripts\/|source-marketo\/|destination-marketo\/|marketo\/|protocol\/|node_modules\/|integration_tests\/)|\.ts$|\.map$/;
const DEV_ONLY_PACKAGES = ['typescript', 'mocha', 'chai', 'sinon', 'yaml', '@types/node'];

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}) in ${cwd}:\n${result.stderr}\n${result.stdout}`);
  return result;
}

/** The instructions of the Dockerfile's last stage. */
function runtimeStage(dockerfile: string): string[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const from = lines
    .map((l, i) => (/^FROM\s/i.test(l) ? i : -1))
    .filter((i) => i >= 0)
    .pop()!;
  return lines.slice(from);
}

describe("the packed connectors, installed with production dependencies only (the images' runtime content)", function () {
  this.timeout(180_000);
  let workDir: string;
  let appDir: string;
  let packed: { filename: string; files: { path: string }[]; size: number };
  let sandbox: Sandbox;
  const timings: Record<string, number> = {};

  before(async () => {
    workDir = makeTempFolder('pack');
    appDir = path.join(workDir, 'integration_code');
    fs.mkdirSync(appDir);
    let t = Date.now();
    // The Dockerfiles' build stage: `npm pack` of the built project.
    packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', workDir], root).stdout)[0];
    timings.pack = Date.now() - t;
    // The runtime stage: the tarball unpacked next to the lockfile, production dependencies from the lockfile.
    t = Date.now();
    sh('tar', ['-xzf', path.join(workDir, packed.filename), '--strip-components=1', '-C', appDir], root);
    fs.copyFileSync(path.join(root, 'package-lock.json'), path.join(appDir, 'package-lock.json'));
    sh('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], appDir);
    timings.install = Date.now() - t;
    sandbox = await startSandbox({ seed: 5, activityCount: 400, leadCount: 30, rateLimit: null });
  });

  after(async () => {
    await sandbox?.close();
    if (workDir) removeTempFolder(workDir);
    console.log(`      (npm pack ${timings.pack} ms, install ${timings.install} ms)`);
  });

  const config = () => ({
    domain_url: sandbox.url,
    client_id: sandbox.clientId,
    client_secret: sandbox.clientSecret,
    start_date: '2026-01-01T00:00:00Z',
  });

  /** Runs a connector of the installed package, never the repository's. */
  async function installed(connector: 'source-marketo' | 'destination-marketo', args: string[]): Promise<RunResult> {
    const result = await runConnector(path.join(appDir, 'bin', connector), args);
    assertProtocol(result);
    return result;
  }

  it('the tarball holds the executables, the compiled connectors and the specs, and no tests, sandbox, sources or maps', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).to.include.members(REQUIRED_FILES);
    expect(files.filter((f) => FORBIDDEN.test(f))).to.deep.equal([]);
    expect(packed.size, 'packed bytes').to.be.below(200_000);
  });

  it('the installed tree has the production dependencies and no development ones', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    // The runtime dependencies: ajv and ajv-formats (validate settings against the spec), csv-parse (streams bulk export files).
    expect(Object.keys(pkg.dependencies ?? {}).sort()).to.deep.equal(['ajv', 'ajv-formats', 'csv-parse']);
    for (const dep of Object.keys(pkg.dependencies ?? {})) expect(fs.existsSync(path.join(appDir, 'node_modules', dep)), dep).to.equal(true);
    for (const dep of DEV_ONLY_PACKAGES) expect(fs.existsSync(path.join(appDir, 'node_modules', dep)), dep).to.equal(false);
  });

  for (const dockerfile of DOCKERFILES) {
    it(`${dockerfile}: the runtime stage takes only the packed tarball and the lockfile, installs them as this test does, and runs bin/ from it`, () => {
      const text = fs.readFileSync(path.join(root, dockerfile), 'utf8');
      const stage = runtimeStage(text);
      expect(stage[0]).to.match(/^FROM node:20-slim$/);
      const copies = stage.filter((l) => /^(COPY|ADD)\s/i.test(l));
      expect(copies).to.deep.equal(['COPY package-lock.json ./', 'COPY --from=build /build/pack/ /tmp/pack/']);
      const install = stage.find((l) => l.startsWith('RUN tar'))!;
      expect(install).to.match(/tar -xzf \/tmp\/pack\/\*\.tgz --strip-components=1/);
      expect(install).to.include('npm ci --omit=dev --ignore-scripts');
      expect(text).to.match(/npm pack --pack-destination \/build\/pack/);
      const image = dockerImageConfig(text);
      const connector = dockerfile === 'Dockerfile.source' ? 'source-marketo' : 'destination-marketo';
      expect(image.entrypoint).to.deep.equal(['node', `/airbyte/integration_code/bin/${connector}`]);
      expect(stage).to.include('WORKDIR /airbyte/integration_code');
      expect(stage).to.include('USER node');
    });
  }

  it('source spec, check, discover and a short read (activity_types, activities) run from the installed package', async () => {
    const spec = await installed('source-marketo', ['spec']);
    expect(spec.exitCode, spec.stderr).to.equal(0);
    expect(checkSpec(spec.messages, config())).to.deep.equal([]);

    const check = await installed('source-marketo', ['check', '--config', writeJsonTemp(config())]);
    expect(check.exitCode, check.stderr).to.equal(0);
    expect(checkConnection(check.messages, 'succeed')).to.deep.equal([]);

    const discover = await installed('source-marketo', ['discover', '--config', writeJsonTemp(config())]);
    expect(discover.exitCode, discover.stderr).to.equal(0);
    expect(checkCatalog(discover.messages)).to.deep.equal([]);

    const discovered = discover.messages.find((m) => m.type === 'CATALOG').catalog;
    const catalog = configuredCatalogFromDiscovered(discovered, { streams: ['activity_types', 'activities'] });
    const read = await installed('source-marketo', ['read', '--config', writeJsonTemp(config()), '--catalog', writeJsonTemp(catalog)]);
    expect(read.exitCode, read.stderr).to.equal(0);
    expect(checkRecords(read.messages, catalog)).to.deep.equal([]);
    expect(read.records('activity_types').length).to.equal(sandbox.activityTypes().length);
    const served = new Set(sandbox.activityTypes().map((t) => t.id));
    const guids = read
      .records('activities')
      .map((r) => r.data.marketoGUID)
      .sort();
    expect(guids).to.deep.equal(
      [...sandbox.activities()]
        .filter((a) => served.has(a.activityTypeId))
        .map((a) => a.marketoGUID)
        .sort(),
    );
  });

  it('destination spec and check run from the installed package', async () => {
    const spec = await installed('destination-marketo', ['spec']);
    expect(spec.exitCode, spec.stderr).to.equal(0);
    expect(checkSpec(spec.messages, { domain_url: sandbox.url, client_id: sandbox.clientId, client_secret: sandbox.clientSecret })).to.deep.equal([]);
    const check = await installed('destination-marketo', [
      'check',
      '--config',
      writeJsonTemp({ domain_url: sandbox.url, client_id: sandbox.clientId, client_secret: sandbox.clientSecret }),
    ]);
    expect(check.exitCode, check.stderr).to.equal(0);
    expect(checkConnection(check.messages, 'succeed')).to.deep.equal([]);
  });
});
