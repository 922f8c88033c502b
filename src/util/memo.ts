/**
 * `read` computed once per key object and kept for as long as the key lives (a WeakMap): for what
 * several rules ask of the same model, Service, Ingress or route (#22: each used to read it again).
 * The value is shared between callers, so it must be treated as read-only.
 */
export function oncePer<K extends object, V>(read: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = read(key);
    known.set(key, value);
    return value;
  };
}
