/**
 * Every `example` in every spec validates against the schema it sits on (Ajv 2020, formats on),
 * and a deliberately broken copy of it does not, so the examples in the docs UI cannot drift from
 * the contract, and the check itself is shown to bite.
 */
import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSpecs } from '../helpers/specs.ts';

// ajv-formats is CommonJS with a default export
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

interface Site {
  pointer: string;
  example: unknown;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Schemas carrying `example`, found anywhere in the document, with their JSON pointers. */
function findSchemaExamples(node: unknown, pointer: string, out: Site[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => findSchemaExamples(v, `${pointer}/${i}`, out));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  // Parameter, header and media type objects carry their schema under `schema`; schemas never do.
  const isParameterOrMedia = 'schema' in obj && typeof obj.schema === 'object' && !pointer.includes('/properties/');
  if ('example' in obj && !isParameterOrMedia && !pointer.endsWith('/examples')) out.push({ pointer, example: obj.example });
  if (isParameterOrMedia && 'example' in obj) out.push({ pointer: `${pointer}/schema`, example: obj.example });
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'example') continue;
    if (k === 'examples' && v && typeof v === 'object' && !Array.isArray(v) && isParameterOrMedia) {
      for (const [name, ex] of Object.entries(v as Record<string, { value?: unknown }>)) {
        if (ex && 'value' in ex) out.push({ pointer: `${pointer}/schema`, example: ex.value });
        void name;
      }
      continue;
    }
    findSchemaExamples(v, `${pointer}/${escapePointer(k)}`, out);
  }
}

function resolvePointer(doc: unknown, pointer: string): Record<string, unknown> {
  return pointer
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((o: any, k) => o?.[k], doc) as Record<string, unknown>;
}

/** A value the schema must refuse, or undefined when the schema constrains too little to say. */
function breakExample(schema: Record<string, unknown>, example: unknown): unknown {
  if (Array.isArray(schema.enum)) return '__not_one_of_the_enum__';
  if (typeof schema.const !== 'undefined') return { notTheConst: true };
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if (types.length === 0) {
    if (Array.isArray(schema.required) && schema.required.length && example && typeof example === 'object' && !Array.isArray(example)) {
      const copy = { ...(example as Record<string, unknown>) };
      delete copy[schema.required[0] as string];
      return copy;
    }
    return undefined;
  }
  if (types.includes('object') && Array.isArray(schema.required) && schema.required.length && example && typeof example === 'object' && !Array.isArray(example)) {
    const copy = { ...(example as Record<string, unknown>) };
    delete copy[schema.required[0] as string];
    return copy;
  }
  if (!types.includes('object')) return { wrong: 'type' };
  if (!types.includes('array') && !types.includes('string')) return 'a string where an object belongs';
  return undefined;
}

for (const spec of loadSpecs()) {
  test(`${spec.name}: every example validates against its schema; broken copies do not`, (t) => {
    const ajv = new Ajv2020({ strict: true, allErrors: false, validateFormats: true, keywords: ['example', 'xml'] });
    addFormats(ajv);
    ajv.addVocabulary(['discriminator']);
    // Ajv ignores keys starting with x- only when told; collect them from the doc
    const xKeys = new Set<string>();
    JSON.stringify(spec.doc, (k, v) => {
      if (k.startsWith('x-')) xKeys.add(k);
      return v;
    });
    for (const k of xKeys) if (!ajv.getKeyword(k)) ajv.addKeyword(k);
    // The document itself is registered so that its #/components/... refs resolve; its top-level
    // OpenAPI fields are not schema keywords.
    for (const k of Object.keys(spec.doc)) if (!ajv.getKeyword(k) && !['$schema', '$id'].includes(k)) ajv.addKeyword(k);
    ajv.addSchema({ ...spec.doc, $id: 'spec' }, undefined, undefined, false);

    const sites: Site[] = [];
    findSchemaExamples(spec.doc.components ?? {}, '#/components', sites);
    findSchemaExamples(spec.doc.paths ?? {}, '#/paths', sites);
    let negatives = 0;
    for (const site of sites) {
      const validate = ajv.compile({ $ref: `spec${site.pointer}` });
      t.true(validate(site.example), `${site.pointer}: ${JSON.stringify(validate.errors)}`);
      const schema = resolvePointer(spec.doc, site.pointer);
      const broken = breakExample(schema, site.example);
      if (broken !== undefined) {
        negatives++;
        t.false(validate(broken), `${site.pointer}: a broken example must not validate`);
      }
    }
    t.log(`${sites.length} examples, ${negatives} broken copies refused`);
    t.true(sites.length > 0, 'the spec carries examples');
    t.true(negatives > 0, 'the negative check ran at least once');
  });
}
