// Name formats of the Kubernetes API (k8s.io/apimachinery/pkg/util/validation).

/** RFC 1123 label: lowercase alphanumerics and '-', starts and ends alphanumeric, at most 63. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/**
 * IANA_SVC_NAME (RFC 6335), what container port names and named targetPorts must be: at most 15
 * characters, lowercase alphanumerics and '-', at least one letter, no leading, trailing or double '-'.
 */
export function isIanaSvcName(s: string): boolean {
  return (
    s.length >= 1 &&
    s.length <= 15 &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) &&
    /[a-z]/.test(s) &&
    !s.includes('--')
  );
}

export function isPortNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** RFC 1123 subdomain: dot-separated RFC 1123 labels, at most 253 characters (most object names). */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);
}

/** RFC 1035 label: an RFC 1123 label that starts with a letter (Service names). */
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** What every name must be, as a path segment of the API: not `.` or `..`, no `/` or `%`. */
export function isPathSegmentName(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !/[/%]/.test(s);
}
