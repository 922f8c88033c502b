import { parseDocument } from 'yaml';
import { makeSourceFile } from '../load/parse';
import type { FieldPath, ManifestDoc } from '../load/types';
import { isRecord } from '../util/values';
import { asRecord, asString, asStringMap, type JsonObject } from '../util/values';

export interface KObject {
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds. */
  readonly id: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly group: string;
  readonly name: string;
  /** The effective namespace; undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
  /**
   * True when the input does not fix the namespace: the manifest says none and the default was
   * applied, or kustomize overlays in the input build it into several.
   */
  readonly defaultedNamespace: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly raw: JsonObject;
  readonly doc: ManifestDoc;
}

/** A place inside an object: what findings and related locations point at. */
export interface ObjectRef {
  object: KObject;
  path: FieldPath;
}

export function objectId(kind: string, namespace: string | undefined, name: string): string {
  // join builds one flat string; a template literal keeps its parts as a chain of cons strings,
  // about 100 bytes more for every object of the model.
  return (namespace === undefined ? [kind, name] : [kind, namespace, name]).join('/');
}

export function metadataOf(raw: JsonObject): { name: string; namespace: string | undefined } {
  const meta = asRecord(raw['metadata']);
  const name = asString(meta?.['name']) ?? asString(meta?.['generateName']) ?? '(unnamed)';
  const ns = asString(meta?.['namespace']);
  return { name, namespace: ns === '' ? undefined : ns };
}

/** The labels or annotations of an object that has none: one shared, frozen map (most objects have no annotations). */
const NONE: Readonly<Record<string, string>> = Object.freeze(asStringMap(undefined));

function readOnlyMap(value: unknown): Readonly<Record<string, string>> {
  const map = asStringMap(value);
  return Object.keys(map).length > 0 ? map : NONE;
}

export function labelsOf(raw: JsonObject): Readonly<Record<string, string>> {
  return readOnlyMap(asRecord(raw['metadata'])?.['labels']);
}

export function annotationsOf(raw: JsonObject): Readonly<Record<string, string>> {
  return readOnlyMap(asRecord(raw['metadata'])?.['annotations']);
}

/**
 * An object that is not in the input but must stand in the model like one (the config file, the
 * cluster DNS pods): parsed from `text`, so regions and related locations work as for any object.
 */
export function syntheticObject(
  display: string,
  absPath: string | undefined,
  text: string,
  identity: { kind: string; apiVersion: string; group: string; name: string; namespace: string | undefined },
): KObject {
  const yaml = parseDocument(text, { logLevel: 'error' });
  const value = yaml.toJS() as unknown;
  const doc: ManifestDoc = {
    file: makeSourceFile(display, absPath, text),
    docIndex: 0,
    ast: () => yaml,
    basePath: [],
    value: isRecord(value) ? value : {},
  };
  return {
    ...identity,
    id: objectId(identity.kind, identity.namespace, identity.name),
    defaultedNamespace: false,
    labels: {},
    annotations: {},
    raw: doc.value,
    doc,
  };
}
