import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

/**
 * HAR 1.2 validators from the `har-schema` package, wired as har-validator does: every schema added
 * by its $id ("entry.json#"…). The schemas are draft-06 and use non-standard keywords ("optional",
 * "min", "unique"), hence the draft-06 meta-schema and strict: false.
 */
const require = createRequire(import.meta.url);

export interface HarValidators {
  entry: ValidateFunction;
  har: ValidateFunction;
}

export function harValidators(): HarValidators {
  const schemas = require('har-schema') as Record<string, object>;
  const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(draft06);
  // ajv-formats is CommonJS with a default export; under NodeNext its default import is the plugin or a wrapper.
  const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (a: Ajv) => void;
  addFormats(ajv);
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  const entry = ajv.getSchema('entry.json#');
  const har = ajv.getSchema('har.json#');
  if (entry === undefined || har === undefined) throw new Error('har-schema did not provide entry.json# and har.json#');
  return { entry, har };
}

/** Throws with ajv's messages when `value` is not a valid HAR entry (or HAR file). */
export function assertValid(validate: ValidateFunction, value: unknown): void {
  if (!validate(value)) {
    throw new Error(`HAR schema violation: ${JSON.stringify(validate.errors, null, 1)}\nin ${JSON.stringify(value).slice(0, 2000)}`);
  }
}
