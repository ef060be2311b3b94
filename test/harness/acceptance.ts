/**
 * Airbyte Connector Acceptance Test checks (Airbyte's "Connector Acceptance Tests Reference",
 * https://docs.airbyte.com/connector-development/testing-connectors/connector-acceptance-tests-reference),
 * each returning failure strings (empty = pass) so a test can write
 * `expect(checkX(...)).to.deep.equal([])` and see every failure at once.
 * Each failure starts with the check's id (S5, D3, B2, I2…): this project's short names for the
 * checks of that page (S spec, C connection check, D discover, B basic read, I incremental, F full refresh),
 * each written beside the code that makes it in test/harness/checks/.
 */
export { checkSpec } from './checks/spec';
export { checkCatalog } from './checks/catalog';
export { checkRecords, ConfiguredCatalogLike, ConfiguredStreamLike, RecordCheckOptions } from './checks/read';
export { checkSequentialSlices } from './checks/slices';
export { checkImageStatics } from './checks/image';
export { checkConnection, ExpectedConnection } from './checks/connection';
export { CAT_DATETIME_REGEX, isCatDateTime } from './checks/record-validator';
