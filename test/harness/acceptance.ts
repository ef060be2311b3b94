/**
 * Airbyte Connector Acceptance Test checks (Airbyte's "Connector Acceptance Tests Reference",
 * https://docs.airbyte.com/connector-development/testing-connectors/connector-acceptance-tests-reference,
 * restated with ids in ../shared/airbyte-acceptance-checks.md when that folder is beside the repository),
 * each returning failure strings (empty = pass) so a test can write
 * `expect(checkX(...)).to.deep.equal([])` and see every failure at once.
 * Each failure starts with the check's id (S5, D3, B2, I2…) from that document.
 */
export { checkSpec } from './checks/spec';
export { checkCatalog } from './checks/catalog';
export { checkRecords, ConfiguredCatalogLike, ConfiguredStreamLike, RecordCheckOptions } from './checks/read';
export { checkSequentialSlices } from './checks/slices';
export { checkImageStatics } from './checks/image';
export { checkConnection, ExpectedConnection } from './checks/connection';
export { CAT_DATETIME_REGEX, isCatDateTime } from './checks/record-validator';
