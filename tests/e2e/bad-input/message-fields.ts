import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';
import { delimited } from '../../helpers/wire-bytes.ts';

/** What one field holds, as far as bad values go. */
export type LeafKind =
  | 'string'
  | 'timestamp'
  | 'duration'
  | 'list'
  | 'map'
  | 'map-key'
  | 'map-value'
  | 'scalar'
  | 'enum'
  | 'message';

/** One field of a request, possibly nested, with how to put wire bytes or JSON at it. */
export interface FieldTarget {
  /** Proto path, e.g. `user.roles`; a map's key and value are `labels.key`, `labels.value`. */
  readonly path: string;
  readonly field: DescField;
  readonly kind: LeafKind;
  /** The request bytes with `payload` as this field's length-delimited value (a string's bytes, a Timestamp's body). */
  wire(payload: readonly number[]): number[];
  /** The request bytes with `fieldBytes` (tags included) inside this field's message. */
  wireRaw(fieldBytes: readonly number[]): number[];
  /** The request JSON with `value` as this field's value. */
  json(value: unknown): Record<string, unknown>;
}

const MAX_DEPTH = 3;

type Outer<T> = (inner: T) => T;

/**
 * Every field of a message down to three levels, each with the kind of its value and how to
 * reach it, so the corpus can put a bad value into each one on either transport. Top-level
 * fields named in `skip` (those a URL path binds) are left out.
 */
export function fieldTargets(desc: DescMessage, skip: readonly string[] = []): FieldTarget[] {
  const targets: FieldTarget[] = [];
  const visit = (
    message: DescMessage,
    prefix: string,
    depth: number,
    outerWire: Outer<number[]>,
    outerJson: Outer<Record<string, unknown>>,
  ) => {
    for (const field of message.fields) {
      if (depth === 0 && skip.includes(field.name)) continue;
      const path = prefix === '' ? field.name : `${prefix}.${field.name}`;
      const at = (kind: LeafKind): FieldTarget => ({
        path,
        field,
        kind,
        wire: (payload) => outerWire(delimited(field.number, payload)),
        wireRaw: (bytes) => outerWire([...bytes]),
        json: (value) => outerJson({ [field.jsonName]: value }),
      });
      switch (field.fieldKind) {
        case 'scalar':
          targets.push(at(field.scalar === ScalarType.STRING ? 'string' : 'scalar'));
          break;
        case 'enum':
          targets.push(at('enum'));
          break;
        case 'list':
          targets.push(at('list'));
          if (field.listKind === 'scalar' && field.scalar === ScalarType.STRING) targets.push(at('string'));
          break;
        case 'map':
          targets.push(at('map'));
          if (field.mapKey === ScalarType.STRING) {
            targets.push({
              ...at('map-key'),
              path: `${path}.key`,
              wire: (payload) => outerWire(delimited(field.number, delimited(1, payload))),
              json: (value) => outerJson({ [field.jsonName]: { [String(value)]: mapValueJson(field) } }),
            });
          }
          if (field.mapKind === 'scalar' && field.scalar === ScalarType.STRING) {
            targets.push({
              ...at('map-value'),
              path: `${path}.value`,
              wire: (payload) =>
                outerWire(delimited(field.number, [...delimited(1, [0x6b]), ...delimited(2, payload)])),
              json: (value) => outerJson({ [field.jsonName]: { k: value } }),
            });
          }
          break;
        case 'message': {
          const typeName = field.message.typeName;
          targets.push(
            at(
              typeName === 'google.protobuf.Timestamp'
                ? 'timestamp'
                : typeName === 'google.protobuf.Duration'
                  ? 'duration'
                  : 'message',
            ),
          );
          if (!typeName.startsWith('google.protobuf.') && depth + 1 < MAX_DEPTH) {
            visit(
              field.message,
              path,
              depth + 1,
              (inner) => outerWire(delimited(field.number, inner)),
              (inner) => outerJson({ [field.jsonName]: inner }),
            );
          }
          break;
        }
      }
    }
  };
  visit(
    desc,
    '',
    0,
    (inner) => inner,
    (inner) => inner,
  );
  return targets;
}

// A valid JSON value for a map's values, so only the key is wrong.
function mapValueJson(field: DescField): unknown {
  if (field.fieldKind !== 'map') return null;
  if (field.mapKind === 'message') return {};
  if (field.mapKind === 'enum') return 0;
  if (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES) return '';
  return field.scalar === ScalarType.BOOL ? false : 0;
}
