import { parse as parseYaml } from 'yaml';
import { isObject } from '../json-walk';
import { dockerImageConfig } from './dockerfile';
import { textOf } from '../../../protocol/text';

/**
 * CAT S19/S20 checked on the Dockerfile instead of a built image: the platform starts the
 * connector through `AIRBYTE_ENTRYPOINT` and identifies it by the io.airbyte.* labels.
 * The labels are required even without metadata.yaml, because the contract promises them.
 */
export function checkImageStatics(dockerfileText: string, metadataYamlText?: string): string[] {
  const failures: string[] = [];
  const image = dockerImageConfig(dockerfileText);

  const declared = image.env.AIRBYTE_ENTRYPOINT;
  if (!image.entrypoint) failures.push('S20: the image has no ENTRYPOINT');
  if (declared === undefined) failures.push('S20: the image has no ENV AIRBYTE_ENTRYPOINT');
  if (image.entrypoint && declared !== undefined && declared !== image.entrypoint.join(' ')) {
    failures.push(
      `S20: ENV AIRBYTE_ENTRYPOINT is ${JSON.stringify(declared)} but the ENTRYPOINT joined by spaces is ${JSON.stringify(image.entrypoint.join(' '))}`,
    );
  }

  const name = image.labels['io.airbyte.name'];
  const version = image.labels['io.airbyte.version'];
  if (name === undefined) failures.push('S19: the image has no LABEL io.airbyte.name');
  if (version === undefined) failures.push('S19: the image has no LABEL io.airbyte.version');
  if (metadataYamlText === undefined) return failures;

  const metadata: unknown = parseYaml(metadataYamlText);
  const data = isObject(metadata) && isObject(metadata.data) ? metadata.data : {};
  const expected: [string, string | undefined, unknown][] = [
    ['io.airbyte.name', name, data.dockerRepository],
    ['io.airbyte.version', version, data.dockerImageTag],
  ];
  for (const [label, actual, wanted] of expected) {
    const field = label === 'io.airbyte.name' ? 'dockerRepository' : 'dockerImageTag';
    if (wanted === undefined || wanted === null) failures.push(`S19: metadata.yaml has no data.${field}`);
    else if (actual !== undefined && actual !== textOf(wanted)) {
      failures.push(`S19: LABEL ${label} is ${JSON.stringify(actual)} but metadata.yaml data.${field} is ${JSON.stringify(textOf(wanted))}`);
    }
  }
  return failures;
}
